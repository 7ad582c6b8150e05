/**
 * `modprobe`: a kernel module loaded (with parameters) or unloaded, and optionally persistent: its name
 * in /etc/modules-load.d/NAME.conf (loaded at boot) and its parameters in /etc/modprobe.d/NAME.conf, as
 * community.general.modprobe does. A module counts as loaded when /proc/modules lists it, when
 * /sys/module/NAME exists, or when the kernel's modules.builtin names it (built in: nothing to load).
 * Idempotent: decided from those and the two files in one round trip. Parameters of a module already
 * loaded are not changed (as Ansible); `persistent` writes them for the next boot.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TaskFailedError, tail } from '../core/errors.ts';
import { defineTaskType } from '../core/define-task-type.ts';
import { quote } from '../transport/quote.ts';
import { atomicWriteCommand } from './atomic.ts';
import type { Diff, Plan, Probe, TaskType } from '../core/task-contract.ts';
import { Args } from './schema-types.ts';

/** Arguments of the `modprobe` task. */
export const ModprobeArgsSchema = Args({
  /** The module (`br_netfilter`; `-` and `_` are the same, as for the kernel). */
  name: Type.String({ pattern: '^[A-Za-z0-9_-]+$', description: 'a kernel module name such as br_netfilter' }),
  /** `present` (default): loaded; `absent`: unloaded. */
  state: Type.Optional(Type.Union([Type.Literal('present'), Type.Literal('absent')])),
  /** Parameters given to modprobe (`'nf_conntrack_helper=0'`). */
  params: Type.Optional(Type.String({ pattern: '^[^\\n]*$' })),
  /** Also at boot: /etc/modules-load.d/NAME.conf (and /etc/modprobe.d/NAME.conf for params); with absent, remove them. */
  persistent: Type.Optional(Type.Boolean()),
});
/** Arguments of the `modprobe` task. */
export type ModprobeArgs = Static<typeof ModprobeArgsSchema>;

/** What the probe found. */
export interface ModprobeState {
  /** Listed in /proc/modules (or /sys/module/NAME exists). */
  loaded: boolean;
  /** Named in /lib/modules/$(uname -r)/modules.builtin. */
  builtin: boolean;
  /** Content of /etc/modules-load.d/NAME.conf, or undefined when absent. */
  loadConf?: string;
  /** Content of /etc/modprobe.d/NAME.conf, or undefined when absent. */
  optionsConf?: string;
}

/** What apply does, in order. */
export interface ModprobePlanData {
  load?: boolean;
  unload?: boolean;
  writeLoad?: string;
  writeOptions?: string;
  removeLoad?: boolean;
  removeOptions?: boolean;
}

const norm = (name: string) => name.replace(/-/g, '_');
const loadPath = (name: string) => `/etc/modules-load.d/${name}.conf`;
const optionsPath = (name: string) => `/etc/modprobe.d/${name}.conf`;

/** Build the probe. */
export function modprobeProbe(name: string): Probe<ModprobeState> {
  const n = quote(norm(name));
  const command = [
    `n=${n}`,
    'if grep -q "^$n " /proc/modules 2>/dev/null || [ -d "/sys/module/$n" ]; then echo loaded=yes; else echo loaded=no; fi',
    // modules.builtin lists paths such as kernel/net/bridge/br_netfilter.ko; dashes and underscores are one.
    'if tr - _ < "/lib/modules/$(uname -r)/modules.builtin" 2>/dev/null | grep -q "/$n\\.ko$"; then echo builtin=yes; else echo builtin=no; fi',
    `for f in ${quote(loadPath(name))} ${quote(optionsPath(name))}; do if [ -f "$f" ]; then printf 'file=%s\\n' "$f"; base64 -w0 < "$f"; echo; fi; done`,
  ].join('\n');
  return { command, parse: (r) => parseModprobe(r, name), local: true };
}

/** Pure parser of the probe's output. */
export function parseModprobe(result: { code: number; stdout: string; stderr: string }, name: string): ModprobeState {
  if (result.code !== 0) throw new Error(`modprobe probe failed (exit ${result.code}): ${result.stderr.trim()}`);
  const get = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(result.stdout)?.[1];
  if (get('loaded') === undefined || get('builtin') === undefined)
    throw new Error(`modprobe probe printed no result: ${JSON.stringify(result.stdout.slice(0, 200))}`);
  const state: ModprobeState = { loaded: get('loaded') === 'yes', builtin: get('builtin') === 'yes' };
  for (const m of result.stdout.matchAll(/^file=(.*)\n(.*)$/gm)) {
    const text = Buffer.from(m[2], 'base64').toString('utf8');
    if (m[1] === loadPath(name)) state.loadConf = text;
    else if (m[1] === optionsPath(name)) state.optionsConf = text;
  }
  return state;
}

