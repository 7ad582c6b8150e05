/**
 * Comparing a saved plan with now: before an apply (version, playbook, variables, and a fresh check run's
 * results, host by host and task by task), and during it (each verdict against the plan, see
 * {@link planGuard}). Every difference names the host and task, and says what the plan saw and what is now.
 */
import type { EventListener, PlanGuard, PlanVerdict, RunEvent } from '../core/run-events.ts';
import { renderDiff } from '../report/diff.ts';
import type { Diff } from '../core/task-contract.ts';
import { hostSequence, taskKey } from './record.ts';
import type { PlanFile, PlannedResult } from './schema.ts';

/** One difference between a saved plan and now. */
export interface Drift {
  /** The host, or undefined for the playbook or hostwright itself. */
  host?: string;
  /** The task, when the difference is in one task's result. */
  task?: string;
  /** What differs. */
  what: string;
  /** What the plan saw. */
  before: string;
  /** What is there now. */
  now: string;
  /** The current diff, when a file or setting differs from what the plan saw. */
  detail?: string[];
}

const label = (t: { task: string; role?: string; handler: boolean }) => `${t.handler ? 'handler ' : ''}${t.role ? `${t.role} : ` : ''}${t.task}`;
const verdict = (r: PlannedResult | undefined) => (r ? `${r.status}${r.summary ? ` (${r.summary})` : ''}` : 'not run');

/** Differences of hostwright version, playbook files and each host's variables (no host contacted). */
export function inputDrift(saved: PlanFile, now: Pick<PlanFile, 'hostwright' | 'playbook' | 'hosts'>): Drift[] {
  const out: Drift[] = [];
  if (saved.hostwright !== now.hostwright) out.push({ what: 'hostwright version', before: saved.hostwright, now: now.hostwright });
  if (saved.playbook.fingerprint !== now.playbook.fingerprint) {
    const files = new Set([...Object.keys(saved.playbook.files), ...Object.keys(now.playbook.files)]);
    const changed = [...files].filter((f) => saved.playbook.files[f] !== now.playbook.files[f]);
    for (const f of changed)
      out.push({
        what: `playbook file ${f}`,
        before: saved.playbook.files[f] ? `digest ${saved.playbook.files[f]}` : 'absent',
        now: now.playbook.files[f] ? `digest ${now.playbook.files[f]}` : 'absent',
      });
    if (!changed.length)
      out.push({
        what: `playbook ${saved.playbook.name} (its plays, tasks or arguments)`,
        before: `fingerprint ${saved.playbook.fingerprint}`,
        now: `fingerprint ${now.playbook.fingerprint}`,
      });
  }
  for (const host of new Set([...Object.keys(saved.hosts), ...Object.keys(now.hosts)])) {
    const a = saved.hosts[host];
    const b = now.hosts[host];
    if (!a || !b) {
      out.push({ host, what: 'host in the run', before: a ? 'planned' : 'not in the plan', now: b ? 'in the run' : 'not in the run' });
      continue;
    }
    for (const name of new Set([...Object.keys(a.vars), ...Object.keys(b.vars)])) {
      if (a.vars[name] !== b.vars[name])
        out.push({
          host,
          what: `variable ${name}`,
          before: a.vars[name] ? `value with fingerprint ${a.vars[name]}` : 'undefined',
          now: b.vars[name] ? `value with fingerprint ${b.vars[name]}` : 'undefined',
        });
    }
  }
  return out;
}

/**
 * Task types whose probe reads a condition of the moment, not state a task manages (`wait`: "not answering
 * yet, curl failed after 3 ms"); their verdict is compared, not the probed state's fingerprint.
 */
export const VOLATILE_STATE = new Set(['wait']);

const sameDiff = (a?: Diff[], b?: Diff[]) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

/** Differences between the saved plan's results and a fresh check run's, host by host, task by task. */
export function resultDrift(saved: PlanFile, fresh: Pick<PlanFile, 'tasks'>, hosts: readonly string[]): Drift[] {
  const out: Drift[] = [];
  for (const host of hosts) {
    const a = hostSequence(saved.tasks, host);
    const b = hostSequence(fresh.tasks, host);
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const p = a[i];
      const n = b[i];
      if (!p || !n || p.key !== n.key) {
        out.push({
          host,
          task: label((p ?? n)!.task),
          what: 'the tasks run on the host',
          before: p ? `${label(p.task)}: ${verdict(p.result)}` : 'no further task',
          now: n ? `${label(n.task)}: ${verdict(n.result)}` : 'no further task',
        });
        break;
      }
      const r0 = p.result;
      const r1 = n.result;
      // Summaries are not compared: they may quote volatile text (a probe's error with its timing); the
      // status, the probed state's fingerprint and the diff are what the plan decided from.
      const probeSame = r0.probe === r1.probe || (r0.module !== undefined && VOLATILE_STATE.has(r0.module));
      if (r0.status === r1.status && probeSame && sameDiff(r0.diff, r1.diff)) continue;
      const what = r0.probe !== r1.probe ? 'probed state' : 'planned result';
      out.push({
        host,
        task: label(p.task),
        what,
        before: verdict(r0),
        now: verdict(r1),
        ...(r1.diff?.length && !sameDiff(r0.diff, r1.diff)
          ? { detail: renderDiff(r1.diff).slice(0, 40) }
          : r0.diff?.length && !r1.diff?.length
            ? { detail: ['planned diff no longer pending:', ...renderDiff(r0.diff).slice(0, 20)] }
            : {}),
      });
    }
  }
  return out;
}

