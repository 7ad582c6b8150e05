/**
 * Probing ahead: the probe commands of the tasks that come next on a host, so that they travel with the
 * current task's probe in one round trip (see probe-batch.ts).
 */
import type { HostVars } from '../core/task-options.ts';
import { validateArgs } from '../core/validate-args.ts';
import type { BatchProbe } from './probe-batch.ts';
import type { HostState, RunContext, RunState } from './state.ts';
import { taskContext, withItem, type TaskRun } from './task-context.ts';

/** What every probe command starts with: parsers read C-locale output. */
export const PROBE_PREFIX = 'export LANG=C LC_ALL=C\n';

/**
 * The probe commands of the tasks that follow on this host (same section, same become, not delegated,
 * not run-once unless this host is the one expected to run it), computed with the variables as they are now. Any task whose arguments, `when` or probe
 * cannot be computed yet is left out: it will simply probe on its own.
 */
export function probesAhead(run: RunContext, state: RunState, host: HostState, job: TaskRun, limit: number): BatchProbe[] {
  return probesOf(run, state, host, job, job.upcoming?.() ?? [], limit);
}

/** The probe commands of this task and the ones that follow it on this host (see {@link probesAhead}). */
export function probesFromHere(run: RunContext, state: RunState, host: HostState, job: TaskRun, limit: number): BatchProbe[] {
  return probesOf(run, state, host, job, [job, ...(job.upcoming?.() ?? [])], limit);
}

function probesOf(run: RunContext, state: RunState, host: HostState, job: TaskRun, jobs: Iterable<TaskRun>, limit: number): BatchProbe[] {
  const out: BatchProbe[] = [];
  const sameBecome = JSON.stringify(job.become ?? null);
  const noFacts = () => Promise.reject(new Error('facts are not gathered ahead'));
  for (const next of jobs) {
    if (out.length >= limit) break;
    const o = next.task.options;
    if ((o.runOnce && !next.runsOnceHere) || o.delegateTo || JSON.stringify(next.become ?? null) !== sameBecome) continue;
    try {
      if (o.when && !o.when(next.hostVars)) continue;
      const items = o.loop === undefined ? [undefined] : typeof o.loop === 'function' ? o.loop(next.hostVars) : o.loop;
      for (const [index, item] of items.entries()) {
        const view = o.loop === undefined ? next.hostVars : withItem(next.hostVars, item, index);
        const args = typeof next.task.args === 'function' ? (next.task.args as (h: HostVars) => unknown)(view) : next.task.args;
        if (typeof next.task.args === 'function') validateArgs(next.task.type, args, next.label, next.task.location);
        const probe = next.task.type.probe(args as never, taskContext(run, state, host, next, view, noFacts));
        if (probe) out.push({ command: PROBE_PREFIX + probe.command, merge: probe.merge, local: probe.local });
      }
    } catch {}
  }
  return out;
}
