/**
 * The runner: plays in order; each play's hosts in `serial` batches; within a batch the linear strategy
 * (every task on every active host, at most `forks` at once, before the next task); handlers at the end
 * of each role; failed and unreachable hosts leave the run while the others go on.
 */
import pLimit from 'p-limit';
import type { Play, Playbook, Role, Serial } from '../play/define.ts';
import type { Task } from '../core/task-options.ts';
import { ConnectionPool, type TransportFactory } from './connections.ts';
import { Redactor, type EventListener, type HostCounts, type PlanGuard, type RunEvent, type RunStats } from '../core/run-events.ts';
import type { InventoryView } from './inventory-view.ts';
import { runTaskOnHost, taskLabel } from './run-task.ts';
import { RunState, type HostState, type RunContext } from './state.ts';
import { checkRoleVars } from './role-vars.ts';
import { planPlays, tasksAfter, type PlayPlan } from './play-plan.ts';
import type { TaskRun } from './run-task.ts';
export { playSteps, tagsSelect, type Step } from './play-plan.ts';
import { UnreachableError, ValidationError } from '../core/errors.ts';
import { factsProbe } from '../probes/host-facts.ts';
import { secretArgValues, secretVarValues, sensitiveArgValues } from './secrets.ts';
import { checkTaskFiles } from './preflight-files.ts';

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
  /** Saved-plan apply: a check of every plan verdict before its apply (see lib/plan/). */
  guard?: PlanGuard;
  /**
   * The run's redactor, when the caller prints more than events (the ad-hoc command's output): it is
   * filled with every secret of the run before the first event.
   */
  redactor?: Redactor;
  /**
   * Interrupts the run when aborted (the command line aborts on SIGINT/SIGTERM, with the signal's name as
   * the reason): no task starts any more, commands in flight get {@link RunOptions.interruptGraceMs} to
   * finish and are then ended (children included), and the run ends with an `interrupted` event.
   */
  signal?: AbortSignal;
  /** Time commands in flight may still take after an interruption (default 2000 ms). */
  interruptGraceMs?: number;
  /** Hold a run lock on every SSH host for the run (default true; `--no-host-lock` turns it off). */
  hostLock?: boolean;
  /** How long to wait for another run's lock on a host before failing that host (default 30000 ms). */
  hostLockWaitMs?: number;
  /** Further attempts, with backoff from 1 s, when a host's connection cannot be opened (default 2). */
  connectRetries?: number;
}

/** What a run returns. */
export interface RunResult {
  /** 0 ok, 2 a task failed, 4 a host was unreachable. */
  exitCode: 0 | 2 | 4;
  /** Set when {@link RunOptions.signal} interrupted the run: the abort reason (e.g. `SIGINT`). */
  interrupted?: string;
  recap: Record<string, HostCounts>;
  stats: RunStats;
}