/** Drifts as console text: one block per drift, naming host and task, with before → now. */
export function formatDrift(drifts: readonly Drift[]): string {
  return drifts
    .map((d) =>
      [
        `  ${d.host ?? 'playbook'}${d.task ? `: ${d.task}` : ''}: ${d.what} differs`,
        `    plan: ${d.before}`,
        `    now:  ${d.now}`,
        ...(d.detail ?? []).map((l) => `      ${l}`),
      ].join('\n'),
    )
    .join('\n');
}

/**
 * The first part of a verdict's diff that the planned diff does not have: a file or setting the plan does
 * not touch, a setting with another result, or a file with other content. File content is compared only
 * when the plan has that file once: loop items editing one file in turn see each other's edits in a real
 * run, not in the check that made the plan.
 */
export function unplannedDiff(now: readonly Diff[], planned: readonly Diff[]): string | undefined {
  for (const d of now) {
    if (d.kind === 'note') continue;
    const same = planned.filter(
      (p) => p.kind === d.kind && (d.kind === 'file' ? (p as typeof d).path === d.path : (p as Extract<Diff, { kind: 'state' }>).key === d.key),
    );
    const name = d.kind === 'file' ? d.path : d.key;
    if (!same.length) return `${name} is not in the planned diff`;
    if (d.kind === 'state' && !same.some((p) => (p as typeof d).after === d.after))
      return `${name} would become ${d.after}, planned ${same.map((p) => (p as typeof d).after).join(' or ')}`;
    if (d.kind === 'file' && same.length === 1 && (same[0] as typeof d).after !== d.after) return `${name} would get other content than planned`;
  }
  return undefined;
}

/**
 * The guard of a saved-plan apply, and its listener (which must see every event of the run). A verdict
 * that would apply a change the plan does not have, or a change whose result differs from the planned one,
 * stops that host; so does a finished task whose result differs from the plan (the host stops at its next
 * task). `planned` tells reporters what the plan said about a result.
 */
export function planGuard(saved: PlanFile): {
  guard: PlanGuard;
  listener: EventListener;
  planned(e: Extract<RunEvent, { event: 'host-result' }>): PlannedResult | undefined;
  diverged: Map<string, string>;
} {
  const seqs = new Map<string, ReturnType<typeof hostSequence>>();
  const seq = (host: string) => {
    let s = seqs.get(host);
    if (!s) seqs.set(host, (s = hostSequence(saved.tasks, host)));
    return s;
  };
  const position = new Map<string, number>();
  const diverged = new Map<string, string>();
  const expected = (host: string) => seq(host)[position.get(host) ?? 0];
  const guard: PlanGuard = (v: PlanVerdict) => {
    const already = diverged.get(v.host);
    if (already) return already;
    const want = expected(v.host);
    const now = `${v.status}${v.summary ? ` (${v.summary})` : ''}`;
    let reason: string | undefined;
    if (!want || want.key !== taskKey(v)) reason = `the plan has ${want ? `"${label(want.task)}"` : 'no further task'} here; now: ${now}`;
    else if (v.status === 'change') {
      const r = want.result;
      if (r.status !== 'changed' && r.status !== 'may-change') reason = `planned ${verdict(r)}, now ${now}: a change that is not in the plan`;
      else if (r.status === 'changed' && v.diff && r.diff) {
        const why = unplannedDiff(v.diff, r.diff);
        if (why) reason = `planned ${verdict(r)}, now ${now}: ${why}`;
      }
    } else if (v.status === 'failed') reason = undefined;
    if (reason) diverged.set(v.host, reason);
    return reason;
  };
  const planned = (e: Extract<RunEvent, { event: 'host-result' }>) => {
    const want = expected(e.host);
    return want && want.key === taskKey(e) ? want.result : undefined;
  };
  const listener: EventListener = (e) => {
    if (e.event !== 'host-result') return;
    const want = expected(e.host);
    position.set(e.host, (position.get(e.host) ?? 0) + 1);
    if (diverged.has(e.host) || !want || e.status === 'failed' || e.status === 'unreachable') return;
    const p = want.result.status;
    const ok = want.key === taskKey(e) && (p === e.status || (p === 'may-change' && (e.status === 'changed' || e.status === 'ok')));
    if (!ok) diverged.set(e.host, `at "${label(want.task)}" the plan said ${verdict(want.result)}, the run gave ${e.status} (${e.message})`);
  };
  return { guard, listener, planned, diverged };
}