/** Pure plan of the `modprobe` task. */
export function planModprobe(args: ModprobeArgs, state: ModprobeState): Plan<ModprobePlanData> {
  const name = args.name;
  const data: ModprobePlanData = {};
  const diff: Diff[] = [];
  const what: string[] = [];
  const present = (args.state ?? 'present') === 'present';
  if (present) {
    if (!state.loaded && !state.builtin) {
      data.load = true;
      diff.push({ kind: 'state', key: `module ${name}`, before: 'not loaded', after: `loaded${args.params ? ` (${args.params})` : ''}` });
      what.push('load');
    }
    if (args.persistent) {
      const load = `${name}\n`;
      if (state.loadConf !== load) {
        data.writeLoad = load;
        diff.push({ kind: 'file', path: loadPath(name), before: state.loadConf ?? '', after: load });
        what.push(`write ${loadPath(name)}`);
      }
      const options = args.params ? `options ${name} ${args.params}\n` : undefined;
      if (options !== undefined && state.optionsConf !== options) {
        data.writeOptions = options;
        diff.push({ kind: 'file', path: optionsPath(name), before: state.optionsConf ?? '', after: options });
        what.push(`write ${optionsPath(name)}`);
      }
    }
  } else {
    if (state.builtin) return { status: 'failed', reason: `module ${name} is built into the kernel and cannot be unloaded` };
    if (state.loaded) {
      data.unload = true;
      diff.push({ kind: 'state', key: `module ${name}`, before: 'loaded', after: 'not loaded' });
      what.push('unload');
    }
    if (args.persistent) {
      if (state.loadConf !== undefined) {
        data.removeLoad = true;
        what.push(`remove ${loadPath(name)}`);
        diff.push({ kind: 'file', path: loadPath(name), before: state.loadConf, after: '' });
      }
      if (state.optionsConf !== undefined) {
        data.removeOptions = true;
        what.push(`remove ${optionsPath(name)}`);
        diff.push({ kind: 'file', path: optionsPath(name), before: state.optionsConf, after: '' });
      }
    }
  }
  if (!what.length)
    return {
      status: 'ok',
      reason: present
        ? `module ${name} is ${state.builtin && !state.loaded ? 'built into the kernel' : 'loaded'}${args.persistent ? ' and persistent' : ''}`
        : `module ${name} is not loaded`,
    };
  return { status: 'change', summary: `module ${name}: ${what.join(', ')}`, diff, data };
}

/** The shell text of the apply. */
export function modprobeApplyCommand(args: ModprobeArgs, d: ModprobePlanData): string {
  const steps = ['PATH=$PATH:/usr/sbin:/sbin'];
  if (d.writeOptions !== undefined)
    steps.push(
      `printf '%s' ${quote(d.writeOptions)} | { ${atomicWriteCommand(optionsPath(args.name), { content: d.writeOptions, mode: '0644' })}\n} || exit 1`,
    );
  if (d.writeLoad !== undefined)
    steps.push(
      `mkdir -p /etc/modules-load.d && printf '%s' ${quote(d.writeLoad)} | { ${atomicWriteCommand(loadPath(args.name), { content: d.writeLoad, mode: '0644' })}\n} || exit 1`,
    );
  if (d.load)
    steps.push(`modprobe ${quote(args.name)}${args.params ? ` ${args.params.split(/\s+/).filter(Boolean).map(quote).join(' ')}` : ''} || exit 2`);
  if (d.unload) steps.push(`modprobe -r ${quote(args.name)} || exit 2`);
  if (d.removeLoad) steps.push(`rm -f -- ${quote(loadPath(args.name))}`);
  if (d.removeOptions) steps.push(`rm -f -- ${quote(optionsPath(args.name))}`);
  return steps.join('\n');
}

/** The `modprobe` task type (community.general.modprobe). */
export const modprobeType: TaskType<typeof ModprobeArgsSchema, ModprobeState, ModprobePlanData> = {
  name: 'modprobe',
  description: 'A kernel module loaded (with parameters) or not, optionally persistent in /etc/modules-load.d.',
  schema: ModprobeArgsSchema,
  supportsDiff: true,
  check(args) {
    if (args.state === 'absent' && args.params !== undefined) return 'params is not allowed with state "absent"';
    return undefined;
  },
  probe: (args) => modprobeProbe(args.name),
  plan: (args, state) => planModprobe(args, state),
  steps(args, plan) {
    return [{ id: 'apply', kind: 'exec', label: plan.summary, command: modprobeApplyCommand(args, plan.data!) }];
  },
  outcome(args, _plan, results, ctx) {
    const r = results.get('apply')!;
    if (r.code !== 0)
      throw new TaskFailedError(`${ctx.host}: modprobe ${args.name}: ${tail(r.stderr || r.stdout) || `exit ${r.code}`}`, {
        host: ctx.host,
        command: `modprobe ${args.name}`,
        code: r.code,
        stderr: r.stderr,
      });
    return undefined;
  },
};

/** `modprobe({ name: 'br_netfilter', persistent: true })`: a kernel module loaded, now and at boot. */
export const modprobe = defineTaskType(modprobeType);
