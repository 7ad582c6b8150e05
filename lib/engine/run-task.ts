/**
 * Runs one task on one host and emits its one `host-result` event, in named steps: when → place (loop
 * items, delegate) → connect → per item and retry: resolve arguments → attempt (probe → plan → report →
 * apply, see task-attempt.ts) → verify (`until`, retries) → finish (register, check-mode prediction, the
 * result event). The runner then counts the result and notifies handlers. Never throws: every outcome is
 * an event.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { TaskFailedError, UnreachableError } from '../core/errors.ts';
import type { HostVars, Task, TaskOutcome } from '../core/task-options.ts';
import { validateArgs } from '../core/validate-args.ts';
import type { Diff, Facts, HostHandle, TaskContext } from '../core/task-contract.ts';
import type { DescribedStep, ErrorInfo, HostStatus } from '../core/run-events.ts';
import type { ExecOptions } from '../core/transport-types.ts';
import { factsProbe } from '../probes/host-facts.ts';
import { taskContext, withItem, type TaskRun } from './task-context.ts';
import type { HostState, RunContext, RunState } from './state.ts';
import { secretArgValues, sensitiveArgValues } from './secrets.ts';
import { attemptOnce, errorInfo, type Attempt, type HostTask } from './task-attempt.ts';
import type { FirstBatch } from './connections.ts';
import { PROBE_PREFIX, probesFromHere } from './look-ahead.ts';
import { prepareBatch, type BatchProbe, type PreparedBatch } from './probe-batch.ts';

export type { TaskRun };

/** The result the runner needs for its bookkeeping. */
export interface TaskRunResult {
  status: HostStatus;
  outcome: TaskOutcome;
  /** A failure that `ignoreErrors` turned into a non-fatal result. */
  ignored: boolean;
}

export { taskLabel } from './task-label.ts';

/** Where the task runs: the host itself or its delegate, connected, with that machine's facts. */
interface Target {
  handle: HostHandle;
  facts: () => Promise<Facts>;
}

/** What the result event may carry besides status and message. */
interface ResultExtra {
  diff?: Diff[];
  error?: ErrorInfo;
  ignored?: boolean;
  delegatedTo?: string;
  steps?: DescribedStep[];
}

function becomeFor(setting: TaskRun['become'], defaults: { password?: string; user?: string }): ExecOptions['become'] {
  if (!setting) return undefined;
  const base = setting === true ? {} : setting;
  return { user: base.user ?? defaults.user ?? 'root', password: base.password ?? defaults.password };
}

const outcome = (o: Partial<TaskOutcome> & { msg: string }): TaskOutcome => ({ changed: false, failed: false, skipped: false, ...o });

/** Run one task on one host and emit its result. */
export async function runTaskOnHost(run: RunContext, state: RunState, host: HostState, job: TaskRun): Promise<TaskRunResult> {
  const t: HostTask = { run, state, host, job, started: Date.now(), probed: [] };
  const skipped = whenStep(t);
  if (skipped) return skipped;
  const place = placeStep(t);
  if ('status' in place) return place;
  const target = await connectStep(t, place.target);
  if ('status' in target) return target;
  const delegatedTo = place.target !== host.name ? place.target : undefined;
  let verdict: Attempt;
  if (place.items === undefined) verdict = await attempts(t, target, job.hostVars);
  else {
    const sensitive = job.task.options.sensitive;
    const itemEvent = (item: unknown, status: HostStatus, message: string) =>
      run.emit({
        event: 'item-result',
        host: host.name,
        task: job.label,
        item: itemLabel(item),
        status,
        message: sensitive ? `${status} (output hidden: sensitive)` : message,
        ...(delegatedTo ? { delegatedTo } : {}),
      });
    verdict = await runLoop(place.items, job.hostVars, (view) => attempts(t, target, view), job.task.options.when, itemEvent);
  }
  return finishStep(t, verdict, delegatedTo);
}

