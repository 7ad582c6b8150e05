/**
 * The data of an HTML run report, built from the (already redacted) event stream: plays, task instances
 * in run order with one row per host, recap, stats, warnings. Pure: the same events give the same model.
 */
import { createTwoFilesPatch } from 'diff';
import type { ErrorInfo, HostStatus, RunEvent, RunStats } from '../../core/run-events.ts';
import type { Diff } from '../../core/task-contract.ts';

/** One host's result of one task, as the report shows it. */
export interface ReportRow {
  host: string;
  status: HostStatus;
  message: string;
  ignored?: boolean;
  delegatedTo?: string;
  /** Milliseconds after the run's first result started. */
  start: number;
  ms: number;
  /** File diffs as one unified patch (rendered in the page by diff2html). */
  patch?: string;
  /** Other state changes: key, before, after. */
  states?: { key: string; before: string; after: string }[];
  notes?: string[];
  error?: ErrorInfo;
  /** Saved-plan apply: what the plan said for this task on this host. */
  planned?: string;
}

/** One run of a task (a handler that runs in two flushes is two instances). */
export interface ReportTask {
  id: number;
  play: string;
  name: string;
  role?: string;
  handler: boolean;
  /** Task type (module) name, when the events carry it. */
  module?: string;
  rows: ReportRow[];
}

/** Everything the page renders. */
export interface ReportModel {
  title: string;
  playbook: string;
  check: boolean;
  time?: string;
  hosts: string[];
  plays: string[];
  tasks: ReportTask[];
  recap: Record<string, { ok: number; changed: number; unreachable: number; failed: number; skipped: number }>;
  stats?: RunStats;
  warnings: string[];
  aborted: { play: string; reason: string }[];
  /** Duration from the first result's start to the last result's end, in ms. */
  spanMs: number;
}

/** Split diffs into one unified patch (files), state lines and notes. */
export function diffParts(diffs: readonly Diff[]): Pick<ReportRow, 'patch' | 'states' | 'notes'> {
  const out: Pick<ReportRow, 'patch' | 'states' | 'notes'> = {};
  const patches: string[] = [];
  for (const d of diffs) {
    if (d.kind === 'file')
      patches.push(
        createTwoFilesPatch(d.path, d.path, d.before, d.after, undefined, undefined, { context: 3 }).replace(
          /^Index:.*\n=+\n/,
          `diff --git a${d.path} b${d.path}\n`,
        ),
      );
    else if (d.kind === 'state') (out.states ??= []).push({ key: d.key, before: d.before, after: d.after });
    else (out.notes ??= []).push(d.text);
  }
  if (patches.length) out.patch = patches.join('');
  return out;
}

/** Build the report model from a run's events (in the order they were emitted). */
export function reportModel(events: readonly RunEvent[], title?: string): ReportModel {
  const model: ReportModel = {
    title: title ?? 'hostwright run',
    playbook: '',
    check: false,
    hosts: [],
    plays: [],
    tasks: [],
    recap: {},
    warnings: [],
    aborted: [],
    spanMs: 0,
  };
  const hosts = new Set<string>();
  let play = '';
  let current: ReportTask | undefined;
  const results = events.filter((e) => e.event === 'host-result');
  const t0 = results.length ? Math.min(...results.map((e) => e.startedAt)) : 0;
  for (const e of events) {
    switch (e.event) {
      case 'run-start':
        model.playbook = e.playbook;
        model.check = e.check;
        model.time = e.time;
        if (!title) model.title = `${e.playbook}${e.check ? ' (check)' : ''}`;
        break;
      case 'play-start':
        play = e.play;
        model.plays.push(e.play);
        e.hosts.forEach((h) => hosts.add(h));
        break;
      case 'task-start':
        current = { id: model.tasks.length, play: e.play, name: e.task, ...(e.role ? { role: e.role } : {}), handler: e.handler, rows: [] };
        model.tasks.push(current);
        break;
      case 'host-result': {
        hosts.add(e.host);
        if (!current || current.name !== e.task || current.handler !== e.handler) {
          current = { id: model.tasks.length, play, name: e.task, ...(e.role ? { role: e.role } : {}), handler: e.handler, rows: [] };
          model.tasks.push(current);
        }
        const extra = e as typeof e & { module?: string; planned?: string };
        if (extra.module) current.module = extra.module;
        const row: ReportRow = {
          host: e.host,
          status: e.status,
          message: e.message,
          start: e.startedAt - t0,
          ms: e.durationMs,
          ...(e.diff ? diffParts(e.diff) : {}),
        };
        if (e.ignored) row.ignored = true;
        if (e.delegatedTo) row.delegatedTo = e.delegatedTo;
        if (e.error) row.error = e.error;
        if (extra.planned) row.planned = extra.planned;
        current.rows.push(row);
        model.spanMs = Math.max(model.spanMs, row.start + row.ms);
        break;
      }
      case 'warning':
        model.warnings.push(e.message);
        break;
      case 'play-aborted':
        model.aborted.push({ play: e.play, reason: e.reason });
        break;
      case 'stats':
        model.stats = e.stats;
        break;
      case 'recap':
        model.recap = e.hosts;
        Object.keys(e.hosts).forEach((h) => hosts.add(h));
        break;
      default:
        break;
    }
  }
  model.hosts = [...hosts];
  return model;
}
