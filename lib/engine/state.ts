/**
 * The state of one run, shared by the runner and the per-host task executor: options, connections,
 * per-host memory, registered results, notifications, counters. Plain data; the engine's only output is
 * the event stream.
 */
import type { Facts } from '../core/task-contract.ts';
import type { ConnectionPool } from './connections.ts';
import type { EventListener, HostCounts, PlanGuard, Redactor, RunEvent } from '../core/run-events.ts';
import type { InventoryView } from './inventory-view.ts';
import type { ProbeCache } from './probe-batch.ts';

/** Per-host bookkeeping for a run. */
export interface HostRunState {
  counts: HostCounts;
  /** Registered results by variable name. */
  registered: Record<string, unknown>;
  /** Bumped on every register, so cached variable views know when to rebuild. */
  registeredVersion: number;
  /** Handler names notified and not yet run. */
  notified: Set<string>;
  /** Check mode: an earlier task on this host was predicted to change. */
  predictedChange: boolean;
  /** Memory shared by task types across the run (e.g. units started by this run). */
  memory: Map<string, unknown>;
  /** Facts, once asked for (by a task type or by the play's `gatherFacts`). */
  facts?: Promise<Facts>;
  /** Facts gathered for the variables (`gatherFacts`). */
  gatheredFacts?: Facts;
  /** Set when the host left the run. */
  failed: boolean;
  unreachable: boolean;
}

/** Everything that stays the same during a run. */
export interface RunContext {
  inventory: InventoryView;
  pool: ConnectionPool;
  redactor: Redactor;
  check: boolean;
  diff: boolean;
  extraVars: Record<string, unknown>;
  tags: string[];
  skipTags: string[];
  hosts: Map<string, HostRunState>;
  emit(event: RunEvent): void;
  listeners: EventListener[];
  /** Prefetched probe results per host. */
  probes: ProbeCache;
  /** Host-task executions, for the round-trips-per-task statistic. */
  executions: number;
  /** Memory shared by all hosts for the run (task types' caches, e.g. package previews). */
  shared: Map<string, unknown>;
  /** Set when the run is interrupted: no task, batch, handler or play starts any more. */
  stopping?: boolean;
  /** Saved-plan apply: checks each verdict against the plan before anything is applied. */
  guard?: PlanGuard;
}

/** Fresh bookkeeping for a host. */
export function newHostState(): HostRunState {
  return {
    counts: { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, ignored: 0 },
    registered: {},
    registeredVersion: 0,
    notified: new Set(),
    predictedChange: false,
    memory: new Map(),
    failed: false,
    unreachable: false,
  };
}