/** Split hosts into batches as Ansible's `serial` does (the last size repeats). */
export function serialBatches<T>(hosts: readonly T[], serial: Serial | undefined): T[][] {
  if (serial === undefined) return hosts.length ? [[...hosts]] : [];
  const sizes = (Array.isArray(serial) ? serial : [serial]).map((s) => {
    const n = typeof s === 'string' ? Math.floor((parseFloat(s) / 100) * hosts.length) : s;
    return Math.max(1, n);
  });
  const batches: T[][] = [];
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
  const redactor = options.redactor ?? new Redactor();
  for (const s of options.secrets ?? []) redactor.add(s);
  const listeners = options.listeners ?? [];
  const run: RunContext = {
    inventory: options.inventory,
    pool: new ConnectionPool(options.inventory, options.transportFactory, {
      hostLock: options.hostLock,
      hostLockWaitMs: options.hostLockWaitMs,
      connectRetries: options.connectRetries,
    }),
    redactor,
    check: Boolean(options.check),
    diff: Boolean(options.diff),
    extraVars: { ...(options.extraVars ?? {}) },
    tags: options.tags ?? [],
    skipTags: options.skipTags ?? [],
    listeners,
    guard: options.guard,
    emit: (event: RunEvent) => {
      const clean = redactor.deep(event);
      for (const l of listeners) l(clean);
    },
  };
  const state = new RunState();
  let limited: Set<string> | undefined;
  try {
    registerSecrets(run, playbook);
    limited = options.limit ? new Set(options.inventory.select(options.limit)) : undefined;
    preflight(run, playbook, limited);
  } catch (error) {
    // Bad input is reported by the caller: its message must not carry a secret either.
    if (error instanceof Error && redactor.size) {
      error.message = redactor.text(error.message);
      if (error.stack) error.stack = redactor.text(error.stack);
    }
    throw error;
  }
  run.emit({ event: 'run-start', playbook: playbook.name, check: run.check, diff: run.diff, time: new Date().toISOString() });
  if (limited && limited.size === 0) run.emit({ event: 'warning', message: `--limit "${options.limit}" matched no hosts: nothing to do` });
  const limit = pLimit(options.forks ?? 20);
  let peakRss = process.memoryUsage().rss;
  const plans = planPlays(run, playbook, limited);
  let graceTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    state.stopping = true;
    // Tasks in flight get a short grace to finish on their own, then their commands are ended.
    graceTimer = setTimeout(() => run.pool.interruptAll(), options.interruptGraceMs ?? 2000);
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (const [index] of plans.entries()) {
      if (state.stopping) break;
      await runPlay(run, state, plans, index, limited, limit);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
  } finally {
    clearTimeout(graceTimer);
    options.signal?.removeEventListener('abort', onAbort);
    await run.pool.closeAll();
  }
  const interrupted = state.stopping ? String(options.signal?.reason ?? 'interrupt') : undefined;
  if (interrupted)
    run.emit({ event: 'interrupted', signal: interrupted, message: `${interrupted}: no task was started after it; the recap shows what finished` });
  const transport = run.pool.stats();
  const hosts = state.all();
  const stats: RunStats = {
    hosts: hosts.length,
    tasks: state.executions,
    ...transport,
    durationMs: Date.now() - started,
    peakRssBytes: peakRss,
    roundTripsPerTask: state.executions ? +(transport.roundTrips / state.executions).toFixed(3) : 0,
    probesAnsweredAhead: state.probes.hits,
  };
  run.emit({ event: 'stats', stats });
  const recap: Record<string, HostCounts> = {};
  for (const s of hosts) recap[s.name] = s.counts;
  run.emit({
    event: 'recap',
    hosts: Object.fromEntries(
      hosts.map((s) => [
        s.name,
        {
          ok: s.counts.ok,
          changed: s.counts.changed,
          unreachable: s.counts.unreachable,
          failed: s.counts.failed,
          skipped: s.counts.skipped,
          ignored: s.counts.ignored,
        },
      ]),
    ),
  });
  const anyUnreachable = hosts.some((s) => s.standing === 'unreachable');
  const anyFailed = hosts.some((s) => s.standing === 'failed');
  return { exitCode: anyUnreachable ? 4 : anyFailed ? 2 : 0, recap, stats, ...(interrupted ? { interrupted } : {}) };
}

/**
 * Fill the redactor before the first event: connection passwords, every variable named like a password
 * (inventory, `-e`, play vars, role defaults) and the secret-bearing static arguments of sensitive tasks.
 */
function registerSecrets(run: RunContext, playbook: Playbook): void {
  const { redactor } = run;
  redactor.add(secretVarValues(run.extraVars));
  for (const h of run.inventory.hostNames()) {
    const c = run.inventory.connectionOf(h);
    redactor.add(c.password);
    redactor.add(c.becomePassword);
    redactor.add(secretVarValues(run.inventory.varsOf(h)));
  }
  for (const play of playbook.plays) {
    redactor.add(secretVarValues(play.vars));
    if (play.become && typeof play.become === 'object') redactor.add(play.become.password);
    for (const role of play.roles ?? []) redactor.add(secretVarValues(role.defaults));
    for (const task of allTasksOf(play)) {
      if (task.options.become && typeof task.options.become === 'object') redactor.add(task.options.become.password);
      if (task.options.sensitive && typeof task.args !== 'function') redactor.add(sensitiveArgValues(task.args));
      if (typeof task.args !== 'function') redactor.add(secretArgValues(task.type.secretArgs, task.args));
    }
  }
}

/** Every task of a play: its roles' tasks and handlers, its own tasks and handlers. */
function allTasksOf(play: Play): Task[] {
  return [
    ...(play.roles ?? []).flatMap((r) => [...r.tasks, ...r.handlers.flatMap((h) => h.tasks)]),
    ...(play.tasks ?? []),
    ...(play.handlers ?? []).flatMap((h) => h.tasks),
  ];
}

/**
 * Checks made before any host is touched: every template compiles and every `src` is a readable file,
 * every role's typed variables on every host it will run on
 * (converting `-e` strings to the declared types), and every notified handler exists.
 * Throws a ValidationError naming the host, role, variable and its source, or the task and handler.
 */
