/**
 * `timezone`: the host's time zone, through `timedatectl set-timezone` where systemd runs (as Ansible's
 * timezone module), else the `/etc/localtime` link (and `/etc/timezone` where it exists). Idempotent: ok
 * when the configured zone is the wanted one; an unknown zone (no file under /usr/share/zoneinfo) fails
 * in the plan, before anything changes.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TaskFailedError, tail } from '../core/errors.ts';
import { defineTaskType } from '../core/define-task-type.ts';
import { quote } from '../transport/quote.ts';
import type { Plan, Probe, TaskType } from '../core/task-contract.ts';
import { Args } from './schema-types.ts';

/** Arguments of the `timezone` task. */
export const TimezoneArgsSchema = Args({
  /** An IANA zone name such as `Europe/Paris` or `UTC`. */
  name: Type.String({ pattern: '^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$', description: 'a zone name such as Europe/Paris' }),
});
/** Arguments of the `timezone` task. */
export type TimezoneArgs = Static<typeof TimezoneArgsSchema>;

/** What the probe found. */
export interface TimezoneState {
  /** systemd runs and timedatectl exists. */
  systemd: boolean;
  /** The configured zone ('' when none can be read). */
  current: string;
  /** The wanted zone has a file under /usr/share/zoneinfo. */
  known: boolean;
  /** /etc/timezone exists (Debian): it is kept in step. */
  etcTimezone: boolean;
}

/** Build the probe for the wanted zone. */
export function timezoneProbe(name: string): Probe<TimezoneState> {
  const command = [
    'PATH=$PATH:/usr/bin:/bin',
    'if [ -d /run/systemd/system ] && command -v timedatectl >/dev/null; then echo systemd=yes; printf "current=%s\\n" "$(timedatectl status | sed -n \'s/^ *Time zone: \\([^ ]*\\).*/\\1/p\')"',
    'else echo systemd=no; printf "current=%s\\n" "$(readlink /etc/localtime | sed \'s|^.*zoneinfo/||\')"; fi',
    `if [ -f /usr/share/zoneinfo/${quote(name)} ]; then echo known=yes; else echo known=no; fi`,
    'if [ -f /etc/timezone ]; then echo etc=yes; else echo etc=no; fi',
  ].join('\n');
  return { command, parse: parseTimezone, local: true };
}

/** Pure parser of the probe's output. */
export function parseTimezone(result: { code: number; stdout: string; stderr: string }): TimezoneState {
  if (result.code !== 0) throw new Error(`timezone probe failed (exit ${result.code}): ${result.stderr.trim()}`);
  const get = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(result.stdout)?.[1];
  if (get('systemd') === undefined || get('known') === undefined)
    throw new Error(`timezone probe printed no result: ${JSON.stringify(result.stdout.slice(0, 200))}`);
  return {
    systemd: get('systemd') === 'yes',
    current: (get('current') ?? '').trim(),
    known: get('known') === 'yes',
    etcTimezone: get('etc') === 'yes',
  };
}

/** Pure plan of the `timezone` task. */
export function planTimezone(args: TimezoneArgs, state: TimezoneState): Plan<{ systemd: boolean; etcTimezone: boolean }> {
  if (state.current === args.name) return { status: 'ok', reason: `time zone is ${args.name}` };
  if (!state.known)
    return { status: 'failed', reason: `unknown time zone ${args.name}: no /usr/share/zoneinfo/${args.name} on the host (is tzdata installed?)` };
  return {
    status: 'change',
    summary: `time zone ${state.current || '(none)'} → ${args.name}`,
    diff: [{ kind: 'state', key: 'timezone', before: state.current || '(none)', after: args.name }],
    data: { systemd: state.systemd, etcTimezone: state.etcTimezone },
  };
}

/** The shell text of the apply. */
export function timezoneApplyCommand(name: string, d: { systemd: boolean; etcTimezone: boolean }): string {
  const n = quote(name);
  if (d.systemd) return `PATH=$PATH:/usr/bin:/bin\ntimedatectl set-timezone ${n}`;
  return [
    'set -e',
    `ln -sfn /usr/share/zoneinfo/${n} /etc/localtime.hostwright && mv -Tf /etc/localtime.hostwright /etc/localtime`,
    d.etcTimezone ? `printf '%s\\n' ${n} > /etc/timezone` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** The `timezone` task type. */
export const timezoneType: TaskType<typeof TimezoneArgsSchema, TimezoneState, { systemd: boolean; etcTimezone: boolean }> = {
  name: 'timezone',
  description: "The host's time zone (timedatectl where systemd runs, else the /etc/localtime link).",
  schema: TimezoneArgsSchema,
  supportsDiff: true,
  probe: (args) => timezoneProbe(args.name),
  plan: (args, state) => planTimezone(args, state),
  steps(args, plan) {
    const d = plan.data!;
    const label = d.systemd
      ? `timedatectl set-timezone ${args.name}`
      : `link /etc/localtime to /usr/share/zoneinfo/${args.name}${d.etcTimezone ? ', write /etc/timezone' : ''}`;
    return [{ id: 'apply', kind: 'exec', label, command: timezoneApplyCommand(args.name, d) }];
  },
  outcome(args, _plan, results, ctx) {
    const r = results.get('apply')!;
    if (r.code !== 0)
      throw new TaskFailedError(`${ctx.host}: timezone ${args.name}: ${tail(r.stderr || r.stdout) || `exit ${r.code}`}`, {
        host: ctx.host,
        command: 'timedatectl set-timezone',
        code: r.code,
        stderr: r.stderr,
      });
    return undefined;
  },
};

/** `timezone({ name: 'Europe/Paris' })`: set the host's time zone. */
export const timezone = defineTaskType(timezoneType);
