/**
 * Recording a plan from the events of a check run: each task run in order with each host's result
 * (status, summary, diff, probed-state fingerprint, the steps a change will run). The events are the
 * redacted ones: secrets are masked.
 */
import type { EventListener, RunEvent } from '../core/run-events.ts';
import { digest } from './fingerprint.ts';
import type { PlanFile, PlannedResult, PlannedTask } from './schema.ts';

/** Key of a task within one host's sequence: role, task name and handler flag. */
export const taskKey = (t: { task: string; role?: string; handler: boolean }) => `${t.role ?? ''}|${t.task}|${t.handler ? 'handler' : 'task'}`;

/** Collects planned tasks from a run's events. */
export function planRecorder(): { listener: EventListener; tasks: PlannedTask[] } {
  const tasks: PlannedTask[] = [];
  let play = '';
  let current: PlannedTask | undefined;
  const listener = (e: RunEvent) => {
    if (e.event === 'play-start') play = e.play;
    else if (e.event === 'task-start') {
      current = { play: e.play, task: e.task, ...(e.role ? { role: e.role } : {}), handler: e.handler, results: {} };
      tasks.push(current);
    } else if (e.event === 'host-result') {
      if (!current || current.task !== e.task || current.handler !== e.handler) {
        current = { play, task: e.task, ...(e.role ? { role: e.role } : {}), handler: e.handler, results: {} };
        tasks.push(current);
      }
      const r: PlannedResult = { status: e.status, summary: e.message };
      if (e.diff) r.diff = e.diff;
      if (e.probe) r.probe = e.probe;
      if (e.module) r.module = e.module;
      if (e.steps) r.steps = e.steps as NonNullable<PlannedResult['steps']>;
      current.results[e.host] = r;
    }
  };
  return { listener, tasks };
}

/** One host's planned results in run order, with the task each belongs to. */
export function hostSequence(tasks: readonly PlannedTask[], host: string): { key: string; task: PlannedTask; result: PlannedResult }[] {
  return tasks.filter((t) => t.results[host]).map((t) => ({ key: taskKey(t), task: t, result: t.results[host] }));
}

/** Per-host summary: fingerprint of every probed state, and the number of planned changes. */
export function hostSummaries(
  tasks: readonly PlannedTask[],
  hosts: Iterable<string>,
): Record<string, Pick<PlanFile['hosts'][string], 'state' | 'changes'>> {
  const out: Record<string, { state: string; changes: number }> = {};
  for (const h of hosts) {
    const seq = hostSequence(tasks, h);
    out[h] = {
      state: digest(seq.map((s) => `${s.key}=${s.result.probe ?? '-'}`).join('\n')),
      changes: seq.filter((s) => s.result.status === 'changed' || s.result.status === 'may-change').length,
    };
  }
  return out;
}
