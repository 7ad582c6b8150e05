/**
 * Applies as data. A task type's apply is described by the steps it will run — commands, uploads,
 * downloads, a reconnect — with what each must produce; the engine runs them (lib/engine/run-steps.ts).
 * Because the steps are data, they are tested from fixtures like plans, shown under `--check -vv`, and
 * recorded in a saved plan; and because judging their results is a pure function too (`outcome`), an
 * apply's failure messages are fixture-tested without a host.
 */
import type { ApplyResult, Plan, TaskContext } from './task-contract.ts';

/** What every step has. */
export interface StepBase {
  /**
   * A short name the step's result is found by in `outcome` (`results.get('write')`) and that later steps
   * name in `uses`. Unique within one apply.
   */
  id: string;
  /** What the step does, in words an operator reads: `systemctl restart etcd`, `write /etc/etcd/etcd.conf`. */
  label: string;
  /**
   * When the step depends on what an earlier step produced (not only on its success), the ids of those
   * steps and how, e.g. `read: writes the value read by step "read" back with one key changed`.
   */
  uses?: string;
  /**
   * Run only when earlier steps ended as given: `{ step: 'check', codes: [1] }` runs this step only when
   * step `check` exited 1. Steps whose condition does not hold are skipped (no result).
   */
  when?: { step: string; codes: readonly number[] };
}

/** Run a shell command on the host (with the task's become). */
export interface ExecStep extends StepBase {
  kind: 'exec';
  /** POSIX shell text, every value quoted with `quote()`. */
  command: string;
  /** Bytes written to the command's standard input (file content, a tar stream). */
  stdin?: string | Buffer;
  /**
   * Exit codes after which the apply goes on (default `[0]`). Any other code ends the apply there.
   * `'any'`: every exit code goes on, `outcome` judges it (a user's command with `failedWhen`).
   */
  okCodes?: readonly number[] | 'any';
  /** Kill the command and fail the step after this many milliseconds. */
  timeoutMs?: number;
  /** When the command may drop the connection by design (a reboot): a lost connection is not a failure. */
  mayDisconnect?: boolean;
  /**
   * A read-only command run only when this step ends the apply with a failure, whose output is handed to
   * `outcome` as this step's `diagnostics` (the last lines of a unit's journal after a failed start).
   */
  onFailure?: { label: string; command: string };
}

/** Write bytes to a path on the host (a checked temporary file renamed over it). */
export interface UploadStep extends StepBase {
  kind: 'upload';
  path: string;
  content: string | Buffer;
  mode?: string;
}

/** Copy a file from the host to the controller (`fetch`). */
export interface DownloadStep extends StepBase {
  kind: 'download';
  /** Path on the host. */
  from: string;
  /** Path on the controller; its folder is created. Written through a temporary file renamed over it. */
  to: string;
  /** The SHA-256 the bytes must have (as probed); other bytes are not written and fail the step. */
  sha256?: string;
}

/** Wait until the host answers again after it went away on purpose (a reboot), then reconnect. */
export interface ReconnectStep extends StepBase {
  kind: 'reconnect';
  /** Give up after this many seconds. */
  timeoutSeconds: number;
  /** Wait this long before the first attempt (the host may still be going down). */
  delaySeconds?: number;
  /**
   * Back means: this read-only command exits 0 with an output other than `differsFrom` (e.g. the boot id
   * after a reboot); without `differsFrom`, exiting 0 is enough (a test command). Its last output is the
   * step's stdout.
   */
  until: { command: string; differsFrom?: string };
}

/** One step of an apply. */
export type ApplyStep = ExecStep | UploadStep | DownloadStep | ReconnectStep;

/** What one step produced. Exec steps fill `code`/`stdout`/`stderr`; the others `code` 0 or a failure. */
export interface StepResult {
  id: string;
  /** Exit code (0 for a successful upload, download or reconnect; -1 when it could not run). */
  code: number;
  stdout: string;
  stderr: string;
  /** The connection dropped during the step (only when the step allowed it). */
  disconnected?: boolean;
  /** Output of the step's `onFailure` command. */
  diagnostics?: string;
  /** Why a non-exec step failed. */
  error?: string;
  /** How long the step took (set by the engine; outcomes that report elapsed time add them up). */
  durationMs?: number;
}

/** The results of an apply's steps by id, in the order they ran; a step skipped by `when` is absent. */
export type StepResults = ReadonlyMap<string, StepResult>;

/** The part of the task context an apply's steps and outcome may read. */
export type StepContext = Pick<TaskContext, 'host' | 'check' | 'diff' | 'sensitive' | 'runAs'> & Partial<Pick<TaskContext, 'memory'>>;

/**
 * A task type's apply as data: `steps` lists what will run (pure), `outcome` judges what happened (pure;
 * throws TaskFailedError with the task's own words). The engine runs the steps in order and stops at the
 * first step that ends the apply (an exit code outside `okCodes`, a failed upload); `outcome` is called in
 * every case, and when it returns normally after such a stop the engine fails the task with a generic
 * message naming the step.
 */
export interface StepApply<Args, Data> {
  steps(args: Args, plan: Extract<Plan<Data>, { status: 'change' }>, ctx: StepContext): ApplyStep[];
  outcome?(args: Args, plan: Extract<Plan<Data>, { status: 'change' }>, results: StepResults, ctx: StepContext): ApplyResult | void;
}

/** Exec step with `okCodes` defaulted: did this result let the apply go on? */
export function stepSucceeded(step: ApplyStep, result: StepResult | undefined): boolean {
  if (!result) return true;
  if (step.kind === 'exec')
    return step.okCodes === 'any' || (step.okCodes ?? [0]).includes(result.code) || (step.mayDisconnect === true && result.disconnected === true);
  return result.code === 0;
}

/** Steps as plain JSON for a saved plan or `-vv`: content and stdin become their size and SHA-256. */
export function describeSteps(steps: readonly ApplyStep[], digest: (bytes: string | Buffer) => string): Record<string, unknown>[] {
  return steps.map((s) => {
    const { stdin, content, ...rest } = s as ApplyStep & { stdin?: string | Buffer; content?: string | Buffer };
    const bytes = stdin ?? content;
    return bytes === undefined
      ? { ...rest }
      : { ...rest, [stdin !== undefined ? 'stdin' : 'content']: { bytes: Buffer.byteLength(bytes), sha256: digest(bytes) } };
  });
}