/** The host's one result event (sensitive tasks: message, diff and error hidden). */
function emitResult(t: HostTask, status: HostStatus, message: string, extra: ResultExtra = {}): void {
  const { run, job } = t;
  const opts = job.task.options;
  const diff =
    extra.diff && run.diff
      ? opts.sensitive
        ? [{ kind: 'note' as const, text: 'diff hidden: the task is marked sensitive' }]
        : extra.diff
      : undefined;
  run.emit({
    event: 'host-result',
    host: t.host.name,
    task: job.label,
    ...(job.role ? { role: job.role } : {}),
    handler: job.handler,
    status,
    message: opts.sensitive && status !== 'skipped' ? `${status} (output hidden: sensitive)` : message,
    ...(diff ? { diff } : {}),
    ...(extra.error
      ? { error: opts.sensitive ? { kind: extra.error.kind, message: 'error hidden: the task is marked sensitive' } : extra.error }
      : {}),
    ...(extra.ignored ? { ignored: true } : {}),
    ...(extra.delegatedTo ? { delegatedTo: extra.delegatedTo } : {}),
    ...(extra.steps?.length && !opts.sensitive ? { steps: extra.steps } : {}),
    module: job.task.type.name,
    ...(t.probed.length ? { probe: stateFingerprint(t.probed) } : {}),
    startedAt: t.started,
    durationMs: Date.now() - t.started,
  });
}

/** A failure before any attempt (when, loop, delegate): its event and result. */
function failEarly(t: HostTask, message: string, error: unknown): TaskRunResult {
  emitResult(t, 'failed', message, { error: errorInfo(error, t.job.task.location) });
  return { status: 'failed', outcome: outcome({ failed: true, msg: (error as Error).message }), ignored: false };
}

/** `register`: the result under the task's variable name on the host. */
function register(t: HostTask, result: TaskOutcome): void {
  const name = t.job.task.options.register;
  if (name) t.host.register(name, result);
}

/** When: without a loop, a false `when` skips the task (with a loop, Ansible evaluates it per item). */
function whenStep(t: HostTask): TaskRunResult | undefined {
  const opts = t.job.task.options;
  try {
    if (opts.when && !opts.loop && !opts.when(t.job.hostVars)) {
      emitResult(t, 'skipped', 'conditional result was false');
      // Ansible registers a skipped result too.
      const skipped = outcome({ skipped: true, msg: 'conditional result was false' });
      register(t, skipped);
      return { status: 'skipped', outcome: skipped, ignored: false };
    }
  } catch (error) {
    return failEarly(t, `when: ${(error as Error).message}`, error);
  }
  return undefined;
}

/** Place: the loop's items (undefined without a loop) and the host the task runs on (`delegateTo`). */
function placeStep(t: HostTask): { items: unknown[] | undefined; target: string } | TaskRunResult {
  const { job } = t;
  const opts = job.task.options;
  try {
    const items = !opts.loop ? undefined : typeof opts.loop === 'function' ? opts.loop(job.hostVars) : opts.loop;
    const target = !opts.delegateTo ? job.host : typeof opts.delegateTo === 'function' ? opts.delegateTo(job.hostVars) : opts.delegateTo;
    return { items, target };
  } catch (error) {
    return failEarly(t, (error as Error).message, error);
  }
}

/**
 * Connect: the target's transport (opened on first use, holding its run lock), wrapped with the task's
 * become, and that machine's facts (a delegated task reads, and caches, the delegate's).
 */
async function connectStep(t: HostTask, target: string): Promise<Target | TaskRunResult> {
  const { run, state, host, job } = t;
  let transport;
  try {
    transport = await run.pool.get(target, target === host.name ? firstBatch(t) : undefined);
  } catch (error) {
    // Another run holding the host's lock fails the host; anything else means it cannot be reached.
    if (error instanceof TaskFailedError) {
      emitResult(t, 'failed', error.message, { error: errorInfo(error, job.task.location) });
      return { status: 'failed', outcome: outcome({ failed: true, msg: error.message }), ignored: false };
    }
    const message = error instanceof UnreachableError ? error.message : `${target}: ${(error as Error).message}`;
    emitResult(t, 'unreachable', message, { error: errorInfo(error, job.task.location), delegatedTo: target !== host.name ? target : undefined });
    return { status: 'unreachable', outcome: outcome({ failed: true, msg: message, unreachable: true }), ignored: false };
  }
  // sudo runs on the delegate, so its become password and user are the delegate's.
  const conn = run.inventory.connectionOf(target);
  const become = becomeFor(job.become, { password: conn.becomePassword, user: conn.becomeUser });
  const connected = transport;
  const handle: HostHandle = {
    name: target,
    exec: (command, options = {}) => connected.exec(command, { become, ...options }),
    put: (path, content, options = {}) => connected.put(path, content, { become, ...options }),
    reconnect: () => connected.connect(),
  };
  const owner = target === host.name ? host : state.find(target);
  let delegateFacts: Promise<Facts> | undefined;
  const facts = () => {
    const read = () => connected.exec(`export LANG=C LC_ALL=C\n${factsProbe.command}`).then((r) => factsProbe.parse(r));
    if (owner) return (owner.facts ??= read());
    return (delegateFacts ??= read());
  };
  return { handle, facts };
}

