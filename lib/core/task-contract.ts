/**
 * The task contract: probe → plan → apply. A probe reads (one shell command and a pure parser), a plan
 * decides (pure, tested from fixtures), an apply writes exactly what the plan says. Check mode, diffs,
 * JSON plans and the real run all come from the same plan, so a dry run cannot drift from the real one.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { StepApply } from './apply-steps.ts';
import type { ExecOptions, ExecResult } from './transport-types.ts';

/** A read-only probe: one shell command and a pure parser of its result (like a pyinfra fact). */
export interface Probe<State> {
  /** POSIX shell text; built with `quote()`. Run with `LANG=C LC_ALL=C` by the engine. */
  command: string;
  /** Pure: turns the command's result into typed state. Throwing means "could not probe". */
  parse(result: ExecResult): State;
  /** Optional: how probes of one kind sent together become ONE command (e.g. one `systemctl show a b c`). */
  merge?: ProbeMerge;
  /**
   * True when the probe reads only the host it runs on (a file, a package, a unit, a sysctl): a change on
   * another host cannot make its result stale, so a prefetched result survives it. Default false.
   */
  local?: boolean;
}

/**
 * Merging probes of one kind: when several are sent to a host in one batch, the engine runs
 * `command(items)` once and hands each probe its part from `split`, as if it had run alone.
 */
export interface ProbeMerge {
  /** Probes with the same kind are merged. */
  kind: string;
  /** What this probe asks about (a unit name, a package name). */
  item: string;
  /** The one command for several items. */
  command(items: readonly string[]): string;
  /** Each item's result, in the order of `items`; undefined when the output cannot be split safely. */
  split(result: ExecResult, items: readonly string[]): ExecResult[] | undefined;
}

/** One piece of a diff, rendered by reporters. */
export type Diff =
  /** File content: rendered as a unified diff with `--- before: PATH` / `+++ after: PATH`. */
  | { kind: 'file'; path: string; before: string; after: string }
  /** Any other state: rendered as `key: before → after`. */
  | { kind: 'state'; key: string; before: string; after: string }
  /** A one-line note in place of a diff (binary file, too large, sensitive). */
  | { kind: 'note'; text: string };

/** The plan's verdict for one task on one host. It is data: printable, serialisable, testable. */
export type Plan<Data = unknown> =
  /** Nothing to do; `reason` says why, e.g. "etcd 3.4.23 is installed". `extra` goes to `register`. */
  | { status: 'ok'; reason: string; extra?: Record<string, unknown> }
  /** The apply will change the host; `summary` says what, `data` carries what apply needs. */
  | { status: 'change'; summary: string; diff?: Diff[]; data?: Data }
  /** Check mode only: the state hinges on an earlier predicted change on the same host. */
  | { status: 'may-change'; reason: string }
  /** The desired state cannot be reached (bad combination, missing unit in a real run, ...). */
  | { status: 'failed'; reason: string };

/** What a task's code may do on its host. Only `apply` may change anything. */
export interface HostHandle {
  /** Inventory name of the host. */
  readonly name: string;
  /** Run a command on the host (with the task's `become` unless overridden). */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Write bytes to a path (a checked temporary file renamed over it; {@link atomicWriteCommand} adds owner, validate, backup). */
  put(path: string, content: string | Buffer, options?: { mode?: string }): Promise<void>;
  /** Connect again after the connection was lost (e.g. a reboot); a no-op while it is up. */
  reconnect?(): Promise<void>;
}

/** Host facts, gathered lazily once per host per run (see the `facts` task type). */
export interface Facts {
  osFamily: string;
  distribution: string;
  distributionVersion: string;
  packageManager: 'yum' | 'dnf' | 'apt' | 'unknown';
  serviceManager: 'systemd' | 'unknown';
  hostname: string;
  addresses: string[];
}

/** Everything a task type sees besides its arguments. */
export interface TaskContext {
  /** Inventory name of the host. */
  host: string;
  /** The host's resolved variables (read-only view). */
  vars: Readonly<Record<string, unknown>>;
  /** `--check`: probe and plan only. */
  check: boolean;
  /** `--diff`: plans should carry diffs (a probe may fetch old content only then). */
  diff: boolean;
  /** In check mode: an earlier task on this host was predicted to change something. */
  earlierChangePredicted: boolean;
  /** True when the task is marked sensitive: plans should not put secret values into diffs. */
  sensitive: boolean;
  /** Per-host memory for the whole run, shared by task types (e.g. units started in this run). */
  memory: Map<string, unknown>;
  /** Memory for the whole run shared by all hosts (e.g. package previews by checksum). */
  shared: Map<string, unknown>;
  /** The user the task's commands run as on the host (after become), when known. */
  runAs?: string;
  /** Render a template reference (role templates folder or a path) with the host's variables. */
  renderTemplate(ref: TemplateRef): string;
  /** Gather (once) and return the host's facts. */
  facts(): Promise<Facts>;
}

