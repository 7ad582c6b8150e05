/**
 * Runs one task on one host: when → resolve arguments → probe → plan → (apply unless --check) →
 * register / notify / retries → one `host-result` event. Never throws: every outcome is an event.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { TaskFailedError, TemplateError, UnreachableError, ValidationError, tail } from '../core/errors.ts';
import type { HostVars, Task, TaskOutcome } from '../core/task-options.ts';
import { validateArgs } from '../core/validate-args.ts';
import { applyTask } from './run-steps.ts';
import type { Diff, HostHandle, Plan, Preview, TaskContext } from '../core/task-contract.ts';
import type { ExecOptions, Transport } from '../core/transport-types.ts';
import type { ErrorInfo, HostStatus } from '../core/run-events.ts';
import { factsProbe } from '../probes/host-facts.ts';
import { runBatch } from './probe-batch.ts';
import { PROBE_PREFIX, probesAhead } from './look-ahead.ts';
import { taskContext, withItem, type TaskRun } from './task-context.ts';
import type { HostRunState, RunContext } from './state.ts';
import { secretArgValues, sensitiveArgValues } from './secrets.ts';

export type { TaskRun };

/** The result the runner needs for its bookkeeping. */
export interface TaskRunResult {
  status: HostStatus;
  outcome: TaskOutcome;
  /** A failure that `ignoreErrors` turned into a non-fatal result. */
  ignored: boolean;
}

export { taskLabel } from './task-label.ts';

function errorInfo(error: unknown, location?: string): ErrorInfo {
  const e = error as Error & { command?: string; code?: number; stderr?: string };
  return {
    kind: e?.name ?? 'Error',
    message: e?.message ?? String(error),
    ...(e instanceof TaskFailedError ? { command: e.command, code: e.code, stderr: e.stderr === undefined ? undefined : tail(e.stderr) } : {}),
    ...(location ? { location } : {}),
  };
}

function becomeFor(setting: TaskRun['become'], defaults: { password?: string; user?: string }): ExecOptions['become'] {
  if (!setting) return undefined;
  const base = setting === true ? {} : setting;
  return { user: base.user ?? defaults.user ?? 'root', password: base.password ?? defaults.password };
}

