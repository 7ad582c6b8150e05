/**
 * One attempt of a task on a host, in named steps: probe (answered from the prefetched batch when it
 * can be) → plan → report (the verdict, checked against a saved plan; in check mode the preview) → apply
 * (through {@link applyTask}). Each step returns data or an {@link Attempt} that ends the attempt; nothing
 * here emits events or touches the host's counters.
 */
import { createHash } from 'node:crypto';
import { describeSteps } from '../core/apply-steps.ts';
import { TaskFailedError, TemplateError, UnreachableError, ValidationError, tail } from '../core/errors.ts';
import type { TaskOutcome } from '../core/task-options.ts';
import type { Diff, HostHandle, Plan, Preview, Probe, TaskContext } from '../core/task-contract.ts';
import type { DescribedStep, ErrorInfo, HostStatus } from '../core/run-events.ts';
import type { ExecResult } from '../core/transport-types.ts';
import { applyTask } from './run-steps.ts';
import { probeInOneTrip } from './probe-batch.ts';
import { PROBE_PREFIX, probesAhead } from './look-ahead.ts';
import type { HostState, RunContext, RunState } from './state.ts';
import type { TaskRun } from './task-context.ts';

/** One attempt's verdict. */
export interface Attempt {
  status: HostStatus;
  message: string;
  diff?: Diff[];
  error?: ErrorInfo;
  result: TaskOutcome;
  /** Check mode: the steps the apply would run (described: content as size and SHA-256). */
  steps?: DescribedStep[];
}

/** One task on one host while it runs: what each step of its life reads. */
export interface HostTask {
  readonly run: RunContext;
  readonly state: RunState;
  /** The host the task is for (a delegated task still counts, registers and notifies here). */
  readonly host: HostState;
  readonly job: TaskRun;
  /** When the task started on the host. */
  readonly started: number;
  /** Every probed state this result was decided from (one per loop item and retry), for its fingerprint. */
  readonly probed: unknown[];
}

/** An error as events show it (the failed command, exit code and stderr tail for a TaskFailedError). */
export function errorInfo(error: unknown, location?: string): ErrorInfo {
  const e = error as Error & { command?: string; code?: number; stderr?: string };
  return {
    kind: e?.name ?? 'Error',
    message: e?.message ?? String(error),
    ...(e instanceof TaskFailedError ? { command: e.command, code: e.code, stderr: e.stderr === undefined ? undefined : tail(e.stderr) } : {}),
    ...(location ? { location } : {}),
  };
}

/** A failed attempt from an error (keeping a TaskFailedError's exit code and output for `register`). */
function failed(error: unknown, location: string | undefined): Attempt {
  const info = errorInfo(error, location);
  const e = error as TaskFailedError;
  return {
    status: 'failed',
    message: info.message,
    error: info,
    result: { changed: false, failed: true, skipped: false, msg: info.message, rc: e.code, stdout: e.stdout, stderr: e.stderr } as TaskOutcome,
  };
}

/**
 * One attempt: probe, plan, report, apply. `fresh` (a retry) asks the host again instead of using a
 * prefetched answer.
 */
export async function attemptOnce(t: HostTask, args: any, ctx: TaskContext, target: HostHandle, fresh: boolean): Promise<Attempt> {
  const { state, job } = t;
  const location = job.task.location;
  let plan: Plan;
  try {
    const read = await probeStep(t, args, ctx, target, fresh);
    if ('status' in read) return read;
    plan = job.task.type.plan(args, read.probed, ctx);
  } catch (error) {
    if (error instanceof UnreachableError) return { ...failed(error, location), status: 'unreachable' };
    return failed(error, location);
  }
  state.executions++;
  const reported = await reportStep(t, args, plan, ctx, target);
  if (reported) return reported;
  return applyStep(t, args, plan as Extract<Plan, { status: 'change' }>, ctx, target);
}

/**
 * Probe: the type's read-only probe on the target, its answer parsed. The answer comes from the probe
 * cache when an earlier batch fetched it, else from one round trip with the probes of the next tasks.
 * Returns the probed state, or an attempt that ends here (check mode: "may change" when the probe cannot
 * work yet because of an earlier predicted change).
 */
async function probeStep(t: HostTask, args: unknown, ctx: TaskContext, target: HostHandle, fresh: boolean): Promise<{ probed: unknown } | Attempt> {
  const { run, state, job } = t;
  const probe = job.task.type.probe(args as never, ctx);
  if (!probe) return { probed: undefined };
  let result: ExecResult;
  try {
    result = await askProbe(t, probe, target, fresh, false);
  } catch (error) {
    // A connection lost since the last task is opened again once: a probe only reads, so asking again is safe.
    if (!(error instanceof UnreachableError) || state.stopping) throw error;
    await run.pool.reopen(target.name);
    result = await askProbe(t, probe, target, fresh, true);
  }
  let probed: unknown;
  try {
    probed = probe.parse(result);
  } catch (error) {
    // On a fresh host in check mode a probe may fail because an earlier task would have installed its target.
    if (run.check && ctx.earlierChangePredicted) {
      const reason = `cannot probe yet: depends on an earlier change on this host (${(error as Error).message.split('\n')[0]})`;
      return { status: 'may-change', message: reason, result: { changed: true, failed: false, skipped: false, msg: reason } };
    }
    if (error instanceof TaskFailedError || error instanceof UnreachableError) throw error;
    // A parser's plain error: name host and task, keep the probe's exit code and stderr.
    throw new TaskFailedError(`${ctx.host}: ${job.label}: cannot read the current state: ${(error as Error).message}`, {
      host: ctx.host,
      task: job.label,
      command: probe.command.split('\n')[0],
      code: result.code,
      stderr: result.stderr,
      cause: error,
    });
  }
  t.probed.push(probed);
  return { probed };
}