/**
 * The probes of this task and the next ones, sent with the host's lock command when this task connects the
 * host (one round trip less per host). Only without become: the lock command runs as the login user.
 */
function firstBatch(t: HostTask): FirstBatch | undefined {
  const { run, state, host, job } = t;
  if (job.become || !job.upcoming || job.task.options.delegateTo) return undefined;
  const { probes } = state;
  let sent: BatchProbe[] = [];
  let batch: PreparedBatch | undefined;
  const generation = probes.generation;
  return {
    prepare() {
      sent = probesFromHere(run, state, host, job, probes.window(host.name));
      batch = prepareBatch(sent, PROBE_PREFIX);
      return batch.script;
    },
    done(stdout) {
      const local = new Set(sent.filter((p) => p.local).map((p) => p.command));
      probes.store(host.name, batch!.results(stdout), undefined, generation, local);
    },
  };
}

/**
 * Resolve arguments: the task's arguments for these variables (a function of them, validated against
 * the type's schema), with their secrets added to the redactor before anything can show them.
 */
function resolveArguments(t: HostTask, view: HostVars): { args: unknown } | Attempt {
  const { run, job } = t;
  const task = job.task;
  try {
    const args = typeof task.args === 'function' ? (task.args as (h: HostVars) => unknown)(view) : task.args;
    if (typeof task.args === 'function') validateArgs(task.type, args, job.label, task.location);
    if (task.options.sensitive) run.redactor.add(sensitiveArgValues(args));
    run.redactor.add(secretArgValues(task.type.secretArgs, args));
    return { args };
  } catch (error) {
    const info = errorInfo(error, task.location);
    return { status: 'failed', message: info.message, error: info, result: outcome({ failed: true, msg: info.message }) };
  }
}

/** For one set of variables (the host's, or one loop item's): resolve arguments, then attempt and verify. */
async function attempts(t: HostTask, target: Target, view: HostVars): Promise<Attempt> {
  const resolved = resolveArguments(t, view);
  if ('status' in resolved) return resolved;
  const ctx: TaskContext = taskContext(t.run, t.state, t.host, t.job, view, target.facts);
  const opts = t.job.task.options;
  const count = 1 + (opts.retries ?? (opts.until ? 3 : 0));
  let last!: Attempt;
  for (let attempt = 1; attempt <= count; attempt++) {
    last = await attemptOnce(t, resolved.args, ctx, target.handle, attempt > 1);
    if (last.status === 'unreachable') return last;
    if (verified(t, last, view)) return last;
    if (attempt < count && t.state.stopping) break;
    if (attempt < count) await sleep((opts.delay ?? 1) * 1000);
  }
  return verifyStep(t, last, count);
}

/** Whether an attempt is final: `until` holds (without `until`: it did not fail) and it did not fail. */
function verified(t: HostTask, attempt: Attempt, view: HostVars): boolean {
  const until = t.job.task.options.until;
  const ok = until ? safeUntil(until, attempt.result, view) : !attempt.result.failed;
  return ok && !attempt.result.failed;
}

/** Verify: after the last attempt, an `until` never met fails the task. */
function verifyStep(t: HostTask, last: Attempt, count: number): Attempt {
  if (!t.job.task.options.until || last.result.failed) return last;
  const message = `${last.message} (until condition not met after ${count} attempts)`;
  return {
    ...last,
    status: 'failed',
    message,
    error: { kind: 'TaskFailedError', message, location: t.job.task.location },
    result: { ...last.result, failed: true },
  };
}

