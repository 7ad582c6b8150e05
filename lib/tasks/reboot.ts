/**
 * `reboot`: reboots the host and waits until it is back: the boot id (`/proc/sys/kernel/random/boot_id`)
 * has changed, SSH answers again, and `testCommand` succeeds, all within `rebootTimeout`. The reboot is
 * scheduled on the host (a transient systemd timer, or a detached `sleep; reboot`) so the command that
 * asks for it returns cleanly first. Other hosts go on meanwhile (each host waits on its own). Not
 * idempotent: it always reboots; in check mode it says "would reboot" and does nothing.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TaskFailedError, tail } from '../core/errors.ts';
import { defineTaskType } from '../core/define-task-type.ts';
import { quote } from '../transport/quote.ts';
import type { Plan, Probe, TaskContext, TaskType } from '../core/task-contract.ts';
import { Args } from './schema-types.ts';

/** Arguments of the `reboot` task. */
export const RebootArgsSchema = Args({
  /** Seconds to wait for the host to come back and pass `testCommand` (default 600). */
  rebootTimeout: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  /** Seconds between asking and rebooting (default 0; at least 1 s is kept so the request returns first). */
  preRebootDelay: Type.Optional(Type.Number({ minimum: 0 })),
  /** Seconds to wait after the host is back, before `testCommand` (default 0). */
  postRebootDelay: Type.Optional(Type.Number({ minimum: 0 })),
  /** Shell command that must succeed on the rebooted host (default `whoami`). */
  testCommand: Type.Optional(Type.String({ minLength: 1 })),
  /** The command that reboots (default `systemctl reboot`, else `reboot`). */
  rebootCommand: Type.Optional(Type.String({ minLength: 1 })),
});
/** Arguments of the `reboot` task. */
export type RebootArgs = Static<typeof RebootArgsSchema>;

/** The probe: the current boot id. */
export interface RebootState {
  bootId: string;
}

const BOOT_ID = 'cat /proc/sys/kernel/random/boot_id';

/** The probe: one `cat` of the boot id. */
export const rebootProbe: Probe<RebootState> = {
  command: BOOT_ID,
  parse(result) {
    const id = result.stdout.trim();
    if (result.code !== 0 || !/^[0-9a-f-]{36}$/.test(id))
      throw new Error(`cannot read the boot id (exit ${result.code}): ${result.stderr.trim() || id}`);
    return { bootId: id };
  },
};

/** Pure plan of the `reboot` task: always a reboot; the check-mode text says it would. */
export function planReboot(_args: RebootArgs, state: RebootState, ctx: Pick<TaskContext, 'check'>): Plan<RebootState> {
  return { status: 'change', summary: ctx.check ? `would reboot (boot id ${state.bootId.slice(0, 8)})` : 'reboot', data: state };
}

/** The shell text that schedules the reboot and returns at once. */
export function scheduleCommand(args: RebootArgs): string {
  const delay = Math.max(1, args.preRebootDelay ?? 0);
  const cmd = args.rebootCommand ?? 'if command -v systemctl >/dev/null 2>&1; then systemctl reboot; else reboot; fi';
  return [
    'if command -v systemd-run >/dev/null 2>&1 && [ -d /run/systemd/system ]; then',
    `  systemd-run --quiet --on-active=${delay} --timer-property=AccuracySec=100ms /bin/sh -c ${quote(cmd)}`,
    'else',
    `  nohup /bin/sh -c ${quote(`sleep ${delay}; ${cmd}`)} </dev/null >/dev/null 2>&1 &`,
    'fi',
  ].join('\n');
}

/** The last attempt of a reconnect step, from its error (`not back within N s (last: ...)`). */
const lastTry = (error: string | undefined) => /\(last: ([\s\S]*)\)$/.exec(error ?? '')?.[1] ?? error ?? 'no answer yet';

/** The `reboot` task type. */
export const rebootType: TaskType<typeof RebootArgsSchema, RebootState, RebootState> = {
  name: 'reboot',
  description: 'Reboot the host and wait until it is back (new boot id, SSH, testCommand).',
  schema: RebootArgsSchema,
  supportsDiff: false,
  idempotent: () => false,
  probe: () => rebootProbe,
  plan: (args, state, ctx) => planReboot(args, state, ctx),
  steps(args, plan) {
    const timeout = args.rebootTimeout ?? 600;
    const test = args.testCommand ?? 'whoami';
    return [
      // The request returns before the reboot begins; should the connection drop anyway, that is no failure.
      { id: 'schedule', kind: 'exec', label: 'schedule the reboot', command: scheduleCommand(args), mayDisconnect: true },
      {
        id: 'back',
        kind: 'reconnect',
        label: 'wait for a new boot id',
        timeoutSeconds: timeout,
        until: { command: BOOT_ID, differsFrom: plan.data!.bootId },
      },
      {
        id: 'test',
        kind: 'reconnect',
        label: `testCommand: ${test}`,
        timeoutSeconds: timeout,
        ...(args.postRebootDelay ? { delaySeconds: args.postRebootDelay } : {}),
        until: { command: test },
      },
    ];
  },
  outcome(args, _plan, results, ctx) {
    const timeout = args.rebootTimeout ?? 600;
    const r = results.get('schedule')!;
    if (r.code !== 0 && !r.disconnected)
      throw new TaskFailedError(`${ctx.host}: reboot: could not schedule the reboot: ${tail(r.stderr || r.stdout) || `exit ${r.code}`}`, {
        host: ctx.host,
        command: 'reboot',
        code: r.code,
        stderr: r.stderr,
      });
    const back = results.get('back');
    if (back && back.code !== 0) {
      const last = lastTry(back.error)
        .replace(/^`[^`]*` still says .*$/, 'still the old boot id (the reboot has not begun)')
        .replace(/^`[^`]*` exited (\d+)$/, 'exit $1');
      throw new TaskFailedError(`${ctx.host}: reboot: the host did not come back with a new boot id within ${timeout} s (last: ${last})`, {
        host: ctx.host,
      });
    }
    const test = results.get('test');
    if (test && test.code !== 0) {
      const last = lastTry(test.error).replace(/^`[^`]*` exited (\d+)$/, 'testCommand exited $1');
      throw new TaskFailedError(`${ctx.host}: reboot: the host is back but testCommand did not succeed within ${timeout} s (${last})`, {
        host: ctx.host,
        command: args.testCommand ?? 'whoami',
      });
    }
    const boot = back?.stdout ?? '';
    const elapsed = Math.round([...results.values()].reduce((sum, s) => sum + (s.durationMs ?? 0), 0) / 100) / 10;
    return { extra: { rebooted: true, elapsed }, note: `back after ${elapsed} s, boot id ${boot.slice(0, 8)}` };
  },
};

/** `reboot({ rebootTimeout: 300 })`: reboot the host and wait until it is back. */
export const reboot = defineTaskType(rebootType);