/** The probe's answer: prefetched, else fetched with the next tasks' probes, else asked alone. */
async function askProbe(t: HostTask, probe: Probe<unknown>, target: HostHandle, fresh: boolean, again: boolean): Promise<ExecResult> {
  const { run, state, job, host } = t;
  const { probes } = state;
  const command = PROBE_PREFIX + probe.command;
  // A retry asks the host again: what it waits for may have come meanwhile.
  let result = fresh || again ? undefined : probes.take(target.name, command);
  if (!result && !fresh && !again && !job.task.options.delegateTo && job.upcoming) {
    // One round trip for this probe and those of the next tasks on this host.
    const ahead = probesAhead(run, state, host, job, probes.window(target.name) - 1).filter((p) => !probes.has(target.name, p.command));
    const generation = probes.generation;
    const sent = [{ command, merge: probe.merge, local: probe.local }, ...ahead];
    const batch = await probeInOneTrip(target, sent, PROBE_PREFIX);
    probes.store(target.name, batch, command, generation, new Set(sent.filter((p) => p.local).map((p) => p.command)));
    result = batch.get(command);
  }
  result ??= await target.exec(command);
  return result;
}

/**
 * Report: the plan's verdict as the attempt's result, unless it is a change to apply. A saved plan's
 * guard sees every verdict first (a divergence fails the host); in check mode a change is reported as
 * changed after its preview. Returns undefined when the change is to be applied.
 */
async function reportStep(t: HostTask, args: unknown, plan: Plan, ctx: TaskContext, target: HostHandle): Promise<Attempt | undefined> {
  const { run, job } = t;
  if (run.guard && !run.check) {
    const summary = plan.status === 'change' ? plan.summary : plan.reason;
    const reason = run.guard({
      host: ctx.host,
      task: job.label,
      ...(job.role ? { role: job.role } : {}),
      handler: job.handler,
      status: plan.status,
      summary,
      ...(plan.status === 'change' && plan.diff ? { diff: plan.diff } : {}),
    });
    if (reason)
      return failed(
        new TaskFailedError(`plan diverged on ${ctx.host} at ${job.label}: ${reason}; nothing more is done on this host`, {
          host: ctx.host,
          task: job.label,
        }),
        job.task.location,
      );
  }
  switch (plan.status) {
    case 'ok':
      return {
        status: 'ok',
        message: plan.reason,
        result: { changed: false, failed: false, skipped: false, msg: plan.reason, ...(plan.extra ?? {}) } as TaskOutcome,
      };
    case 'may-change':
      return { status: 'may-change', message: plan.reason, result: { changed: true, failed: false, skipped: false, msg: plan.reason } };
    case 'failed':
      return failed(new TaskFailedError(`${ctx.host}: ${job.label}: ${plan.reason}`, { host: ctx.host, task: job.label }), job.task.location);
    case 'change': {
      if (!run.check) return undefined;
      const type = job.task.type;
      if (type.preview) await runPreview(type.preview(args as never, plan, ctx), target);
      // The exact steps a real run would take, for `-vv` and saved plans; a type that cannot tell yet shows none.
      let steps: DescribedStep[] | undefined;
      try {
        steps = type.steps
          ? (describeSteps(type.steps(args as never, plan, ctx), (b) => createHash('sha256').update(b).digest('hex')) as DescribedStep[])
          : undefined;
      } catch {
        steps = undefined;
      }
      return {
        status: 'changed',
        message: plan.summary,
        diff: plan.diff,
        ...(steps ? { steps } : {}),
        result: { changed: true, failed: false, skipped: false, msg: plan.summary },
      };
    }
  }
}

/**
 * Apply: the plan's change on the target (its steps, or the type's own apply), then the result that
 * `register` and the conditions see. Any apply makes what was probed before stale.
 */
async function applyStep(
  t: HostTask,
  args: unknown,
  plan: Extract<Plan, { status: 'change' }>,
  ctx: TaskContext,
  target: HostHandle,
): Promise<Attempt> {
  const { state, job } = t;
  const location = job.task.location;
  // Whatever apply does, what was read before on this host (and remote reads anywhere) is stale now.
  state.probes.invalidate(target.name);
  try {
    const applied = (await applyTask(job.task.type, args, plan, target, ctx)) ?? {};
    const changed = applied.changed ?? true;
    const summary = applied.note ? `${plan.summary} (${applied.note})` : plan.summary;
    const result: TaskOutcome = {
      changed,
      failed: false,
      skipped: false,
      msg: summary,
      ...(applied.rc !== undefined ? { rc: applied.rc } : {}),
      ...(applied.stdout !== undefined
        ? { stdout: applied.stdout, stdout_lines: applied.stdout.split('\n').filter((l, i, a) => i < a.length - 1 || l !== '') }
        : {}),
      ...(applied.stderr !== undefined ? { stderr: applied.stderr } : {}),
      ...(applied.extra ?? {}),
    };
    return { status: changed ? 'changed' : 'ok', message: changed ? summary : `ok: ${summary}`, diff: changed ? plan.diff : undefined, result };
  } catch (error) {
    if (error instanceof UnreachableError) return { ...failed(error, location), status: 'unreachable' };
    if (error instanceof ValidationError || error instanceof TemplateError || error instanceof TaskFailedError) return failed(error, location);
    return failed(
      new TaskFailedError(`${ctx.host}: ${job.label}: ${(error as Error).message}`, { host: ctx.host, task: job.label, cause: error }),
      location,
    );
  }
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