function preflight(run: RunContext, playbook: Playbook, limited: Set<string> | undefined): void {
  for (const play of playbook.plays) {
    const hosts = run.inventory.select(play.hosts).filter((h) => !limited || limited.has(h));
    const handlerNames = new Set([...(play.roles ?? []).flatMap((r) => r.handlers), ...(play.handlers ?? [])].flatMap((h) => [h.name, ...h.listen]));
    const allTasks = allTasksOf(play);
    for (const role of play.roles ?? [])
      for (const task of [...role.tasks, ...role.handlers.flatMap((h) => h.tasks)]) checkTaskFiles(task, role.templatesDir);
    for (const task of [...(play.tasks ?? []), ...(play.handlers ?? []).flatMap((h) => h.tasks)]) checkTaskFiles(task, undefined);
    for (const task of allTasks) {
      const notify = task.options.notify === undefined ? [] : Array.isArray(task.options.notify) ? task.options.notify : [task.options.notify];
      const missing = notify.find((n) => !handlerNames.has(n));
      if (missing)
        throw new ValidationError(
          `play "${play.name}": task "${taskLabel(task)}"${task.location ? ` (${task.location})` : ''} notifies handler "${missing}", which the play does not define; defined: ${[...handlerNames].join(', ') || 'none'}`,
        );
    }
    const roleDefaults = Object.assign({}, ...(play.roles ?? []).map((r) => r.defaults));
    for (const role of play.roles ?? []) {
      for (const host of hosts) {
        const error = checkRoleVars(role, run.inventory, host, {
          roleDefaults: { ...roleDefaults, ...role.defaults },
          play: play.vars ?? {},
          registered: {},
          extra: run.extraVars,
        });
        if (error) throw new ValidationError(`${error}; nothing was run`, { source: host });
      }
    }
  }
}

type Limit = ReturnType<typeof pLimit>;

async function runPlay(
  run: RunContext,
  state: RunState,
  plans: PlayPlan[],
  index: number,
  limited: Set<string> | undefined,
  limit: Limit,
): Promise<void> {
  const plan = plans[index];
  const { play, hosts } = plan;
  if (hosts.length === 0) {
    run.emit({
      event: 'no-hosts',
      play: play.name,
      pattern: play.hosts,
      message: `no hosts matched pattern "${play.hosts}"${limited ? ' within --limit' : ''}, skipping play`,
    });
    return;
  }
  let live = hosts.map((h) => state.join(h)).filter((h) => h.active);
  plan.live = live.map((h) => h.name);
  run.emit({ event: 'play-start', play: play.name, pattern: play.hosts, hosts: plan.live });
  if (play.gatherFacts) {
    await gatherFacts(run, state, plan, live, limit);
    live = live.filter((h) => h.active);
    plan.live = live.map((h) => h.name);
  }
  for (const batch of serialBatches(live, play.serial)) {
    if (state.stopping) return;
    const aborted = await runSerialBatch(run, state, plans, index, batch, limit);
    if (aborted) {
      run.emit({ event: 'play-aborted', play: play.name, reason: aborted });
      return;
    }
  }
}

/** Why too many hosts of a batch failed for the play to go on (undefined: it goes on). */
export function batchFailure(batch: readonly HostState[], maxFailPercentage: number | undefined): string | undefined {
  const failed = batch.filter((h) => !h.active).length;
  if (failed === 0) return undefined;
  if (failed === batch.length) return 'every host of the batch failed';
  if (maxFailPercentage !== undefined && (failed / batch.length) * 100 > maxFailPercentage) {
    return `${failed} of ${batch.length} hosts failed, more than maxFailPercentage ${maxFailPercentage}%`;
  }
  return undefined;
}

/** One `serial` batch of a play: every step on the batch's live hosts; returns why the play aborted, if it did. */
async function runSerialBatch(
  run: RunContext,
  state: RunState,
  plans: PlayPlan[],
  index: number,
  batch: HostState[],
  limit: Limit,
): Promise<string | undefined> {
  const plan = plans[index];
  const { play } = plan;
  const active = () => batch.filter((h) => h.active);
  for (const [i, step] of plan.steps.entries()) {
    if (state.stopping) return undefined;
    if (step.kind === 'flush') await flushHandlers(run, state, plan, active(), limit);
    else {
      // The tasks after this one on each host, so that their probes can travel with this one's.
      const upcoming = (host: HostState) => () => tasksAfter(plans, index, i, host);
      await runTaskStep(run, state, plan, step.task, step.role, active(), limit, false, taskLabel(step.task), upcoming);
    }
    // Commands ended by an interruption are not a reason to abort the play: the run is stopping anyway.
    if (state.stopping) return undefined;
    const reason = batchFailure(batch, play.maxFailPercentage);
    if (reason && (active().length === 0 || play.maxFailPercentage !== undefined)) return reason;
  }
  return undefined;
}

