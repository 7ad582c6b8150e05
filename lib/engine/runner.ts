/**
 * The runner: plays in order; each play's hosts in `serial` batches; within a batch the linear strategy
 * (every task on every active host, at most `forks` at once, before the next task); handlers at the end
 * of each role; failed and unreachable hosts leave the run while the others go on.
 */
import pLimit from 'p-limit';
import type { Handler, Play, Playbook, Role, Serial } from '../play/define.ts';
import type { HostVars, Task } from '../play/options.ts';
import { ConnectionPool, type TransportFactory } from './connections.ts';
import { Redactor, type EventListener, type HostCounts, type RunEvent, type RunStats } from './events.ts';
import { buildHostVars } from './host-vars.ts';
import type { InventoryView } from './inventory-view.ts';
import { runTaskOnHost, taskLabel } from './run-task.ts';
import { newHostState, type RunContext } from './state.ts';
import { checkRoleVars } from './role-vars.ts';
import { ProbeCache } from './probe-batch.ts';
import type { TaskRun } from './run-task.ts';
import { ValidationError } from '../errors.ts';

/** Options of a run (the command line maps onto these). */
export interface RunOptions {
  inventory: InventoryView;
  /** How to connect to a host; the default is SSH (or local for `ansible_connection: local`). */
  transportFactory: TransportFactory;
  check?: boolean;
  diff?: boolean;
  /** Further restrict every play's hosts (`--limit`). */
  limit?: string;
  extraVars?: Record<string, unknown>;
  /** Hosts worked on at once (default 20). */
  forks?: number;
  tags?: string[];
  skipTags?: string[];
  /** Subscribers to the event stream (reporters). */
  listeners?: EventListener[];
  /** Values to redact from every event (passwords, tokens). */
  secrets?: unknown[];
}

/** What a run returns. */
export interface RunResult {
  /** 0 ok, 2 a task failed, 4 a host was unreachable. */
  exitCode: 0 | 2 | 4;
  recap: Record<string, HostCounts>;
  stats: RunStats;
}

/** A step of a play: a task (maybe from a role) or the point where notified handlers run. */
type Step = { kind: 'task'; task: Task; role?: Role } | { kind: 'flush' };

/** Whether a task runs under `--tags` / `--skip-tags` (Ansible rules for `always` and `never`). */
export function tagsSelect(taskTags: readonly string[], tags: readonly string[], skipTags: readonly string[]): boolean {
  if (skipTags.some((t) => taskTags.includes(t)) || (skipTags.includes('all') && !taskTags.includes('always'))) return false;
  if (taskTags.includes('always')) return true;
  if (tags.length === 0 || tags.includes('all')) return !taskTags.includes('never');
  if (tags.includes('tagged') && taskTags.length > 0) return true;
  if (tags.includes('untagged') && taskTags.length === 0) return true;
  return tags.some((t) => taskTags.includes(t));
}

/** The steps of a play: each role's tasks then a handler flush, then the play's own tasks and a flush. */
export function playSteps(play: Play, tags: string[] = [], skipTags: string[] = []): Step[] {
  const steps: Step[] = [];
  for (const role of play.roles ?? []) {
    for (const task of role.tasks) if (tagsSelect(task.options.tags ?? [], tags, skipTags)) steps.push({ kind: 'task', task, role });
    steps.push({ kind: 'flush' });
  }
  const own = (play.tasks ?? []).filter((t) => tagsSelect(t.options.tags ?? [], tags, skipTags));
  if (own.length) {
    for (const task of own) steps.push({ kind: 'task', task });
    steps.push({ kind: 'flush' });
  }
  return steps;
}

/** Split hosts into batches as Ansible's `serial` does (the last size repeats). */
export function serialBatches(hosts: string[], serial: Serial | undefined): string[][] {
  if (serial === undefined) return hosts.length ? [hosts] : [];
  const sizes = (Array.isArray(serial) ? serial : [serial]).map((s) => {
    const n = typeof s === 'string' ? Math.floor((parseFloat(s) / 100) * hosts.length) : s;
    return Math.max(1, n);
  });
  const batches: string[][] = [];
  let i = 0;
  let k = 0;
  while (i < hosts.length) {
    const size = sizes[Math.min(k++, sizes.length - 1)];
    batches.push(hosts.slice(i, i + size));
    i += size;
  }
  return batches;
}

