/**
 * Runs an apply's steps (lib/core/apply-steps.ts) on a host, in order, and hands their results to the
 * task type's `outcome`. The steps are the whole apply: nothing here knows a task type.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stepSucceeded, type ApplyStep, type StepContext, type StepResult } from '../core/apply-steps.ts';
import { TaskFailedError, tail } from '../core/errors.ts';
import type { ApplyResult, HostHandle, Plan, TaskContext, TaskType } from '../core/task-contract.ts';
import { quote } from '../transport/quote.ts';

const sha256 = (bytes: string | Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Run one step; a result with a non-ok code rather than a throw for anything the step itself failed at. */
export async function runStep(step: ApplyStep, host: HostHandle): Promise<StepResult> {
  const base = { id: step.id, stdout: '', stderr: '' };
  switch (step.kind) {
    case 'exec': {
      try {
        const r = await host.exec(step.command, {
          ...(step.stdin !== undefined ? { stdin: step.stdin } : {}),
          ...(step.timeoutMs ? { timeoutMs: step.timeoutMs } : {}),
        });
        return { ...base, code: r.code, stdout: r.stdout, stderr: r.stderr };
      } catch (error) {
        if (step.mayDisconnect) return { ...base, code: -1, disconnected: true, error: (error as Error).message };
        throw error;
      }
    }
    case 'upload':
      try {
        await host.put(step.path, step.content, step.mode ? { mode: step.mode } : {});
        return { ...base, code: 0 };
      } catch (error) {
        if (error instanceof TaskFailedError) return { ...base, code: 1, error: error.message };
        throw error;
      }
    case 'download': {
      const r = await host.exec(`base64 -w0 < ${quote(step.from)}`);
      if (r.code !== 0) return { ...base, code: r.code, stderr: r.stderr, error: tail(r.stderr) || `exit ${r.code}` };
      const bytes = Buffer.from(r.stdout.trim(), 'base64');
      const sum = sha256(bytes);
      // The file changed between probe and download, or the transfer broke: nothing is written.
      if (step.sha256 !== undefined && sum !== step.sha256)
        return {
          ...base,
          code: 1,
          stdout: sum,
          error: `the fetched bytes have sha256 ${sum}, not ${step.sha256} as probed; ${step.to} left as it was`,
        };
      mkdirSync(dirname(step.to), { recursive: true });
      const tmp = `${step.to}.hostwright-${process.pid}`;
      try {
        writeFileSync(tmp, bytes);
        renameSync(tmp, step.to);
      } catch (error) {
        rmSync(tmp, { force: true });
        return { ...base, code: 1, error: `cannot write ${step.to}: ${(error as Error).message}` };
      }
      return { ...base, code: 0, stdout: sum };
    }
    case 'reconnect': {
      const deadline = Date.now() + step.timeoutSeconds * 1000;
      if (step.delaySeconds) await sleep(step.delaySeconds * 1000);
      let last = 'no answer yet';
      while (Date.now() < deadline) {
        await sleep(1000);
        try {
          await host.reconnect?.();
          const r = await host.exec(step.until.command, { timeoutMs: 5000 });
          const out = r.stdout.trim();
          const back = step.until.differsFrom === undefined ? r.code === 0 : r.code === 0 && out !== '' && out !== step.until.differsFrom;
          if (back) return { ...base, code: 0, stdout: out };
          last = r.code !== 0 ? `\`${step.until.command}\` exited ${r.code}` : `\`${step.until.command}\` still says ${out || '(nothing)'}`;
        } catch (error) {
          last = (error as Error).message;
        }
      }
      return { ...base, code: 1, error: `not back within ${step.timeoutSeconds} s (last: ${last})` };
    }
  }
}

/** Why a step ended the apply, for the generic failure message. */
function stepFailure(step: ApplyStep, result: StepResult): string {
  if (result.error) return `${step.label}: ${result.error}`;
  const said = tail(result.stderr || result.stdout);
  return `${step.label} failed (exit ${result.code})${said ? `: ${said}` : ''}`;
}

/**
 * The whole apply of a step-described task type: run the steps in order until one ends it, call `outcome`
 * with every result, and fail generically when `outcome` accepted a stop.
 */
export async function applySteps<A, D>(
  type: TaskType<any, any, D>,
  args: A,
  plan: Extract<Plan<D>, { status: 'change' }>,
  host: HostHandle,
  context: StepContext,
): Promise<ApplyResult | void> {
  // Messages name the host the steps run on: the delegate when the task is delegated.
  const ctx = context.host === host.name ? context : { ...context, host: host.name };
  const steps = type.steps!(args, plan, ctx);
  const results = new Map<string, StepResult>();
  let stopped: { step: ApplyStep; result: StepResult } | undefined;
  for (const step of steps) {
    if (step.when) {
      const earlier = results.get(step.when.step);
      if (!earlier || !step.when.codes.includes(earlier.code)) continue;
    }
    const started = Date.now();
    const result = await runStep(step, host);
    result.durationMs = Date.now() - started;
    results.set(step.id, result);
    if (!stepSucceeded(step, result)) {
      if (step.kind === 'exec' && step.onFailure) {
        const d = await host.exec(step.onFailure.command).catch(() => undefined);
        if (d) result.diagnostics = d.stdout.trim();
      }
      stopped = { step, result };
      break;
    }
  }
  const applied = type.outcome?.(args, plan, results, ctx);
  if (stopped)
    throw new TaskFailedError(`${host.name}: ${stepFailure(stopped.step, stopped.result)}`, {
      host: host.name,
      command: stopped.step.label,
      code: stopped.result.code,
      stderr: stopped.result.stderr,
    });
  return applied;
}

/** Apply a task type's plan on a host: its steps when it describes them, else its own `apply`. */
export function applyTask(
  type: TaskType<any, any, any>,
  args: unknown,
  plan: Extract<Plan, { status: 'change' }>,
  host: HostHandle,
  ctx: TaskContext,
): Promise<ApplyResult | void> {
  if (type.steps) return applySteps(type, args, plan, host, ctx);
  if (type.apply) return type.apply(args, plan, host, ctx);
  throw new TaskFailedError(`${host.name}: task type ${type.name} has neither steps nor apply`, { host: host.name });
}
