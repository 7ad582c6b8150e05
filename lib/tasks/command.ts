/**
 * `command` and `shell`: run a program (argv, no shell) or a shell script on the host. Not idempotent by
 * themselves: without a guard they always report changed, and in check mode they are reported "may
 * change" and not run. A guard (`creates`, `removes`, `unless`) is probed first and decides, in check
 * mode too. `changedWhen` / `failedWhen` judge the result; the result goes to `register`.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TaskFailedError, tail } from '../core/errors.ts';
import { defineTaskType } from '../core/define-task-type.ts';
import { commandGuardProbe, envExports, hasGuard, type CommandGuardState } from '../probes/command-guard.ts';
import { quote, shellJoin } from '../transport/quote.ts';
import { predictedHost, recordCreated } from './predicted.ts';
import type { ApplyStep, StepContext, StepResults } from '../core/apply-steps.ts';
import type { ApplyResult, Plan, TaskContext, TaskType } from '../core/task-contract.ts';
import { AbsolutePath, Args } from './schema-types.ts';

/** What `changedWhen` and `failedWhen` are given: the command's exit code and output. */
export interface CommandResult {
  rc: number;
  /** Standard output without its trailing newline(s), as in Ansible. */
  stdout: string;
  /** Standard error without its trailing newline(s). */
  stderr: string;
}

/** A predicate on a {@link CommandResult}. */
export type CommandPredicate = (result: CommandResult) => boolean;

// Functions cannot be described in JSON schema: ajv sees a description only; `check()` verifies the type.
const Predicate = Type.Unsafe<CommandPredicate>({ description: 'a function (result: { rc, stdout, stderr }) => boolean' });
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Arguments shared by `command` and `shell`. */
const common = {
  /** Absolute directory to run in (also for `creates`, `removes`, `unless`). */
  chdir: Type.Optional(AbsolutePath),
  /** A path: when it exists, the command is not run (ok). Relative paths are relative to `chdir`. No globs. */
  creates: Type.Optional(Type.String({ minLength: 1 })),
  /** A path: when it does not exist, the command is not run (ok). */
  removes: Type.Optional(Type.String({ minLength: 1 })),
  /** A shell command probed first (also in check mode): exit 0 means "nothing to do" (ok). */
  unless: Type.Optional(Type.String({ minLength: 1 })),
  /** Decides "changed" from the result (default: always changed when run). */
  changedWhen: Type.Optional(Predicate),
  /** Decides "failed" from the result (default: `rc !== 0`). */
  failedWhen: Type.Optional(Predicate),
  /** Text written to the command's standard input (default: none, stdin is closed). */
  stdin: Type.Optional(Type.String()),
  /** Environment variables for the command and `unless`. */
  env: Type.Optional(Type.Record(Type.String(), Type.String())),
  /** Kill the command after this many seconds and fail. */
  timeout: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
};

/** Arguments of `command`: `cmd` is an argv array, or a string split like a shell would, without one. */
export const CommandArgsSchema = Args({
  /** `['systemctl', 'daemon-reload']`, or `'systemctl daemon-reload'` (quotes and backslashes honoured; no pipes, redirections or `$`). */
  cmd: Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String(), { minItems: 1 })]),
  ...common,
});
/** Arguments of `command`. */
export type CommandArgs = Static<typeof CommandArgsSchema>;

/** Arguments of `shell`: `cmd` is a script run with `/bin/sh -c` (or `executable`). */
export const ShellArgsSchema = Args({
  /** Shell text: pipes, redirections, variables. */
  cmd: Type.String({ minLength: 1 }),
  /** Absolute path of the shell (default `/bin/sh`), e.g. `/bin/bash` for `set -o pipefail`. */
  executable: Type.Optional(AbsolutePath),
  ...common,
});
/** Arguments of `shell`. */
export type ShellArgs = Static<typeof ShellArgsSchema>;

type AnyCommandArgs = CommandArgs | (ShellArgs & { cmd: string });

/**
 * Split a command line into argv the way a POSIX shell would (whitespace, single and double quotes,
 * backslashes) but with no expansion at all. Throws on an unterminated quote or on an unquoted shell
 * operator (`| & ; < > ( ) $` or a backquote), which `command` would pass on literally: use `shell`.
 */
