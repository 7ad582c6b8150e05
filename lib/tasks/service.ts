/**
 * `service`: a systemd unit started, stopped, restarted or reloaded; enabled or disabled; masked or not;
 * with a `daemon-reload` first when a unit file changed on disk. Decided from one `systemctl show`.
 *
 * Idempotence: `started`/`stopped`/`enabled`/`masked` change only what differs. `restarted` and
 * `reloaded` always act, except when this run already started the unit (a handler's restart right
 * after the unit's first start is not done twice). `daemonReload` reloads only when systemd reports
 * `NeedDaemonReload=yes` for the unit. A unit that does not exist fails a real run, is "may change" in
 * check mode after an earlier predicted change, and is ok with `ifExists: true`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TaskFailedError, tail } from '../core/errors.ts';
import { defineTaskType } from '../core/define-task-type.ts';
import { unitName, unitProbe, type UnitState } from '../probes/systemd-unit.ts';
import { quote } from '../transport/quote.ts';
import type { ApplyStep } from '../core/apply-steps.ts';
import type { Diff, Plan, TaskContext, TaskType } from '../core/task-contract.ts';
import { overlayOf, overlayUnit, withUnknown } from './predicted.ts';
import { Args } from './schema-types.ts';

/** Arguments of the `service` task. */
export const ServiceArgsSchema = Args({
  /** The unit: `etcd` means `etcd.service`; other suffixes (`.socket`, `.timer`, ...) are kept. */
  name: Type.String({ pattern: '^[A-Za-z0-9_:.@\\\\-]+$', description: "a unit name such as 'etcd' or 'docker.socket'" }),
  /** `started`, `stopped`, `restarted` or `reloaded`. */
  state: Type.Optional(Type.Union([Type.Literal('started'), Type.Literal('stopped'), Type.Literal('restarted'), Type.Literal('reloaded')])),
  /** Start at boot (`systemctl enable`) or not (`disable`). */
  enabled: Type.Optional(Type.Boolean()),
  /** Masked (`systemctl mask`: cannot be started at all) or not (`unmask`). */
  masked: Type.Optional(Type.Boolean()),
  /** Run `systemctl daemon-reload` first when the unit's file changed on disk. */
  daemonReload: Type.Optional(Type.Boolean()),
  /** A unit that does not exist is fine ("nothing to do") instead of a failure. */
  ifExists: Type.Optional(Type.Boolean()),
});

/** Arguments of the `service` task. */
export type ServiceArgs = Static<typeof ServiceArgsSchema>;

/** One systemctl step of an apply, in order. */
export type ServiceStep = 'daemon-reload' | 'unmask' | 'enable' | 'disable' | 'start' | 'stop' | 'restart' | 'reload' | 'mask';

/** What apply needs: the unit and its steps. */
export interface ServicePlanData {
  unit: string;
  steps: ServiceStep[];
}

declare module '../core/run-memory.ts' {
  interface HostMemory {
    /** Units started (or restarted, reloaded) by an apply of this run on the host. */
    startedUnits?: Set<string>;
    /** Check mode: units whose start was predicted earlier in this run on the host. */
    startPredictedUnits?: Set<string>;
  }
}

const ENABLED = new Set(['enabled', 'enabled-runtime', 'alias']);
// Unit files without an [Install] section (or made by generators): nothing to enable or disable.
const FIXED = new Set(['static', 'generated', 'transient', 'indirect']);
const ACTIVE = new Set(['active', 'reloading', 'activating']);
const STARTS: ReadonlySet<ServiceStep> = new Set(['start', 'restart', 'reload']);