/** Run a playbook. Never throws for host or task failures: they are events and counts. */
export async function runPlaybook(playbook: Playbook, options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const redactor = new Redactor();
  for (const s of options.secrets ?? []) redactor.add(s);
  const listeners = options.listeners ?? [];
  const run: RunContext = {
    inventory: options.inventory,
    pool: new ConnectionPool(options.inventory, options.transportFactory),
    redactor,
    check: Boolean(options.check),
    diff: Boolean(options.diff),
    extraVars: { ...(options.extraVars ?? {}) },
    tags: options.tags ?? [],
    skipTags: options.skipTags ?? [],
    hosts: new Map(),
    listeners,
    probes: new ProbeCache(),
    executions: 0,
    emit: (event: RunEvent) => {
      const clean = redactor.deep(event);
      for (const l of listeners) l(clean);
    },
  };
  // Connection passwords are secrets wherever they would show up.
  for (const h of options.inventory.hostNames()) {
    const c = options.inventory.connectionOf(h);
    redactor.add(c.password);
    redactor.add(c.becomePassword);
  }
  const limited = options.limit ? new Set(options.inventory.select(options.limit)) : undefined;
  preflight(run, playbook, limited);
  run.emit({ event: 'run-start', playbook: playbook.name, check: run.check, diff: run.diff, time: new Date().toISOString() });
  if (limited && limited.size === 0) run.emit({ event: 'warning', message: `--limit "${options.limit}" matched no hosts: nothing to do` });
  const limit = pLimit(options.forks ?? 20);
  let peakRss = process.memoryUsage().rss;
  try {
    for (const play of playbook.plays) {
      await runPlay(run, play, limited, limit);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
  } finally {
    await run.pool.closeAll();
  }
  const transport = run.pool.stats();
  const stats: RunStats = {
    hosts: run.hosts.size,
    tasks: run.executions,
    ...transport,
    durationMs: Date.now() - started,
    peakRssBytes: peakRss,
    roundTripsPerTask: run.executions ? +(transport.roundTrips / run.executions).toFixed(3) : 0,
    probesAnsweredAhead: run.probes.hits,
  };
  run.emit({ event: 'stats', stats });
  const recap: Record<string, HostCounts> = {};
  for (const [h, s] of run.hosts) recap[h] = s.counts;
  run.emit({
    event: 'recap',
    hosts: Object.fromEntries([...run.hosts].map(([h, s]) => [h, { ok: s.counts.ok, changed: s.counts.changed, unreachable: s.counts.unreachable, failed: s.counts.failed, skipped: s.counts.skipped }])),
  });
  const anyUnreachable = [...run.hosts.values()].some((s) => s.unreachable);
  const anyFailed = [...run.hosts.values()].some((s) => s.failed);
  return { exitCode: anyUnreachable ? 4 : anyFailed ? 2 : 0, recap, stats };
}

/**
 * Checks made before any host is touched: every role's typed variables on every host it will run on
 * (converting `-e` strings to the declared types), and every notified handler exists.
 * Throws a ValidationError naming the host, role, variable and its source, or the task and handler.
 */
function preflight(run: RunContext, playbook: Playbook, limited: Set<string> | undefined): void {
  for (const play of playbook.plays) {
    const hosts = run.inventory.select(play.hosts).filter((h) => !limited || limited.has(h));
    const handlerNames = new Set([...(play.roles ?? []).flatMap((r) => r.handlers), ...(play.handlers ?? [])].flatMap((h) => [h.name, ...h.listen]));
    const allTasks = [...(play.roles ?? []).flatMap((r) => [...r.tasks, ...r.handlers.flatMap((h) => h.tasks)]), ...(play.tasks ?? []), ...(play.handlers ?? []).flatMap((h) => h.tasks)];
    for (const task of allTasks) {
      const notify = task.options.notify === undefined ? [] : Array.isArray(task.options.notify) ? task.options.notify : [task.options.notify];
      const missing = notify.find((n) => !handlerNames.has(n));
      if (missing) throw new ValidationError(`play "${play.name}": task "${taskLabel(task)}"${task.location ? ` (${task.location})` : ''} notifies handler "${missing}", which the play does not define; defined: ${[...handlerNames].join(', ') || 'none'}`);
    }
    const roleDefaults = Object.assign({}, ...(play.roles ?? []).map((r) => r.defaults));
    for (const role of play.roles ?? []) {
      for (const host of hosts) {
        const error = checkRoleVars(role, run.inventory, host, { roleDefaults: { ...roleDefaults, ...role.defaults }, play: play.vars ?? {}, registered: {}, extra: run.extraVars });
        if (error) throw new ValidationError(`${error}; nothing was run`, { source: host });
      }
    }
  }
}

async function runPlay(run: RunContext, play: Play, limited: Set<string> | undefined, limit: ReturnType<typeof pLimit>): Promise<void> {
  const matched = run.inventory.select(play.hosts);
  const hosts = matched.filter((h) => !limited || limited.has(h));
  if (hosts.length === 0) {
    run.emit({ event: 'no-hosts', play: play.name, pattern: play.hosts, message: `no hosts matched pattern "${play.hosts}"${limited ? ' within --limit' : ''}, skipping play` });
    return;
  }
  for (const h of hosts) if (!run.hosts.has(h)) run.hosts.set(h, newHostState());
  const live = hosts.filter((h) => !run.hosts.get(h)!.failed && !run.hosts.get(h)!.unreachable);
  run.emit({ event: 'play-start', play: play.name, pattern: play.hosts, hosts: live });
  const steps = playSteps(play, run.tags, run.skipTags);
  const handlers: Handler[] = [...(play.roles ?? []).flatMap((r) => r.handlers.map((h) => ({ ...h, role: r }))), ...(play.handlers ?? [])];
  const roleDefaults = Object.assign({}, ...(play.roles ?? []).map((r) => r.defaults));
  // One view per host and role, rebuilt only when the host registers a new result: tasks only read it.
  const views = new Map<string, { registered: number; view: HostVars }>();
  const varsFor = (host: string, role?: Role): HostVars => {
    const state = run.hosts.get(host)!;
    const key = `${host}\0${role?.name ?? ''}`;
    const cached = views.get(key);
    if (cached && cached.registered === state.registeredVersion) return cached.view;
    const view = buildHostVars(run.inventory, host, { roleDefaults: role ? { ...roleDefaults, ...role.defaults } : roleDefaults, play: play.vars ?? {}, registered: state.registered, extra: run.extraVars }, {
      playHosts: live,
      check: run.check,
      hostvars: (name) => ({ ...run.inventory.varsOf(name), inventory_hostname: name }),
    }).view;
    views.set(key, { registered: state.registeredVersion, view });
    return view;
  };
  for (const batch of serialBatches(live, play.serial)) {
    const aborted = await runBatch(run, play, batch, steps, handlers, varsFor, limit);
    if (aborted) {
      run.emit({ event: 'play-aborted', play: play.name, reason: aborted });
      return;
    }
  }
}

type VarsFor = (host: string, role?: Role) => HostVars;

async function runBatch(run: RunContext, play: Play, batch: string[], steps: Step[], handlers: (Handler & { role?: Role })[], varsFor: VarsFor, limit: ReturnType<typeof pLimit>): Promise<string | undefined> {
  const active = () => batch.filter((h) => !run.hosts.get(h)!.failed && !run.hosts.get(h)!.unreachable);
  const failedInBatch = () => batch.filter((h) => run.hosts.get(h)!.failed || run.hosts.get(h)!.unreachable).length;
  const tooManyFailed = (): string | undefined => {
    const failed = failedInBatch();
    if (failed === 0) return undefined;
    if (failed === batch.length) return 'every host of the batch failed';
    if (play.maxFailPercentage !== undefined && (failed / batch.length) * 100 > play.maxFailPercentage) {
      return `${failed} of ${batch.length} hosts failed, more than maxFailPercentage ${play.maxFailPercentage}%`;
    }
    return undefined;
  };
  for (const [i, step] of steps.entries()) {
    if (step.kind === 'flush') await flushHandlers(run, play, active(), handlers, varsFor, limit);
    else {
      const next = steps.findIndex((s, j) => j > i && s.kind === 'flush');
      const following = steps.slice(i + 1, next < 0 ? undefined : next) as Extract<Step, { kind: 'task' }>[];
      await runTaskStep(run, play, step.task, step.role, active(), varsFor, limit, false, taskLabel(step.task), following);
    }
    const reason = tooManyFailed();
    if (reason && (active().length === 0 || play.maxFailPercentage !== undefined)) return reason;
  }
  return undefined;
}

async function runTaskStep(run: RunContext, play: Play, task: Task, role: Role | undefined, hosts: string[], varsFor: VarsFor, limit: ReturnType<typeof pLimit>, handler: boolean, label = taskLabel(task), following: Extract<Step, { kind: 'task' }>[] = []): Promise<void> {
  if (hosts.length === 0) return;
  run.emit({ event: 'task-start', play: play.name, task: label, ...(role ? { role: role.name } : {}), handler, hosts });
  const targets = task.options.runOnce ? hosts.slice(0, 1) : hosts;
  const become = task.options.become ?? play.become;
  const results = await Promise.all(
    targets.map((host) =>
      limit(async () => {
        const conn = run.inventory.connectionOf(host);
        const becomeOf = (t: Task) => t.options.become ?? play.become ?? (conn.become ? { user: conn.becomeUser } : undefined);
        // The tasks after this one on this host, so that their probes can travel with this one's.
        function* upcoming(): Generator<TaskRun> {
          for (const s of following) yield { task: s.task, host, label: taskLabel(s.task), role: s.role?.name, templatesDir: s.role?.templatesDir, handler: false, hostVars: varsFor(host, s.role), become: becomeOf(s.task) };
        }
        const result = await runTaskOnHost(run, { task, host, label, role: role?.name, templatesDir: role?.templatesDir, handler, hostVars: varsFor(host, role), become: becomeOf(task), upcoming });
        record(run, host, result.status, result.ignored);
        return { host, result };
      }),
    ),
  );
  const notify = task.options.notify === undefined ? [] : Array.isArray(task.options.notify) ? task.options.notify : [task.options.notify];
  for (const { host, result } of results) {
    const changed = result.status === 'changed' || result.status === 'may-change';
    // runOnce: the one result counts for every host of the batch (registered value and notifications).
    const receivers = task.options.runOnce ? hosts : [host];
    for (const r of receivers) {
      if (task.options.register && r !== host) {
        run.hosts.get(r)!.registered[task.options.register] = result.outcome;
        run.hosts.get(r)!.registeredVersion++;
      }
      if (changed && notify.length) {
        notify.forEach((n) => run.hosts.get(r)!.notified.add(n));
        run.emit({ event: 'handlers-notified', host: r, handlers: notify });
      }
    }
  }
}

function record(run: RunContext, host: string, status: string, ignored: boolean): void {
  const s = run.hosts.get(host)!;
  switch (status) {
    case 'ok': s.counts.ok++; break;
    case 'changed': case 'may-change': s.counts.ok++; s.counts.changed++; break;
    case 'skipped': s.counts.skipped++; break;
    case 'unreachable': s.counts.unreachable++; s.unreachable = true; break;
    case 'failed':
      if (ignored) { s.counts.ignored++; s.counts.ok++; }
      else { s.counts.failed++; s.failed = true; }
      break;
  }
}

async function flushHandlers(run: RunContext, play: Play, hosts: string[], handlers: (Handler & { role?: Role })[], varsFor: VarsFor, limit: ReturnType<typeof pLimit>): Promise<void> {
  // Handlers run in definition order; one notified by an earlier handler runs in the same flush.
  for (let pass = 0; pass < 10; pass++) {
    let ran = false;
    for (const h of handlers) {
      const names = [h.name, ...h.listen];
      const due = hosts.filter((host) => {
        const s = run.hosts.get(host)!;
        return !s.failed && !s.unreachable && names.some((n) => s.notified.has(n));
      });
      if (due.length === 0) continue;
      ran = true;
      for (const host of due) names.forEach((n) => run.hosts.get(host)!.notified.delete(n));
      for (const task of h.tasks) {
        const live = due.filter((host) => !run.hosts.get(host)!.failed && !run.hosts.get(host)!.unreachable);
        await runTaskStep(run, play, task, h.role, live, varsFor, limit, true, task.options.name ?? h.name);
      }
    }
    if (!ran) break;
  }
  // Notifications of handlers that do not exist are reported once, not silently dropped.
  const known = new Set(handlers.flatMap((h) => [h.name, ...h.listen]));
  for (const host of hosts) {
    const s = run.hosts.get(host)!;
    for (const n of s.notified) if (!known.has(n)) run.emit({ event: 'warning', message: `${host}: notified handler "${n}" does not exist in play "${play.name}"` });
    s.notified.clear();
  }
}