/** Run one task on one host and emit its result. */
export async function runTaskOnHost(run: RunContext, job: TaskRun): Promise<TaskRunResult> {
  const { task, host, hostVars } = job;
  const state = run.hosts.get(host)!;
  const started = Date.now();
  const opts = task.options;
  // Every probed state this result was decided from (one per loop item and retry), for its fingerprint.
  const probed: unknown[] = [];
  const emitResult = (status: HostStatus, message: string, extra: { diff?: Diff[]; error?: ErrorInfo; ignored?: boolean; delegatedTo?: string } = {}) => {
    const diff = extra.diff && run.diff ? (opts.sensitive ? [{ kind: 'note' as const, text: 'diff hidden: the task is marked sensitive' }] : extra.diff) : undefined;
    run.emit({
      event: 'host-result', host, task: job.label, ...(job.role ? { role: job.role } : {}), handler: job.handler, status,
      message: opts.sensitive && status !== 'skipped' ? `${status} (output hidden: sensitive)` : message,
      ...(diff ? { diff } : {}), ...(extra.error ? { error: opts.sensitive ? { kind: extra.error.kind, message: 'error hidden: the task is marked sensitive' } : extra.error } : {}),
      ...(extra.ignored ? { ignored: true } : {}), ...(extra.delegatedTo ? { delegatedTo: extra.delegatedTo } : {}),
      module: task.type.name, ...(probed.length ? { probe: stateFingerprint(probed) } : {}),
      startedAt: started, durationMs: Date.now() - started,
    });
  };
  const outcome = (o: Partial<TaskOutcome> & { msg: string }): TaskOutcome => ({ changed: false, failed: false, skipped: false, ...o });

  const register = (result: TaskOutcome) => {
    if (!opts.register) return;
    state.registered[opts.register] = result;
    state.registeredVersion++;
  };
  // when (with a loop, Ansible evaluates it per item, with the item in scope)
  try {
    if (opts.when && !opts.loop && !opts.when(hostVars)) {
      emitResult('skipped', 'conditional result was false');
      // Ansible registers a skipped result too.
      const skipped = outcome({ skipped: true, msg: 'conditional result was false' });
      register(skipped);
      return { status: 'skipped', outcome: skipped, ignored: false };
    }
  } catch (error) {
    emitResult('failed', `when: ${(error as Error).message}`, { error: errorInfo(error, task.location) });
    return { status: 'failed', outcome: outcome({ failed: true, msg: (error as Error).message }), ignored: false };
  }

  let target = host;
  let transport: Transport;
  let items: unknown[] | undefined;
  try {
    if (opts.loop) items = typeof opts.loop === 'function' ? opts.loop(hostVars) : opts.loop;
    if (opts.delegateTo) target = typeof opts.delegateTo === 'function' ? opts.delegateTo(hostVars) : opts.delegateTo;
  } catch (error) {
    emitResult('failed', (error as Error).message, { error: errorInfo(error, task.location) });
    return { status: 'failed', outcome: outcome({ failed: true, msg: (error as Error).message }), ignored: false };
  }
  try {
    transport = await run.pool.get(target);
  } catch (error) {
    // Another run holding the host's lock fails the host; anything else means it cannot be reached.
    if (error instanceof TaskFailedError) {
      emitResult('failed', error.message, { error: errorInfo(error, task.location) });
      return { status: 'failed', outcome: outcome({ failed: true, msg: error.message }), ignored: false };
    }
    const message = error instanceof UnreachableError ? error.message : `${target}: ${(error as Error).message}`;
    emitResult('unreachable', message, { error: errorInfo(error, task.location), delegatedTo: target !== host ? target : undefined });
    return { status: 'unreachable', outcome: outcome({ failed: true, msg: message, unreachable: true }), ignored: false };
  }

  // sudo runs on the delegate, so its become password and user are the delegate's.
  const conn = run.inventory.connectionOf(target);
  const become = becomeFor(job.become, { password: conn.becomePassword, user: conn.becomeUser });
  const handle: HostHandle = {
    name: target,
    exec: (command, options = {}) => transport.exec(command, { become, ...options }),
    put: (path, content, options = {}) => transport.put(path, content, { become, ...options }),
    reconnect: () => transport.connect(),
  };
  // Facts describe the machine the task runs on: a delegated task reads (and caches) the delegate's.
  const factsOwner = target === host ? state : run.hosts.get(target);
  let delegateFacts: HostRunState['facts'];
  const facts = () => {
    const read = () => transport.exec(`export LANG=C LC_ALL=C\n${factsProbe.command}`).then((r) => factsProbe.parse(r));
    if (factsOwner) return (factsOwner.facts ??= read());
    return (delegateFacts ??= read());
  };
  const contextFor = (view: HostVars): TaskContext => taskContext(run, job, view, facts);

  const runOne = async (view: HostVars): Promise<Attempt> => {
    let args: any;
    try {
      args = typeof task.args === 'function' ? (task.args as (h: HostVars) => unknown)(view) : task.args;
      if (typeof task.args === 'function') validateArgs(task.type, args, job.label, task.location);
      if (opts.sensitive) run.redactor.add(sensitiveArgValues(args));
      run.redactor.add(secretArgValues(task.type.secretArgs, args));
    } catch (error) {
      const info = errorInfo(error, task.location);
      return { status: 'failed', message: info.message, error: info, result: outcome({ failed: true, msg: info.message }) };
    }
    const ctx = contextFor(view);
    const attempts = 1 + (opts.retries ?? (opts.until ? 3 : 0));
    let last!: Attempt;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      last = await attemptOnce(run, job, args, ctx, handle, attempt > 1, probed);
      if (last.status === 'unreachable') return last;
      const until = opts.until ? safeUntil(opts.until, last.result, view) : !last.result.failed;
      if (until && !last.result.failed) return last;
      if (attempt < attempts && run.stopping) break;
      if (attempt < attempts) await sleep((opts.delay ?? 1) * 1000);
    }
    if (opts.until && !last.result.failed) {
      const message = `${last.message} (until condition not met after ${attempts} attempts)`;
      last = { ...last, status: 'failed', message, error: { kind: 'TaskFailedError', message, location: task.location }, result: { ...last.result, failed: true } };
    }
    return last;
  };

  let last: Attempt;
  if (items === undefined) last = await runOne(hostVars);
  else {
    const delegatedTo = target !== host ? target : undefined;
    const itemEvent = (item: unknown, status: HostStatus, message: string) =>
      run.emit({ event: 'item-result', host, task: job.label, item: itemLabel(item), status, message: opts.sensitive ? `${status} (output hidden: sensitive)` : message, ...(delegatedTo ? { delegatedTo } : {}) });
    last = await runLoop(items, hostVars, runOne, opts.when, itemEvent);
  }
  const final = last;
  let status = final.status;
  let ignored = false;
  if (status === 'failed' && opts.ignoreErrors) ignored = true;
  if (status === 'unreachable') {
    emitResult('unreachable', final.message, { error: final.error, delegatedTo: target !== host ? target : undefined });
    return { status, outcome: final.result, ignored: false };
  }
  register(final.result);
  if (run.check && (status === 'changed' || status === 'may-change')) state.predictedChange = true;
  emitResult(status, final.message, { diff: final.diff, error: final.error, ignored, delegatedTo: target !== host ? target : undefined });
  return { status, outcome: final.result, ignored };
}