/** Finish: register the result, remember a predicted change (check mode), emit the host's result. */
function finishStep(t: HostTask, final: Attempt, delegatedTo: string | undefined): TaskRunResult {
  const { run, host, job } = t;
  const status = final.status;
  if (status === 'unreachable') {
    emitResult(t, 'unreachable', final.message, { error: final.error, delegatedTo });
    return { status, outcome: final.result, ignored: false };
  }
  const ignored = status === 'failed' && Boolean(job.task.options.ignoreErrors);
  register(t, final.result);
  if (run.check && (status === 'changed' || status === 'may-change')) host.predictedChange = true;
  emitResult(t, status, final.message, { diff: final.diff, error: final.error, ignored, delegatedTo, steps: final.steps });
  return { status, outcome: final.result, ignored };
}

/** How an item is shown in events: a string as is, anything else as JSON. */
function itemLabel(item: unknown): string {
  if (typeof item === 'string') return item;
  try {
    return JSON.stringify(item) ?? String(item);
  } catch {
    return String(item);
  }
}

/**
 * Run the task per loop item, as Ansible does: `when` per item (with the item in scope), every item runs
 * even after one failed, the host's result is failed when any item failed, changed when any changed,
 * skipped when every item was skipped (or the list is empty). Only an unreachable host stops the loop.
 */
async function runLoop(
  items: unknown[],
  hostVars: HostVars,
  runOne: (view: HostVars) => Promise<Attempt>,
  when: Task['options']['when'],
  itemEvent: (item: unknown, status: HostStatus, message: string) => void,
): Promise<Attempt> {
  const results: TaskOutcome[] = [];
  const messages: string[] = [];
  const diffs: Diff[] = [];
  const steps: DescribedStep[] = [];
  let status: HostStatus = 'skipped';
  let failure: Attempt | undefined;
  for (const [index, item] of items.entries()) {
    const view = withItem(hostVars, item, index);
    let one: Attempt;
    try {
      one =
        when && !when(view)
          ? {
              status: 'skipped',
              message: 'conditional result was false',
              result: { changed: false, failed: false, skipped: true, msg: 'conditional result was false' },
            }
          : await runOne(view);
    } catch (error) {
      const message = `when: ${(error as Error).message}`;
      one = { status: 'failed', message, error: errorInfo(error), result: { changed: false, failed: true, skipped: false, msg: message } };
    }
    itemEvent(item, one.status, one.message);
    results.push({ ...one.result, item });
    if (one.diff) diffs.push(...one.diff);
    if (one.steps) steps.push(...one.steps);
    if (one.status === 'unreachable') return { ...one, message: `item ${index}: ${one.message}`, result: { ...one.result, results } };
    if (one.status === 'failed') {
      failure ??= { ...one, message: `item ${index}: ${one.message}` };
      continue;
    }
    if (one.status === 'changed' || one.status === 'may-change') messages.push(one.message);
    if (one.status === 'changed' || (one.status === 'may-change' && status !== 'changed') || (one.status === 'ok' && status === 'skipped'))
      status = one.status;
  }
  const changed = status === 'changed' || status === 'may-change';
  if (failure) {
    const failed = results.filter((r) => r.failed).length;
    const message = failed > 1 ? `${failure.message} (${failed} of ${items.length} items failed)` : failure.message;
    return {
      ...failure,
      message,
      diff: diffs.length ? diffs : undefined,
      result: { changed, failed: true, skipped: false, msg: 'One or more items failed', results },
    };
  }
  if (status === 'skipped') {
    const message = items.length ? 'every item skipped' : 'no items in the loop';
    return { status, message, result: { changed: false, failed: false, skipped: true, msg: message, results } };
  }
  const message = messages.length ? messages.join('; ') : `${items.length} item(s) already as wanted`;
  return {
    status,
    message,
    diff: diffs.length ? diffs : undefined,
    ...(steps.length ? { steps } : {}),
    result: { changed, failed: false, skipped: false, msg: message, results },
  };
}

function safeUntil(until: NonNullable<Task['options']['until']>, outcome: TaskOutcome, h: HostVars): boolean {
  try {
    return until(outcome, h);
  } catch {
    return false;
  }
}

/** A short stable fingerprint of probed states (Maps, Sets and Buffers included; key order kept as parsed). */
export function stateFingerprint(states: unknown[]): string {
  const json = JSON.stringify(states, (_k, v) =>
    v instanceof Map ? { map: [...v] } : v instanceof Set ? { set: [...v] } : typeof v === 'bigint' ? String(v) : v,
  );
  return createHash('sha256')
    .update(json ?? 'undefined')
    .digest('hex')
    .slice(0, 32);
}