export function splitCommandLine(line: string): string[] {
  const out: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (/\s/.test(c)) {
      if (word !== undefined) out.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error('unterminated single quote');
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      word ??= '';
      for (i++; ; i++) {
        if (i >= line.length) throw new Error('unterminated double quote');
        if (line[i] === '"') break;
        if (line[i] === '\\' && '"\\$`'.includes(line[i + 1] ?? '')) i++;
        word += line[i];
      }
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new Error('a trailing backslash escapes nothing');
      word = (word ?? '') + line[++i];
    } else if ('|&;<>()$`'.includes(c)) {
      throw new Error(`unquoted "${c}": command runs no shell, so it would be passed on literally; use shell(), or quote it`);
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) out.push(word);
  if (!out.length) throw new Error('the command line is empty');
  return out;
}

/** The command as shown in messages: argv joined with quoting, or the shell text. */
function display(args: AnyCommandArgs): string {
  const text = Array.isArray(args.cmd) ? shellJoin(args.cmd) : args.cmd;
  const oneLine = text.replace(/\s*\n\s*/g, '; ');
  return oneLine.length > 100 ? `${oneLine.slice(0, 97)}...` : oneLine;
}

/** The shell text that runs the task's command in its directory with its environment. */
export function commandScript(kind: 'command' | 'shell', args: AnyCommandArgs): string {
  const lines: string[] = [];
  if (args.chdir !== undefined) lines.push(`cd -- ${quote(args.chdir)} || exit 127`);
  lines.push(...envExports(args.env));
  if (kind === 'shell') lines.push(`exec ${quote((args as ShellArgs).executable ?? '/bin/sh')} -c ${quote(args.cmd as string)}`);
  else lines.push(`exec ${shellJoin(Array.isArray(args.cmd) ? args.cmd : splitCommandLine(args.cmd))}`);
  return lines.join('\n');
}

/** Pure plan of `command` / `shell` (exported for fixture tests): the guard decides; no guard means run. */
export function planCommand(
  args: AnyCommandArgs,
  state: CommandGuardState | undefined,
  ctx: Pick<TaskContext, 'check' | 'earlierChangePredicted'>,
): Plan {
  const shown = display(args);
  if (state === undefined || !hasGuard(args)) {
    if (ctx.check) return { status: 'may-change', reason: `would run ${shown} (not run in check mode: no creates, removes or unless guard)` };
    return { status: 'change', summary: `run ${shown}` };
  }
  if (!state.chdirExists) {
    if (ctx.check && ctx.earlierChangePredicted)
      return { status: 'may-change', reason: `${args.chdir} does not exist yet (an earlier task may create it); would run ${shown}` };
    return { status: 'failed', reason: `chdir ${args.chdir} does not exist` };
  }
  if (args.creates !== undefined && state.creates) return { status: 'ok', reason: `${args.creates} exists` };
  if (args.removes !== undefined && state.removes === false) return { status: 'ok', reason: `${args.removes} does not exist` };
  if (args.unless !== undefined && state.unless?.rc === 0) return { status: 'ok', reason: `unless succeeded: ${args.unless}` };
  const why = [
    args.creates !== undefined && `${args.creates} does not exist`,
    args.removes !== undefined && `${args.removes} exists`,
    args.unless !== undefined && `unless exited ${state.unless?.rc}`,
  ].filter(Boolean);
  return { status: 'change', summary: `run ${shown} (${why.join(', ')})` };
}

function checkArgs(kind: 'command' | 'shell', args: AnyCommandArgs): string | undefined {
  for (const key of ['changedWhen', 'failedWhen'] as const) {
    if (args[key] !== undefined && typeof args[key] !== 'function') return `${key} must be a function (result: { rc, stdout, stderr }) => boolean`;
  }
  if (kind === 'command' && typeof args.cmd === 'string') {
    try {
      splitCommandLine(args.cmd);
    } catch (error) {
      return `cmd ${JSON.stringify(args.cmd)}: ${(error as Error).message}`;
    }
  }
  if (Array.isArray(args.cmd) && args.cmd[0] === '') return 'cmd: the program name (first element) is empty';
  const bad = Object.keys(args.env ?? {}).find((k) => !ENV_NAME.test(k));
  if (bad !== undefined) return `env: ${JSON.stringify(bad)} is not a variable name (letters, digits and _, not starting with a digit)`;
  return undefined;
}