/** One attempt's verdict. */
interface Attempt {
  status: HostStatus;
  message: string;
  diff?: Diff[];
  error?: ErrorInfo;
  result: TaskOutcome;
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
  let status: HostStatus = 'skipped';
  let failure: Attempt | undefined;
  for (const [index, item] of items.entries()) {
    const view = withItem(hostVars, item, index);
    let one: Attempt;
    try {
      one = when && !when(view)
        ? { status: 'skipped', message: 'conditional result was false', result: { changed: false, failed: false, skipped: true, msg: 'conditional result was false' } }
        : await runOne(view);
    } catch (error) {
      const message = `when: ${(error as Error).message}`;
      one = { status: 'failed', message, error: errorInfo(error), result: { changed: false, failed: true, skipped: false, msg: message } };
    }
    itemEvent(item, one.status, one.message);
    results.push({ ...one.result, item });
    if (one.diff) diffs.push(...one.diff);
    if (one.status === 'unreachable') return { ...one, message: `item ${index}: ${one.message}`, result: { ...one.result, results } };
    if (one.status === 'failed') {
      failure ??= { ...one, message: `item ${index}: ${one.message}` };
      continue;
    }
    if (one.status === 'changed' || one.status === 'may-change') messages.push(one.message);
    if (one.status === 'changed' || (one.status === 'may-change' && status !== 'changed') || (one.status === 'ok' && status === 'skipped')) status = one.status;
  }
  const changed = status === 'changed' || status === 'may-change';
  if (failure) {
    const failed = results.filter((r) => r.failed).length;
    const message = failed > 1 ? `${failure.message} (${failed} of ${items.length} items failed)` : failure.message;
    return { ...failure, message, diff: diffs.length ? diffs : undefined, result: { changed, failed: true, skipped: false, msg: 'One or more items failed', results } };
  }
  if (status === 'skipped') {
    const message = items.length ? 'every item skipped' : 'no items in the loop';
    return { status, message, result: { changed: false, failed: false, skipped: true, msg: message, results } };
  }
  const message = messages.length ? messages.join('; ') : `${items.length} item(s) already as wanted`;
  return { status, message, diff: diffs.length ? diffs : undefined, result: { changed, failed: false, skipped: false, msg: message, results } };
}

/**
 * Check mode: ask the host what the planned change would bring (read-only, e.g. packages downloaded to a
 * temporary folder and read there) and let the task type record it for later tasks. Never fails the task:
 * a failed preview only leaves later tasks at "may change", with the reason.
 */
async function runPreview(preview: Preview | undefined, host: HostHandle): Promise<void> {
  if (!preview) return;
  try {
    await preview.after;
    const probe = preview.probe();
    preview.record(probe.parse(await host.exec(PROBE_PREFIX + probe.command)));
  } catch (error) {
    preview.fail((error as Error).message.split('\n')[0]);
  }
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
  const json = JSON.stringify(states, (_k, v) => (v instanceof Map ? { map: [...v] } : v instanceof Set ? { set: [...v] } : typeof v === 'bigint' ? String(v) : v));
  return createHash('sha256').update(json ?? 'undefined').digest('hex').slice(0, 32);
}

