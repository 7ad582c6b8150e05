/**
 * The guard probe of `command` / `shell`: whether `chdir` exists, whether the `creates` / `removes` paths
 * exist, and the exit code of the `unless` command, in one round trip. It never runs the guarded command.
 */
import { quote } from '../transport/quote.ts';
import type { Probe } from '../core/task-contract.ts';
import type { ExecResult } from '../core/transport-types.ts';

/** The guards of a command task (all optional; relative paths are relative to `chdir`). */
export interface CommandGuards {
  /** Absolute directory the command (and `unless`) run in. */
  chdir?: string;
  /** Skip the command when this path exists. */
  creates?: string;
  /** Skip the command when this path does not exist. */
  removes?: string;
  /** Shell command run with `/bin/sh -c`; exit 0 means "nothing to do". */
  unless?: string;
  /** Environment for `unless`. */
  env?: Record<string, string>;
}

/** What the guard probe found. Fields are present only for the guards that were asked for. */
export interface CommandGuardState {
  /** False when `chdir` does not exist (nothing else was probed then). */
  chdirExists: boolean;
  /** Whether the `creates` path exists. */
  creates?: boolean;
  /** Whether the `removes` path exists. */
  removes?: boolean;
  /** Exit code and the last lines of output (stdout and stderr) of the `unless` command. */
  unless?: { rc: number; output: string };
}

/** Lines of `unless` output kept for messages. */
const UNLESS_TAIL = 5;

/** `export K=V` lines for an environment (keys are checked by the task's arguments). */
export function envExports(env: Record<string, string> | undefined): string[] {
  return Object.entries(env ?? {}).map(([k, v]) => `export ${k}=${quote(v)}`);
}

/** True when the task has at least one guard that needs a probe. */
export function hasGuard(g: CommandGuards): boolean {
  return g.creates !== undefined || g.removes !== undefined || g.unless !== undefined;
}

/** Build the guard probe, or undefined when there is no guard (an unguarded command needs no probe). */
export function commandGuardProbe(g: CommandGuards): Probe<CommandGuardState> | undefined {
  if (!hasGuard(g)) return undefined;
  const lines: string[] = [];
  if (g.chdir !== undefined) lines.push(`cd -- ${quote(g.chdir)} 2>/dev/null || { echo chdir=missing; exit 0; }`);
  lines.push('echo chdir=ok');
  if (g.creates !== undefined) lines.push(`if [ -e ${quote(g.creates)} ]; then echo creates=yes; else echo creates=no; fi`);
  if (g.removes !== undefined) lines.push(`if [ -e ${quote(g.removes)} ]; then echo removes=yes; else echo removes=no; fi`);
  if (g.unless !== undefined) {
    // In a subshell so that the environment stays the unless command's own; stdin closed so it cannot hang.
    lines.push(
      `u=$( ( ${[...envExports(g.env), `exec /bin/sh -c ${quote(g.unless)}`].join('; ')} ) </dev/null 2>&1 )`,
      'echo "unless=$?"',
      'echo ---unless---',
      `printf '%s\\n' "$u" | tail -n ${UNLESS_TAIL}`,
    );
  }
  return { command: lines.join('\n'), parse: parseCommandGuard };
}

/** Pure parser of the guard probe's output. */
export function parseCommandGuard(result: ExecResult): CommandGuardState {
  if (result.code !== 0) throw new Error(`command guard probe failed (exit ${result.code}): ${result.stderr.trim()}`);
  const [head, unlessOutput] = result.stdout.split('---unless---\n');
  const state: CommandGuardState = { chdirExists: true };
  let seen = false;
  for (const line of head.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'chdir') {
      state.chdirExists = value === 'ok';
      seen = true;
    } else if (key === 'creates') state.creates = value === 'yes';
    else if (key === 'removes') state.removes = value === 'yes';
    else if (key === 'unless') state.unless = { rc: Number(value), output: (unlessOutput ?? '').replace(/\n+$/, '') };
  }
  if (!seen) throw new Error(`command guard probe printed nothing recognisable: ${JSON.stringify(result.stdout.slice(0, 200))}`);
  return state;
}
