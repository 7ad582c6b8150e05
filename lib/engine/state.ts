/**
 * The state of one run, in two parts: {@link RunContext}, what stays the same from start to end (options,
 * connections, the redactor, the event stream), and {@link RunState}, what changes (each host's
 * {@link HostState}, the probe cache, task types' run-wide memory, counters, the stop flag). Plain data and
 * small transitions; the engine's only output is the event stream.
 */
import type { Facts } from '../core/task-contract.ts';
import type { HostVars } from '../core/task-options.ts';
import type { HostMemory, SharedMemory } from '../core/run-memory.ts';
import type { ConnectionPool } from './connections.ts';
import type { EventListener, HostCounts, HostStatus, PlanGuard, Redactor, RunEvent } from '../core/run-events.ts';
import type { InventoryView } from './inventory-view.ts';
import { ProbeCache } from './probe-batch.ts';

/**
 * Everything that stays the same during a run: no field is ever assigned after the run starts. The
 * connection pool and the redactor are services with their own inner state (open connections, secrets
 * learnt from arguments); everything else that changes lives in {@link RunState}.
 */
export interface RunContext {
  readonly inventory: InventoryView;
  readonly pool: ConnectionPool;
  readonly redactor: Redactor;
  readonly check: boolean;
  readonly diff: boolean;
  readonly extraVars: Readonly<Record<string, unknown>>;
  readonly tags: readonly string[];
  readonly skipTags: readonly string[];
  readonly emit: (event: RunEvent) => void;
  readonly listeners: readonly EventListener[];
  /** Saved-plan apply: checks each verdict against the plan before anything is applied. */
  readonly guard?: PlanGuard;
}

/** Whether a host is still in the run, or why it left. */
export type HostStanding = 'active' | 'failed' | 'unreachable';

/**
 * One host's state for the run: its counters and standing, registered results, facts, notified handlers,
 * the check-mode "an earlier task was predicted to change" flag, its variable views and task types'
 * memory. Created when the host first joins a play, handed to everything that works on the host.
 */
export class HostState {
  /** Inventory name of the host. */
  readonly name: string;
  readonly counts: HostCounts = { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, ignored: 0 };
  /** `active` while the host is in the run; `failed` or `unreachable` once it left. */
  standing: HostStanding = 'active';
  /** Registered results by variable name (read through {@link register}). */
  readonly registered: Record<string, unknown> = {};
  /** Handler names and `listen` topics notified and not yet run. */
  readonly notified = new Set<string>();
  /** Check mode: an earlier task on this host was predicted to change. */
  predictedChange = false;
  /** Memory shared by task types across the run (e.g. units started by this run). */
  readonly memory: HostMemory = {};
  /** Facts, once asked for (by a task type or by the play's `gatherFacts`). */
  facts?: Promise<Facts>;
  /** Facts gathered for the variables (`gatherFacts`). */
  private gathered?: Facts;
  /** Bumped whenever the variables change (a registered result, gathered facts): cached views rebuild. */
  private varsVersion = 0;
  private views = new Map<string, { version: number; live: readonly string[]; view: HostVars }>();

  constructor(name: string) {
    this.name = name;
  }

  /** Whether the host is still in the run (neither failed nor unreachable). */
  get active(): boolean {
    return this.standing === 'active';
  }

  /** Facts gathered by the play's `gatherFacts`, in the variables as `facts`. */
  get gatheredFacts(): Facts | undefined {
    return this.gathered;
  }

  /** Record gathered facts: later variable views show them. */
  setGatheredFacts(facts: Facts): void {
    this.gathered = facts;
    this.varsVersion++;
  }

  /** Register a task's result under a variable name: later variable views show it. */
  register(name: string, result: unknown): void {
    this.registered[name] = result;
    this.varsVersion++;
  }

  /**
   * The host's variables for `key` (a play and role), built by `build` and reused until a result is
   * registered, facts are gathered or the play's live hosts (`play_hosts`) change.
   */
  varsView(key: string, live: readonly string[], build: () => HostVars): HostVars {
    const cached = this.views.get(key);
    if (cached && cached.version === this.varsVersion && cached.live === live) return cached.view;
    const view = build();
    this.views.set(key, { version: this.varsVersion, live, view });
    return view;
  }

  /** Count one task result and leave the run on a failure (not an ignored one) or when unreachable. */
  record(status: HostStatus, ignored: boolean): void {
    const c = this.counts;
    switch (status) {
      case 'ok':
        c.ok++;
        break;
      case 'changed':
      case 'may-change':
        c.ok++;
        c.changed++;
        break;
      case 'skipped':
        c.skipped++;
        break;
      case 'unreachable':
        c.unreachable++;
        this.standing = 'unreachable';
        break;
      case 'failed':
        if (ignored) {
          c.ignored++;
          c.ok++;
        } else {
          c.failed++;
          if (this.standing === 'active') this.standing = 'failed';
        }
        break;
    }
  }

  /** Notify handlers (names or `listen` topics). */
  notify(names: readonly string[]): void {
    for (const n of names) this.notified.add(n);
  }

  /**
   * The notifications made so far (all of them), forgetting those in `known`: their handlers run now,
   * and handlers notified while they run wait for the next pass.
   */
  takeNotified(known: ReadonlySet<string>): Set<string> {
    const all = new Set(this.notified);
    for (const n of all) if (known.has(n)) this.notified.delete(n);
    return all;
  }

  /** Forget every notification left (those of handlers that do not exist); returns them. */
  dropNotified(): string[] {
    const left = [...this.notified];
    this.notified.clear();
    return left;
  }
}

/** Everything that changes during a run. */
export class RunState {
  /** Set when the run is interrupted: no task, batch, handler or play starts any more. */
  stopping = false;
  /** Host-task executions, for the round-trips-per-task statistic. */
  executions = 0;
  /** Prefetched probe results per host (run-wide: a change on one host may make another's stale). */
  readonly probes = new ProbeCache();
  /** Memory shared by all hosts for the run (task types' caches, e.g. package previews). */
  readonly shared: SharedMemory = {};
  private readonly hosts = new Map<string, HostState>();

  /** The state of a host, created when it first joins the run. */
  join(name: string): HostState {
    let state = this.hosts.get(name);
    if (!state) this.hosts.set(name, (state = new HostState(name)));
    return state;
  }

  /** The state of a host that is in the run, or undefined (a delegate outside every play). */
  find(name: string): HostState | undefined {
    return this.hosts.get(name);
  }

  /** Every host that joined the run, in the order they joined. */
  all(): HostState[] {
    return [...this.hosts.values()];
  }
}
