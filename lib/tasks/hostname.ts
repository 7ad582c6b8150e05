/**
 * `hostname`: the host's name, static (persistent) and transient (running), as Ansible's hostname module
 * does it: through `hostnamectl` where systemd runs (`--pretty --static set-hostname`, then `--transient
 * set-hostname`), else `/etc/hostname` and `hostname NAME`. Idempotent: ok when both names are the wanted
 * one, read in one round trip.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TaskFailedError, tail } from '../core/errors.ts';
import { defineTaskType } from '../core/define-task-type.ts';
import { quote } from '../transport/quote.ts';
import type { Plan, Probe, TaskType } from '../core/task-contract.ts';
import { Args } from './schema-types.ts';

/** Arguments of the `hostname` task. */
export const HostnameArgsSchema = Args({
  /** The name: letters, digits, hyphens and dots (RFC 1123), at most 64 characters. */
  name: Type.String({
    pattern: '^(?=.{1,64}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$',
    description: 'a host name such as node1.example.com',
  }),
  /** `systemd` (hostnamectl) or `file` (/etc/hostname); default: systemd when it runs. */
  use: Type.Optional(Type.Union([Type.Literal('systemd'), Type.Literal('file')])),
});
/** Arguments of the `hostname` task. */
export type HostnameArgs = Static<typeof HostnameArgsSchema>;

/** What the probe found. */
export interface HostnameState {
  /** systemd runs and hostnamectl exists. */
  systemd: boolean;
  /** The running (transient) name and the persistent (static) one. */
  current: string;
  permanent: string;
}

/** What apply does: which way to set the name. */
export interface HostnamePlanData {
  strategy: 'systemd' | 'file';
  setPermanent: boolean;
  setCurrent: boolean;
}

/** Build the probe: one command reading both names the way the strategy will set them. */
export function hostnameProbe(): Probe<HostnameState> {
  const command = [
    'PATH=$PATH:/usr/bin:/bin',
    'if [ -d /run/systemd/system ] && command -v hostnamectl >/dev/null; then echo systemd=yes',
    '  printf "current=%s\\n" "$(hostnamectl --transient status)"; printf "permanent=%s\\n" "$(hostnamectl --static status)"',
    'else echo systemd=no; printf "current=%s\\n" "$(hostname)"; printf "permanent=%s\\n" "$(cat /etc/hostname 2>/dev/null | head -n 1)"; fi',
  ].join('\n');
  return { command, parse: parseHostname, local: true };
}

/** Pure parser of the probe's output. */
export function parseHostname(result: { code: number; stdout: string; stderr: string }): HostnameState {
  if (result.code !== 0) throw new Error(`hostname probe failed (exit ${result.code}): ${result.stderr.trim()}`);
  const get = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(result.stdout)?.[1];
  const systemd = get('systemd');
  if (systemd === undefined) throw new Error(`hostname probe printed no result: ${JSON.stringify(result.stdout.slice(0, 200))}`);
  return { systemd: systemd === 'yes', current: (get('current') ?? '').trim(), permanent: (get('permanent') ?? '').trim() };
}

/** Pure plan of the `hostname` task. */
export function planHostname(args: HostnameArgs, state: HostnameState): Plan<HostnamePlanData> {
  const strategy = args.use ?? (state.systemd ? 'systemd' : 'file');
  if (strategy === 'systemd' && !state.systemd)
    return { status: 'failed', reason: 'use "systemd" asked, but systemd does not run on the host (or hostnamectl is missing)' };
  const setCurrent = state.current !== args.name;
  const setPermanent = state.permanent !== args.name;
  if (!setCurrent && !setPermanent) return { status: 'ok', reason: `hostname is ${args.name}` };
  const before = setCurrent ? state.current : state.permanent;
  return {
    status: 'change',
    summary: `hostname ${before} → ${args.name}${setCurrent !== setPermanent ? ` (${setCurrent ? 'running' : 'persistent'} name only)` : ''}`,
    diff: [{ kind: 'state', key: 'hostname', before, after: args.name }],
    data: { strategy, setPermanent, setCurrent },
  };
}

/** The shell text of the apply. */
export function hostnameApplyCommand(name: string, d: HostnamePlanData): string {
  const n = quote(name);
  const steps = ['PATH=$PATH:/usr/bin:/bin:/usr/sbin:/sbin', 'set -e'];
  if (d.strategy === 'systemd') {
    if (d.setPermanent) steps.push(`hostnamectl --pretty --static set-hostname ${n}`);
    if (d.setCurrent) steps.push(`hostnamectl --transient set-hostname ${n}`);
  } else {
    if (d.setPermanent) steps.push(`printf '%s\\n' ${n} > /etc/hostname.hostwright && mv -f /etc/hostname.hostwright /etc/hostname`);
    if (d.setCurrent) steps.push(`hostname ${n}`);
  }
  return steps.join('\n');
}

/** The `hostname` task type. */
export const hostnameType: TaskType<typeof HostnameArgsSchema, HostnameState, HostnamePlanData> = {
  name: 'hostname',
  description: "The host's static and running name (hostnamectl where systemd runs, else /etc/hostname).",
  schema: HostnameArgsSchema,
  supportsDiff: true,
  probe: () => hostnameProbe(),
  plan: (args, state) => planHostname(args, state),
  steps(args, plan) {
    const d = plan.data!;
    const systemd = d.strategy === 'systemd';
    const label = [
      d.setPermanent && (systemd ? `hostnamectl --pretty --static set-hostname ${args.name}` : `write /etc/hostname`),
      d.setCurrent && (systemd ? `hostnamectl --transient set-hostname ${args.name}` : `hostname ${args.name}`),
    ]
      .filter(Boolean)
      .join('; ');
    return [{ id: 'apply', kind: 'exec', label, command: hostnameApplyCommand(args.name, d) }];
  },
  outcome(args, _plan, results, ctx) {
    const r = results.get('apply')!;
    if (r.code !== 0)
      throw new TaskFailedError(`${ctx.host}: hostname ${args.name}: ${tail(r.stderr || r.stdout) || `exit ${r.code}`}`, {
        host: ctx.host,
        command: 'hostnamectl set-hostname',
        code: r.code,
        stderr: r.stderr,
      });
    return undefined;
  },
};

/** `hostname({ name: 'node1.example.com' })`: set the host's name. */
export const hostname = defineTaskType(hostnameType);
