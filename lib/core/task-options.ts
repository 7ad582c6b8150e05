/**
 * Common task options: kept apart from a task's own arguments, as in `file({...}, { notify: 'restart' })`.
 */
import type { TaskType } from './task-contract.ts';

/** The view of a host a `when`, `until` or a deferred argument function receives. */
export interface HostVars {
  /** Inventory name of the host (also `inventory_hostname` in the variables). */
  readonly host: string;
  /** Every variable in scope for this host: inventory, role defaults, play vars, registered, extra vars. */
  readonly vars: Readonly<Record<string, unknown>>;
  /** Group name → member host names, as in the inventory (`groups.all` included). */
  readonly groups: Readonly<Record<string, readonly string[]>>;
}

/** What `register` stores and `until` / `changedWhen` / `failedWhen` see. */
export interface TaskOutcome {
  changed: boolean;
  failed: boolean;
  skipped: boolean;
  /** Present for tasks that ran commands. */
  rc?: number;
  stdout?: string;
  stderr?: string;
  /** The plan's summary or ok reason. */
  msg: string;
  [key: string]: unknown;
}

/** Options common to every task; none of them is a task argument. */
export interface TaskOptions {
  /** Display name; defaults to `type: main argument`. */
  name?: string;
  /** Run only when this returns true for the host. */
  when?: (h: HostVars) => boolean;
  /** Handler name(s) to notify when the task changes something on a host. */
  notify?: string | string[];
  /** Store the outcome as a variable of this name for later tasks on the same host. */
  register?: string;
  /** Tags for `--tags` / `--skip-tags`. `always` and `never` behave as in Ansible. */
  tags?: string[];
  /** Run on the first host of the batch only; notifications apply to every host of the batch. */
  runOnce?: boolean;
  /** Run the task on another inventory host (with this host's variables). */
  delegateTo?: string | ((h: HostVars) => string);
  /** A failure is reported but the host stays in the play. */
  ignoreErrors?: boolean;
  /** Retry the task up to this many extra times while it fails or `until` is false. */
  retries?: number;
  /** Seconds between retries (default 1). */
  delay?: number;
  /** Retry until this returns true (implies retries, default 3). */
  until?: (outcome: TaskOutcome, h: HostVars) => boolean;
  /** Hide arguments, diffs and output of this task from every report. */
  sensitive?: boolean;
  /**
   * Run the task once per item; deferred arguments see the item as `h.vars.item` (Ansible's `loop`).
   * As in Ansible: `when` is evaluated per item, every item runs even after one failed, and the host's
   * result is failed when any item failed, changed when any changed, skipped when all were skipped.
   */
  loop?: unknown[] | ((h: HostVars) => unknown[]);
  /** Run the task's commands through sudo (`true` = root). */
  become?: boolean | { user?: string; password?: string };
}

/** Argument values may be given per host: a function of the host's variables. */
export type Deferred<T> = T | ((h: HostVars) => T);

/** A task in a play or role: a task type with its arguments and common options. It is plain data. */
export interface Task<Args = any> {
  readonly kind: 'task';
  readonly type: TaskType<any, any, any>;
  readonly args: Deferred<Args>;
  readonly options: TaskOptions;
  /** `file:line` of the call that defined the task, for error messages. */
  readonly location?: string;
}
