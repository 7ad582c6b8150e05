/**
 * `script`: a script on the controller, sent to the host and run there with its arguments (Ansible's
 * `script`). The script goes over stdin into a private temporary file (mode 0700) that is removed
 * afterwards, whatever the exit. Guarded by `creates` / `removes` (probed first, in check mode too, with
 * the `command` guard probe); without a guard it always runs and reports changed, and check mode says
 * "may change" without running it.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { TaskFailedError, ValidationError, tail } from '../core/errors.ts';
import { defineTaskType } from '../core/define-task-type.ts';
import { commandGuardProbe, envExports, hasGuard, type CommandGuardState } from '../probes/command-guard.ts';
import { checkedCatLines, contentDigest, type ContentDigest } from '../transport/content-check.ts';
import { quote, shellJoin } from '../transport/quote.ts';
import { splitCommandLine } from './command.ts';
import type { Plan, TaskContext, TaskType } from '../core/task-contract.ts';
import { AbsolutePath, Args } from './schema-types.ts';

/** Arguments of the `script` task. */
export const ScriptArgsSchema = Args({
  /** The local script and its arguments, split like a shell would (no expansion): `'files/setup.sh --fast'`. */
  cmd: Type.String({ minLength: 1 }),
  /** Do not run when this path exists on the host. */
  creates: Type.Optional(Type.String({ minLength: 1 })),
  /** Do not run when this path does not exist on the host. */
  removes: Type.Optional(Type.String({ minLength: 1 })),
  /** Absolute directory on the host to run in (also for `creates` and `removes`). */
  chdir: Type.Optional(AbsolutePath),
  /** Run the script with this program (`/bin/bash`, `python3`) instead of its `#!` line. */
  executable: Type.Optional(Type.String({ minLength: 1 })),
  /** Environment variables for the script. */
  env: Type.Optional(
    Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Type.String(), {
      additionalProperties: false,
      description: 'variable names: letters, digits and _',
    }),
  ),
});
/** Arguments of the `script` task. */
export type ScriptArgs = Static<typeof ScriptArgsSchema>;

/** The local script path and its arguments. */
export function scriptWords(args: ScriptArgs): { path: string; argv: string[] } {
  const [path, ...argv] = splitCommandLine(args.cmd);
  return { path, argv };
}

/** Pure plan of the `script` task (exported for tests): the guard decides; no guard means run. */
export function planScript(args: ScriptArgs, state: CommandGuardState | undefined, ctx: Pick<TaskContext, 'check' | 'earlierChangePredicted'>): Plan {
  const shown = args.cmd;
  if (state === undefined || !hasGuard(args)) {
    if (ctx.check) return { status: 'may-change', reason: `would run script ${shown} (not run in check mode: no creates or removes guard)` };
    return { status: 'change', summary: `run script ${shown}` };
  }
  if (!state.chdirExists) {
    if (ctx.check && ctx.earlierChangePredicted)
      return { status: 'may-change', reason: `${args.chdir} does not exist yet (an earlier task may create it); would run script ${shown}` };
    return { status: 'failed', reason: `chdir ${args.chdir} does not exist` };
  }
  if (args.creates !== undefined && state.creates) return { status: 'ok', reason: `${args.creates} exists` };
  if (args.removes !== undefined && state.removes === false) return { status: 'ok', reason: `${args.removes} does not exist` };
  const why = [args.creates !== undefined && `${args.creates} does not exist`, args.removes !== undefined && `${args.removes} exists`].filter(
    Boolean,
  );
  return { status: 'change', summary: `run script ${shown} (${why.join(', ')})` };
}

/** The shell text that receives the script on stdin (checked against `digest` when given), runs it and removes it. */
export function scriptRunCommand(args: ScriptArgs, digest?: ContentDigest): string {
  const { argv } = scriptWords(args);
  const run = args.executable !== undefined ? `${shellJoin(splitCommandLine(args.executable))} "$s"` : '"$s"';
  return [
    's=$(mktemp "${TMPDIR:-/tmp}/.hostwright-script.XXXXXX") || exit 1',
    'trap \'rm -f -- "$s"\' EXIT',
    ...(digest ? checkedCatLines('s', digest, 'the script') : ['cat > "$s" || exit 1']),
    'chmod 0700 "$s" || exit 1',
    ...(args.chdir !== undefined ? [`cd -- ${quote(args.chdir)} || exit 127`] : []),
    // A subshell keeps the trap of the outer shell, which removes the script after it ran; stdin is closed.
    `( ${[...envExports(args.env), `exec ${run}${argv.length ? ' ' + shellJoin(argv) : ''}`].join('; ')} ) </dev/null`,
  ].join('\n');
}

/** The `script` task type. */
export const scriptType: TaskType<typeof ScriptArgsSchema, CommandGuardState | undefined> = {
  name: 'script',
  description: 'Send a local script to the host and run it there; guarded by creates or removes.',
  schema: ScriptArgsSchema,
  supportsDiff: false,
  idempotent: (args) => hasGuard(args),
  check(args) {
    let path: string;
    try {
      path = scriptWords(args).path;
      if (args.executable !== undefined) splitCommandLine(args.executable);
    } catch (error) {
      return `cmd ${JSON.stringify(args.cmd)}: ${(error as Error).message}`;
    }
    try {
      if (!statSync(path).isFile()) return `script ${path} is not a regular file`;
      accessSync(path, constants.R_OK);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      return `script ${path} ${e.code === 'ENOENT' ? 'does not exist on this machine' : e.code === 'EACCES' ? 'is not readable (permission denied)' : e.message}`;
    }
    return undefined;
  },
  probe: (args) => commandGuardProbe(args),
  plan: (args, state, ctx) => planScript(args, state, ctx),
  steps(args, _plan, ctx) {
    const { path } = scriptWords(args);
    let body: Buffer;
    try {
      body = readFileSync(path);
    } catch (error) {
      throw new ValidationError(`${ctx.host}: script ${path}: ${(error as Error).message}`, { source: path, path: 'cmd' });
    }
    // The script travels on stdin into a private temporary file, checked against its size and SHA-256 before it runs.
    return [
      {
        id: 'run',
        kind: 'exec',
        label: `run ${args.cmd}${args.chdir ? ` in ${args.chdir}` : ''}`,
        command: scriptRunCommand(args, contentDigest(body)),
        stdin: body,
      },
    ];
  },
  outcome(args, _plan, results, ctx) {
    const r = results.get('run')!;
    const stdout = r.stdout.replace(/[\r\n]+$/, '');
    const stderr = r.stderr.replace(/[\r\n]+$/, '');
    if (r.code !== 0)
      throw new TaskFailedError(`${ctx.host}: script ${args.cmd}: exit ${r.code}${tail(stderr || stdout) ? `: ${tail(stderr || stdout)}` : ''}`, {
        host: ctx.host,
        command: args.cmd,
        code: r.code,
        stderr,
        stdout,
      });
    return { rc: r.code, stdout, stderr };
  },
};

/** `script({ cmd: 'files/join-cluster.sh --token abc', creates: '/etc/kubernetes/kubelet.conf' })`: run a local script on the host. */
export const script = defineTaskType(scriptType);