/** The `service` task type. */
export const serviceType: TaskType<typeof ServiceArgsSchema, UnitState, ServicePlanData> = {
  name: 'service',
  description: 'Manage a systemd unit: started/stopped/restarted/reloaded, enabled, masked (one systemctl show).',
  schema: ServiceArgsSchema,
  supportsDiff: true,
  check(args) {
    if (args.name.startsWith('-')) return `"${args.name}" is not a unit name`;
    if (args.state === undefined && args.enabled === undefined && args.masked === undefined && !args.daemonReload)
      return 'give at least one of state, enabled, masked, daemonReload';
    if (args.masked && args.enabled) return 'a masked unit cannot be enabled: masked and enabled are both true';
    if (args.masked && args.state && args.state !== 'stopped') return `a masked unit cannot be ${args.state}: use masked: false, or state "stopped"`;
    return undefined;
  },
  probe(args) {
    return unitProbe(unitName(args.name));
  },
  plan(args, state, ctx) {
    // Check mode: a unit an earlier predicted package install ships is planned as the install leaves it.
    const predicted = overlayOf(ctx);
    const plan = withUnknown(planService(args, overlayUnit(state, predicted, unitName(args.name)), ctx), predicted);
    if (ctx.check && plan.status === 'change' && plan.data?.steps.some((s) => STARTS.has(s)))
      (ctx.memory.startPredictedUnits ??= new Set()).add(plan.data.unit);
    // A unit that an earlier task will install and this task will start: a later restart in the same run is skipped.
    if (ctx.check && plan.status === 'may-change' && (args.state === 'started' || args.state === 'restarted'))
      (ctx.memory.startPredictedUnits ??= new Set()).add(unitName(args.name));
    return plan;
  },
  steps(_args, plan) {
    const { unit, steps } = plan.data!;
    const out: ApplyStep[] = [];
    for (const step of steps) {
      const command = systemctlCommand(step, unit);
      out.push({
        id: step,
        kind: 'exec',
        label: command,
        command: `export LANG=C LC_ALL=C; ${command}`,
        ...(STARTS.has(step) ? { onFailure: journalStep(unit) } : {}),
      });
      // A start that systemctl accepted is checked: the unit must become active (or a oneshot succeed).
      if (STARTS.has(step))
        out.push({
          id: `${step}:active`,
          kind: 'exec',
          label: `systemctl is-active ${unit}`,
          command: `export LANG=C LC_ALL=C; ${activeScript(unit)}`,
          onFailure: journalStep(unit),
        });
    }
    return out;
  },
  outcome(_args, plan, results, ctx) {
    const { unit, steps } = plan.data!;
    let stdout = '';
    for (const step of steps) {
      const r = results.get(step);
      if (!r) break;
      stdout += r.stdout;
      const command = systemctlCommand(step, unit);
      if (r.code !== 0) {
        const journal = STARTS.has(step) ? journalText(unit, r.diagnostics) : '';
        throw new TaskFailedError(
          `${ctx.host}: service ${unit}: systemctl ${step} failed (exit ${r.code}): ${tail(r.stderr || r.stdout) || '(no output)'}${journal}`,
          { host: ctx.host, command, code: r.code, stderr: r.stderr },
        );
      }
      if (STARTS.has(step)) {
        const v = results.get(`${step}:active`)!;
        if (v.code !== 0) {
          const state = v.stdout.trim() || 'unknown';
          throw new TaskFailedError(
            `${ctx.host}: service ${unit}: systemctl ${step} returned but the unit is ${state}, not active${journalText(unit, v.diagnostics)}`,
            { host: ctx.host, command: `systemctl is-active ${unit}`, code: v.code },
          );
        }
        // Units started in this run: a later restart of the same unit (a handler) is not done twice.
        if (ctx.memory) (ctx.memory.startedUnits ??= new Set()).add(unit);
      }
      if (step === 'stop') ctx.memory?.startedUnits?.delete(unit);
    }
    return { stdout, rc: 0 };
  },
};

/** The systemctl command of one step (as messages show it). */
const systemctlCommand = (step: ServiceStep, unit: string) =>
  step === 'daemon-reload' ? 'systemctl daemon-reload' : `systemctl ${step} ${quote(unit)}`;

/** Wait briefly for the unit to settle; exit 3 with its state when it is not active. */
function activeScript(unit: string): string {
  const u = quote(unit);
  // A oneshot unit without RemainAfterExit is inactive after a successful start: Result=success.
  return `for i in 1 2 3 4 5 6 7 8 9 10; do s=$(systemctl is-active ${u}); case $s in active) exit 0;; activating|reloading) sleep 0.3;; inactive) systemctl show -p Result ${u} | grep -qx Result=success && exit 0; break;; *) break;; esac; done; echo "$s"; exit 3`;
}

/** The read-only command whose output is appended to a failed start: the unit's journal, else its status. */
function journalStep(unit: string): { label: string; command: string } {
  const u = quote(unit);
  return {
    label: `journalctl -u ${unit} -n 20`,
    command: `export LANG=C LC_ALL=C; j=$(journalctl -u ${u} -n 20 --no-pager -q 2>/dev/null); if [ -n "$j" ]; then printf '%s\\n' "$j"; else systemctl status --no-pager -n 20 ${u} 2>&1; fi`,
  };
}

/** The journal's tail as appended to a failure message ('' when there is none). */
function journalText(unit: string, diagnostics: string | undefined): string {
  const text = (diagnostics ?? '').trim();
  return text ? `\n--- last log lines of ${unit}:\n${tail(text, 20)}` : '';
}