/** What apply may report back: output for `register`, or a correction of the plan's verdict. */
export interface ApplyResult {
  /** Defaults to true: apply ran because the plan said "change". */
  changed?: boolean;
  /** Output of the command(s) run, exposed to `register`, `changedWhen`, `failedWhen`, `until`. */
  stdout?: string;
  stderr?: string;
  rc?: number;
  /** Extra fields exposed to `register`. */
  extra?: Record<string, unknown>;
  /** Added to the summary on the console and in JSON, e.g. `backup: /etc/x.20260101120000~`. */
  note?: string;
}

/** A task type: typed arguments (one TypeBox schema for compile time and run time), probe, plan, apply. */
export interface TaskType<S extends TSchema = TSchema, State = unknown, Data = unknown> {
  /** Module name: 'file', 'package', ... */
  name: string;
  /** One-line description for `--help` and docs. */
  description: string;
  /** The argument schema; `Static<S>` is the argument type. Unknown arguments are refused. */
  schema: S;
  /** Declared diff support (check mode is always supported by the contract). */
  supportsDiff: boolean;
  /** Arguments whose values are secrets even when the task is not marked sensitive (`user`'s `password`): masked in every output. */
  secretArgs?: readonly string[];
  /** False when a run without guards always reports changed (command without creates/unless...). */
  idempotent?(args: Static<S>): boolean;
  /** True when `check()` judges the `src` argument itself (a folder, or a path on the host), not the generic "readable local file" preflight. */
  ownSrc?: boolean;
  /** Extra argument checks that a schema cannot express; return an error message or undefined. */
  check?(args: Static<S>): string | undefined;
  /** The read-only probe, or undefined when the plan needs no host state. */
  probe(args: Static<S>, ctx: TaskContext): Probe<State> | undefined;
  /** Pure: arguments and probed state in, plan out. */
  plan(args: Static<S>, state: State, ctx: TaskContext): Plan<Data>;
  /**
   * Check mode only: for a plan that changes the host, a read-only probe of what the apply would bring
   * (e.g. the files, units and users of packages to install) and where to record it for later tasks (the
   * predicted host, see predicted.ts). Run once after the plan; a failed preview is handed to `fail`.
   */
  preview?(args: Static<S>, plan: Extract<Plan<Data>, { status: 'change' }>, ctx: TaskContext): Preview | undefined;
  /**
   * The apply as data (lib/core/apply-steps.ts): the steps that perform exactly the plan, run by the
   * engine, and the pure judgement of their results. Every built-in task type uses this.
   */
  steps?: StepApply<Static<S>, Data>['steps'];
  /** Judges the results of `steps` (see StepApply). */
  outcome?: StepApply<Static<S>, Data>['outcome'];
  /**
   * Or: perform exactly the plan in code (an escape hatch for custom task types whose apply cannot be
   * described as steps). Throw TaskFailedError on failure. A type has `steps` or `apply`.
   */
  apply?(args: Static<S>, plan: Extract<Plan<Data>, { status: 'change' }>, host: HostHandle, ctx: TaskContext): Promise<ApplyResult | void>;
}

/** A check-mode preview: its probe, and what to do with the probe's answer or failure. */
export interface Preview<State = any> {
  /** Awaited before the probe is built (e.g. another host's preview of the same packages, to reuse it). */
  after?: Promise<unknown>;
  /** The read-only probe, built once `after` settled. */
  probe(): Probe<State>;
  record(state: State): void;
  fail(reason: string): void;
}

/** A reference to a Handlebars template, rendered per host at run time (plain data, JSON-friendly). */
export interface TemplateRef {
  /** File name inside the role's `templates/` folder, or an absolute path. */
  readonly template: string;
  /** Extra variables layered over the host's variables for this render only. */
  readonly vars?: Record<string, unknown>;
}

/**
 * Mark file content as a template: `file({ path, content: template('etcd.conf.hbs') })`.
 * Rendered per host with the host's variables; a missing variable fails that task on that host.
 */
export function template(name: string, vars?: Record<string, unknown>): TemplateRef {
  return vars === undefined ? { template: name } : { template: name, vars };
}