/** One task on the given hosts (at most `forks` at once), then its registered results and notifications. */
async function runTaskStep(
  run: RunContext,
  state: RunState,
  plan: PlayPlan,
  task: Task,
  role: Role | undefined,
  hosts: HostState[],
  limit: Limit,
  handler: boolean,
  label = taskLabel(task),
  upcoming?: (host: HostState) => () => Iterable<TaskRun>,
): Promise<void> {
  if (hosts.length === 0 || state.stopping) return;
  run.emit({
    event: 'task-start',
    play: plan.play.name,
    task: label,
    ...(role ? { role: role.name } : {}),
    handler,
    hosts: hosts.map((h) => h.name),
  });
  const targets = task.options.runOnce ? hosts.slice(0, 1) : hosts;
  const results = await Promise.all(
    targets.map((host) =>
      limit(async () => {
        // Hosts still queued behind `forks` when the run is interrupted do not start the task.
        if (state.stopping) return undefined;
        const result = await runTaskOnHost(run, state, host, {
          task,
          host: host.name,
          label,
          role: role?.name,
          templatesDir: role?.templatesDir,
          handler,
          hostVars: plan.varsFor(host, role),
          become: plan.becomeOf(host.name, task),
          upcoming: upcoming?.(host),
        });
        host.record(result.status, result.ignored);
        return { host, result };
      }),
    ),
  );
  const notify = task.options.notify === undefined ? [] : Array.isArray(task.options.notify) ? task.options.notify : [task.options.notify];
  for (const { host, result } of results.filter((r) => r !== undefined)) {
    const changed = result.status === 'changed' || result.status === 'may-change';
    // runOnce: the one result counts for every host of the batch (registered value and notifications).
    const receivers = task.options.runOnce ? hosts : [host];
    for (const r of receivers) {
      if (task.options.register && r !== host) r.register(task.options.register, result.outcome);
      if (changed && notify.length) {
        r.notify(notify);
        run.emit({ event: 'handlers-notified', host: r.name, handlers: notify });
      }
    }
  }
}

/** `gatherFacts`: one facts probe per host (once per run), shown as Ansible's "Gathering Facts" task. */
async function gatherFacts(run: RunContext, state: RunState, plan: PlayPlan, hosts: HostState[], limit: Limit): Promise<void> {
  const task = 'Gathering Facts';
  run.emit({ event: 'task-start', play: plan.play.name, task, handler: false, hosts: plan.live });
  await Promise.all(
    hosts.map((host) =>
      limit(async () => {
        if (state.stopping) return;
        const startedAt = Date.now();
        try {
          const transport = await run.pool.get(host.name);
          host.facts ??= transport.exec(`export LANG=C LC_ALL=C\n${factsProbe.command}`).then((r) => factsProbe.parse(r));
          const facts = await host.facts;
          host.setGatheredFacts(facts);
          host.record('ok', false);
          run.emit({
            event: 'host-result',
            host: host.name,
            task,
            handler: false,
            status: 'ok',
            message: `${facts.distribution} ${facts.distributionVersion}`,
            startedAt,
            durationMs: Date.now() - startedAt,
          });
        } catch (error) {
          const unreachable = error instanceof UnreachableError;
          host.record(unreachable ? 'unreachable' : 'failed', false);
          const e = error as Error;
          run.emit({
            event: 'host-result',
            host: host.name,
            task,
            handler: false,
            status: unreachable ? 'unreachable' : 'failed',
            message: e.message,
            error: { kind: e.name, message: e.message },
            startedAt,
            durationMs: Date.now() - startedAt,
          });
        }
      }),
    ),
  );
}

/** Run the handlers notified on these hosts, in definition order, until no more are notified (10 passes at most). */
async function flushHandlers(run: RunContext, state: RunState, plan: PlayPlan, hosts: HostState[], limit: Limit): Promise<void> {
  const { play, handlers } = plan;
  const known = new Set(handlers.flatMap((h) => [h.name, ...h.listen]));
  // Handlers run in definition order; one notified by an earlier handler runs in the same flush.
  for (let pass = 0; pass < 10; pass++) {
    if (state.stopping) return;
    let ran = false;
    // This pass answers the notifications made so far: every handler whose name or `listen` topic was
    // notified runs (a topic runs all its listeners); those notified by these handlers wait for the next pass.
    const pending = hosts.map((host) => ({ host, names: host.takeNotified(known) }));
    for (const h of handlers) {
      const names = [h.name, ...h.listen];
      const due = pending.filter((p) => p.host.active && names.some((n) => p.names.has(n))).map((p) => p.host);
      if (due.length === 0) continue;
      ran = true;
      for (const task of h.tasks) {
        if (state.stopping) return;
        await runTaskStep(
          run,
          state,
          plan,
          task,
          h.role,
          due.filter((host) => host.active),
          limit,
          true,
          task.options.name ?? h.name,
        );
      }
    }
    if (!ran) break;
  }
  // Notifications of handlers that do not exist are reported once, not silently dropped.
  for (const host of hosts) {
    for (const n of host.dropNotified())
      if (!known.has(n)) run.emit({ event: 'warning', message: `${host.name}: notified handler "${n}" does not exist in play "${play.name}"` });
  }
}