/** Pure plan of the `service` task (exported for fixture tests). */
export function planService(
  args: ServiceArgs,
  state: UnitState,
  ctx: Pick<TaskContext, 'check' | 'earlierChangePredicted' | 'memory'>,
): Plan<ServicePlanData> {
  const unit = unitName(args.name);
  if (!state.systemd) return { status: 'failed', reason: 'this host does not run systemd (no /run/systemd/system)' };
  const masked = state.loadState === 'masked' || state.unitFileState.startsWith('masked');
  if (state.loadState === 'not-found' && !masked) {
    if (args.masked && (args.state === undefined || args.state === 'stopped') && !args.enabled) {
      return {
        status: 'change',
        summary: `${unit}: mask`,
        diff: [{ kind: 'state', key: 'masked', before: 'no', after: 'yes' }],
        data: { unit, steps: ['mask'] },
      };
    }
    if (args.ifExists) return { status: 'ok', reason: `${unit} does not exist; nothing to do` };
    if (ctx.check && (args.state === 'restarted' || args.state === 'reloaded') && ctx.memory.startPredictedUnits?.has(unit)) {
      return { status: 'ok', reason: `${unit} would be started earlier in this run; no ${args.state === 'restarted' ? 'restart' : 'reload'} needed` };
    }
    if (ctx.check && ctx.earlierChangePredicted)
      return { status: 'may-change', reason: `${unit} does not exist yet (an earlier task may install it)` };
    return { status: 'failed', reason: `unit ${unit} does not exist; install its package first (or set ifExists: true)` };
  }
  const steps: ServiceStep[] = [];
  const diff: Diff[] = [];
  const ok: string[] = [];
  if (args.daemonReload && state.needDaemonReload) {
    steps.push('daemon-reload');
    diff.push({ kind: 'state', key: 'unit file', before: 'changed on disk', after: 'reloaded' });
  }
  const unmask = masked && args.masked === false;
  if (unmask) {
    steps.push('unmask');
    diff.push({ kind: 'state', key: 'masked', before: 'yes', after: 'no' });
  } else if (masked && (args.enabled || (args.state && args.state !== 'stopped'))) {
    return { status: 'failed', reason: `${unit} is masked; set masked: false to unmask it first` };
  } else if (masked && args.masked) ok.push('masked');
  else if (!masked && args.masked === false) ok.push('not masked');

  if (args.enabled !== undefined) {
    const fileState = unmask ? 'masked' : state.unitFileState || 'unknown';
    if (!unmask && FIXED.has(fileState)) ok.push(`${fileState} (cannot be enabled or disabled)`);
    else if (!unmask && ENABLED.has(fileState) === args.enabled) ok.push(fileState);
    else {
      steps.push(args.enabled ? 'enable' : 'disable');
      diff.push({ kind: 'state', key: 'enabled', before: fileState, after: args.enabled ? 'enabled' : 'disabled' });
    }
  }

  const active = ACTIVE.has(state.activeState) && !masked;
  const startedHere = Boolean(ctx.memory.startedUnits?.has(unit) || (ctx.check && ctx.memory.startPredictedUnits?.has(unit)));
  let skipped: string | undefined;
  const now = `${state.activeState}${state.subState ? ` (${state.subState})` : ''}`;
  switch (args.state) {
    case 'started':
      if (active) ok.push(now);
      else action('start', 'active');
      break;
    case 'stopped':
      if (!active && state.activeState !== 'deactivating') ok.push(now);
      else action('stop', 'inactive');
      break;
    case 'restarted':
      if (startedHere) skipped = 'restarting';
      else action('restart', active ? 'active (restarted)' : 'active');
      break;
    case 'reloaded':
      if (startedHere) skipped = 'reloading';
      else if (!active) action('start', 'active');
      else if (state.canReload) action('reload', 'active (reloaded)');
      else action('restart', 'active (restarted: the unit cannot reload)');
      break;
  }

  if (args.masked && !masked) {
    steps.push('mask');
    diff.push({ kind: 'state', key: 'masked', before: 'no', after: 'yes' });
  }
  if (!steps.length) {
    if (skipped) return { status: 'ok', reason: `${unit} was started in this run; not ${skipped} it again` };
    return { status: 'ok', reason: `${unit} is ${ok.join(', ') || 'as wanted'}` };
  }
  return { status: 'change', summary: `${unit}: ${steps.join(', ')}`, diff, data: { unit, steps } };

  function action(step: ServiceStep, after: string): void {
    steps.push(step);
    diff.push({ kind: 'state', key: 'active', before: state.activeState || 'unknown', after });
  }
}

/** `service({ name: 'etcd', state: 'started', enabled: true })`: manage a systemd unit. */
export const service = defineTaskType(serviceType);
