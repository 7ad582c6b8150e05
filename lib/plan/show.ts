/**
 * A saved plan as the events of the check run that made it, so it prints exactly like `--check --diff`
 * (console reporter) or `--json` (JSON reporter), and an HTML report can be made from it.
 */
import type { HostCounts, RunEvent } from '../core/run-events.ts';
import type { PlanFile } from './schema.ts';

/** The events of a saved plan, in run order, ending with the recap. */
export function planEvents(plan: PlanFile): RunEvent[] {
  const events: RunEvent[] = [{ event: 'run-start', playbook: plan.playbook.name, check: true, diff: true, time: plan.createdAt }];
  const recap: Record<string, HostCounts> = Object.fromEntries(
    Object.keys(plan.hosts).map((h) => [h, { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, ignored: 0 }]),
  );
  let play: string | undefined;
  for (const t of plan.tasks) {
    const hosts = Object.keys(t.results);
    if (t.play !== play) {
      play = t.play;
      const inPlay = [...new Set(plan.tasks.filter((x) => x.play === play).flatMap((x) => Object.keys(x.results)))];
      events.push({ event: 'play-start', play, pattern: '', hosts: inPlay });
    }
    events.push({ event: 'task-start', play: t.play, task: t.task, ...(t.role ? { role: t.role } : {}), handler: t.handler, hosts });
    for (const [host, r] of Object.entries(t.results)) {
      events.push({
        event: 'host-result',
        host,
        task: t.task,
        ...(t.role ? { role: t.role } : {}),
        handler: t.handler,
        status: r.status,
        message: r.summary,
        ...(r.diff ? { diff: r.diff } : {}),
        ...(r.module ? { module: r.module } : {}),
        ...(r.probe ? { probe: r.probe } : {}),
        startedAt: 0,
        durationMs: 0,
      });
      const c = (recap[host] ??= { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, ignored: 0 });
      if (r.status === 'ok') c.ok++;
      else if (r.status === 'changed' || r.status === 'may-change') {
        c.ok++;
        c.changed++;
      } else if (r.status === 'skipped') c.skipped++;
      else if (r.status === 'failed') c.failed++;
      else c.unreachable++;
    }
  }
  events.push({ event: 'recap', hosts: recap });
  return events;
}
