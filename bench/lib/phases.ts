/**
 * Where a hostwright run's wall time went, from its `--json` events alone: every task's span (from the
 * first of its hosts starting to the last finishing; the engine runs the hosts of one task in parallel
 * and the next task after them) is put in the phase of its slowest host's result:
 *
 * - connect: the SSH handshakes, inside the first task's span (the transports' summed connect time over
 *   the connections: they run in parallel, so the average is what the wall sees);
 * - probe: a task that found its state in place (ok, skipped, may-change) took only its probe;
 * - package installs: a `package` task that changed;
 * - other applies: any other task that changed (its probe included: the events do not split the two);
 * - handlers: handler tasks; waits: `wait` tasks;
 * - controller: what is left of the run (between tasks, before the first and after the last).
 *
 * An engine event that would make this exact: `host-result` carrying `probeMs` and `applyMs` (and the
 * first task's `connectMs` on that host) instead of one `durationMs`.
 */

/** Milliseconds of a run by phase (see the module comment). */
export interface Phases {
  engineMs: number;
  connectMs: number;
  probeMs: number;
  packageInstallMs: number;
  otherAppliesMs: number;
  handlersMs: number;
  waitsMs: number;
  controllerMs: number;
}

interface Ev {
  event: string;
  host?: string;
  handler?: boolean;
  status?: string;
  module?: string;
  startedAt?: number;
  durationMs?: number;
  stats?: { connectMs: number; connections: number; durationMs: number };
}

type Phase = 'probeMs' | 'packageInstallMs' | 'otherAppliesMs' | 'handlersMs' | 'waitsMs';

function phaseOf(r: Ev): Phase {
  if (r.handler) return 'handlersMs';
  if (r.module === 'wait') return 'waitsMs';
  if (r.status !== 'changed' && r.status !== 'failed') return 'probeMs';
  return r.module === 'package' ? 'packageInstallMs' : 'otherAppliesMs';
}

/** The phases of one run from its events (undefined when it has no stats event). */
export function phasesOf(events: readonly Ev[]): Phases | undefined {
  const stats = events.find((e) => e.event === 'stats')?.stats;
  if (!stats) return undefined;
  const out: Phases = {
    engineMs: stats.durationMs,
    connectMs: 0,
    probeMs: 0,
    packageInstallMs: 0,
    otherAppliesMs: 0,
    handlersMs: 0,
    waitsMs: 0,
    controllerMs: 0,
  };
  const tasks: Ev[][] = [];
  for (const e of events) {
    if (e.event === 'task-start') tasks.push([]);
    else if (e.event === 'host-result' && tasks.length && e.startedAt !== undefined) tasks[tasks.length - 1].push(e);
  }
  let spans = 0;
  let first: Phase | undefined;
  for (const results of tasks.filter((t) => t.length)) {
    const start = Math.min(...results.map((r) => r.startedAt!));
    const slowest = results.reduce((a, r) => (r.startedAt! + r.durationMs! > a.startedAt! + a.durationMs! ? r : a));
    const span = slowest.startedAt! + slowest.durationMs! - start;
    out[phaseOf(slowest)] += span;
    first ??= phaseOf(slowest);
    spans += span;
  }
  out.connectMs = stats.connections ? Math.round(stats.connectMs / stats.connections) : 0;
  // The connect time sits in the first task's span: take it from that task's phase.
  if (first) out[first] = Math.max(0, out[first] - out.connectMs);
  out.controllerMs = Math.max(0, stats.durationMs - spans);
  for (const k of Object.keys(out) as (keyof Phases)[]) out[k] = Math.round(out[k]);
  return out;
}