function judge(name: string, fn: CommandPredicate, result: CommandResult): boolean {
  try {
    return Boolean(fn(result));
  } catch (error) {
    throw new TaskFailedError(`${name} threw: ${(error as Error).message}`, { cause: error });
  }
}

/** The one step of the apply: the command, with its stdin and timeout; every exit code goes to `outcome`. */
function commandSteps(kind: 'command' | 'shell', args: AnyCommandArgs): ApplyStep[] {
  return [
    {
      id: 'run',
      kind: 'exec',
      label: `${kind} ${display(args)}`,
      command: commandScript(kind, args),
      okCodes: 'any',
      ...(args.stdin !== undefined ? { stdin: args.stdin } : {}),
      ...(args.timeout !== undefined ? { timeoutMs: args.timeout * 1000 } : {}),
    },
  ];
}

/** Judge the command's result: `failedWhen` (default: exit code not 0), then `changedWhen` (default: changed). */
function commandOutcome(kind: 'command' | 'shell', args: AnyCommandArgs, results: StepResults, ctx: StepContext): ApplyResult {
  const r = results.get('run')!;
  const result: CommandResult = { rc: r.code, stdout: r.stdout.replace(/[\r\n]+$/, ''), stderr: r.stderr.replace(/[\r\n]+$/, '') };
  const shown = display(args);
  const where = `${ctx.host}: ${kind} ${shown}`;
  const failed = args.failedWhen ? judge(`${where}: failedWhen`, args.failedWhen, result) : result.rc !== 0;
  if (failed) {
    const why = args.failedWhen ? `failedWhen returned true (exit ${result.rc})` : `exit ${result.rc}`;
    const detail = tail(result.stderr || result.stdout);
    throw new TaskFailedError(`${where}: ${why}${detail ? `: ${detail}` : ''}`, {
      host: ctx.host,
      command: shown,
      code: result.rc,
      stderr: result.stderr,
      stdout: result.stdout,
    });
  }
  const changed = args.changedWhen ? judge(`${where}: changedWhen`, args.changedWhen, result) : true;
  return { changed, rc: result.rc, stdout: result.stdout, stderr: result.stderr, extra: { cmd: args.cmd } };
}

function commandTaskType<S extends TSchema>(kind: 'command' | 'shell', schema: S, description: string): TaskType<S, CommandGuardState | undefined> {
  return {
    name: kind,
    description,
    schema,
    supportsDiff: false,
    idempotent: (args) => hasGuard(args as AnyCommandArgs) || (args as AnyCommandArgs).changedWhen !== undefined,
    check: (args) => checkArgs(kind, args as AnyCommandArgs),
    probe: (args) => commandGuardProbe(args as AnyCommandArgs),
    plan: (args, state, ctx) => {
      const plan = planCommand(args as AnyCommandArgs, state, ctx);
      // Check mode: the file a `creates` guard names will exist after the command (content and mode unknown).
      const creates = (args as AnyCommandArgs).creates;
      if (ctx.check && ctx.memory && plan.status === 'change' && creates?.startsWith('/'))
        recordCreated(predictedHost(ctx.memory), creates, ctx.runAs, `${kind} ${display(args as AnyCommandArgs)}`);
      return plan;
    },
    steps: (args) => commandSteps(kind, args as AnyCommandArgs),
    outcome: (args, _plan, results, ctx) => commandOutcome(kind, args as AnyCommandArgs, results, ctx),
  };
}

/** The `command` task type. */
export const commandType: TaskType<typeof CommandArgsSchema, CommandGuardState | undefined> = commandTaskType(
  'command',
  CommandArgsSchema,
  'Run a program with arguments, without a shell; guarded by creates, removes or unless.',
);
/** The `shell` task type. */
export const shellType: TaskType<typeof ShellArgsSchema, CommandGuardState | undefined> = commandTaskType(
  'shell',
  ShellArgsSchema,
  'Run a shell script (/bin/sh -c); guarded by creates, removes or unless.',
);

/** `command({ cmd: ['kubectl', 'apply', '-f', path], unless: '...' })`: run a program, no shell involved. */
export const command = defineTaskType(commandType);
/** `shell({ cmd: 'etcdctl get /k || etcdctl set /k v', creates: '/var/lib/x' })`: run shell text. */
export const shell = defineTaskType(shellType);