async function attemptOnce(run: RunContext, job: TaskRun, args: any, ctx: TaskContext, host: HostHandle, fresh = false, seen: unknown[] = []): Promise<Attempt> {
  const type = job.task.type;
  const location = job.task.location;
  const fail = (error: unknown) => {
    const info = errorInfo(error, location);
    const e = error as TaskFailedError;
    return { status: 'failed' as HostStatus, message: info.message, error: info, result: { changed: false, failed: true, skipped: false, msg: info.message, rc: e.code, stdout: e.stdout, stderr: e.stderr } as TaskOutcome };
  };
  let plan: Plan;
  try {
    const probe = type.probe(args, ctx);
    let probed: unknown;
    if (probe) {
      const command = PROBE_PREFIX + probe.command;
      // A retry asks the host again: what it waits for may have come meanwhile.
      const ask = async (again: boolean) => {
        let result = fresh || again ? undefined : run.probes.take(host.name, command);
        if (!result && !fresh && !again && !job.task.options.delegateTo && job.upcoming) {
          // One round trip for this probe and those of the next tasks on this host.
          const ahead = probesAhead(run, job, run.probes.window(host.name) - 1).filter((p) => !run.probes.has(host.name, p.command));
          const generation = run.probes.generation;
          const sent = [{ command, merge: probe.merge, local: probe.local }, ...ahead];
          const batch = await runBatch(host, sent, PROBE_PREFIX);
          run.probes.store(host.name, batch, command, generation, new Set(sent.filter((p) => p.local).map((p) => p.command)));
          result = batch.get(command);
        }
        result ??= await host.exec(command);
        return result;
      };
      let result;
      try {
        result = await ask(false);
      } catch (error) {
        // A connection lost since the last task is opened again once: a probe only reads, so asking again is safe.
        if (!(error instanceof UnreachableError) || run.stopping) throw error;
        await run.pool.reopen(host.name);
        result = await ask(true);
      }
      try {
        probed = probe.parse(result);
      } catch (error) {
        // On a fresh host in check mode a probe may fail because an earlier task would have installed its target.
        if (run.check && ctx.earlierChangePredicted) {
          const reason = `cannot probe yet: depends on an earlier change on this host (${(error as Error).message.split('\n')[0]})`;
          return { status: 'may-change' as HostStatus, message: reason, result: { changed: true, failed: false, skipped: false, msg: reason } as TaskOutcome };
        }
        if (error instanceof TaskFailedError || error instanceof UnreachableError) throw error;
        // A parser's plain error: name host and task, keep the probe's exit code and stderr.
        throw new TaskFailedError(`${ctx.host}: ${job.label}: cannot read the current state: ${(error as Error).message}`, { host: ctx.host, task: job.label, command: probe.command.split('\n')[0], code: result.code, stderr: result.stderr, cause: error });
      }
    }
    if (probe) seen.push(probed);
    plan = type.plan(args, probed, ctx);
  } catch (error) {
    if (error instanceof UnreachableError) return { ...fail(error), status: 'unreachable' as HostStatus };
    return fail(error);
  }
  run.executions++;
  if (run.guard && !run.check) {
    const summary = plan.status === 'change' ? plan.summary : plan.reason;
    const reason = run.guard({ host: ctx.host, task: job.label, ...(job.role ? { role: job.role } : {}), handler: job.handler, status: plan.status, summary, ...(plan.status === 'change' && plan.diff ? { diff: plan.diff } : {}) });
    if (reason) return fail(new TaskFailedError(`plan diverged on ${ctx.host} at ${job.label}: ${reason}; nothing more is done on this host`, { host: ctx.host, task: job.label }));
  }
  switch (plan.status) {
    case 'ok':
      return { status: 'ok' as HostStatus, message: plan.reason, result: { changed: false, failed: false, skipped: false, msg: plan.reason, ...(plan.extra ?? {}) } as TaskOutcome };
    case 'may-change':
      return { status: 'may-change' as HostStatus, message: plan.reason, result: { changed: true, failed: false, skipped: false, msg: plan.reason } as TaskOutcome };
    case 'failed':
      return fail(new TaskFailedError(`${ctx.host}: ${job.label}: ${plan.reason}`, { host: ctx.host, task: job.label }));
    case 'change': {
      if (run.check) {
        if (type.preview) await runPreview(type.preview(args, plan, ctx), host);
        return { status: 'changed' as HostStatus, message: plan.summary, diff: plan.diff, result: { changed: true, failed: false, skipped: false, msg: plan.summary } as TaskOutcome };
      }
      // Whatever apply does, what was read before on this host (and remote reads anywhere) is stale now.
      run.probes.invalidate(host.name);
      try {
        const applied = (await applyTask(type, args, plan, host, ctx)) ?? {};
        const changed = applied.changed ?? true;
        const summary = applied.note ? `${plan.summary} (${applied.note})` : plan.summary;
        const result: TaskOutcome = { changed, failed: false, skipped: false, msg: summary, ...(applied.rc !== undefined ? { rc: applied.rc } : {}), ...(applied.stdout !== undefined ? { stdout: applied.stdout, stdout_lines: applied.stdout.split('\n').filter((l, i, a) => i < a.length - 1 || l !== '') } : {}), ...(applied.stderr !== undefined ? { stderr: applied.stderr } : {}), ...(applied.extra ?? {}) };
        return { status: (changed ? 'changed' : 'ok') as HostStatus, message: changed ? summary : `ok: ${summary}`, diff: changed ? plan.diff : undefined, result };
      } catch (error) {
        if (error instanceof UnreachableError) return { ...fail(error), status: 'unreachable' as HostStatus };
        if (error instanceof ValidationError || error instanceof TemplateError || error instanceof TaskFailedError) return fail(error);
        return fail(new TaskFailedError(`${ctx.host}: ${job.label}: ${(error as Error).message}`, { host: ctx.host, task: job.label, cause: error }));
      }
    }
  }
}
