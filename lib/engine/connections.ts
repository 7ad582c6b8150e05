/**
 * One transport per host for the whole run, opened on first use (retried with backoff when the connection
 * cannot be opened), then holding the host's run lock. A host that cannot be reached is remembered as
 * unreachable with its error; counters of every transport add up to the run's statistics.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { UnreachableError } from '../core/errors.ts';
import type { Transport, TransportStats } from '../core/transport-types.ts';
import { lockHolder, takeHostLock, type HostLock } from './host-lock.ts';
import type { ConnectionSettings, InventoryView } from './inventory-view.ts';

/** Creates the transport for a host (SSH, local, or a test's own). */
export type TransportFactory = (host: string, settings: ConnectionSettings) => Transport;

/** Options of a {@link ConnectionPool}. */
export interface ConnectionPoolOptions {
  /** Take the per-host run lock on SSH hosts (default true). */
  hostLock?: boolean;
  /** How long to wait for another run's lock (default 30000 ms). */
  hostLockWaitMs?: number;
  /** Further attempts when a connection cannot be opened (default 2). */
  connectRetries?: number;
  /** Delay before the first retry, doubled for each further one (default 1000 ms). */
  retryDelayMs?: number;
}

/** A probe batch to send with a host's lock command: built when the lock is taken, its output handed back. */
export interface FirstBatch {
  /** The batch script ('' for none). */
  prepare(): string;
  /** The script's stdout, once the lock is held. */
  done(stdout: string): void;
}

/** Connection failures worth another attempt: the host or its sshd may be back in a moment. */
const TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

/** Whether a failed connect may succeed when tried again (not a refused key, a failed login or a bad file). */
export function isTransientConnectError(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string; level?: string; message?: string } })?.cause;
  if (!cause) return false;
  if (cause.code && TRANSIENT.has(cause.code)) return true;
  if (cause.level === 'client-timeout' || cause.level === 'client-socket') return true;
  return /closed during the handshake|host closed the connection/.test(cause.message ?? '');
}

/** Lazily connected transports, one per host. */
export class ConnectionPool {
  private transports = new Map<string, Transport>();
  private connecting = new Map<string, Promise<Transport>>();
  /** Run locks by host address (hosts sharing an address share one lock). */
  private locks = new Map<string, { owner: Transport; held: Promise<HostLock | undefined> }>();
  private readonly inventory: InventoryView;
  private readonly factory: TransportFactory;
  private readonly options: ConnectionPoolOptions;
  private readonly holder = lockHolder();

  constructor(inventory: InventoryView, factory: TransportFactory, options: ConnectionPoolOptions = {}) {
    this.inventory = inventory;
    this.factory = factory;
    this.options = options;
  }

  /**
   * The connected transport of a host, holding its run lock; rejects with UnreachableError, or TaskFailedError
   * when another run holds the lock. `first` (used by whoever connects the host first) hands over a probe
   * batch that travels with the lock command and runs once the lock is held: its output goes to `done`.
   */
  get(host: string, first?: FirstBatch): Promise<Transport> {
    let pending = this.connecting.get(host);
    if (!pending) {
      pending = (async () => {
        const transport = this.factory(host, this.inventory.connectionOf(host));
        this.transports.set(host, transport);
        await this.open(host, transport);
        await this.lock(host, transport, false, first);
        return transport;
      })();
      this.connecting.set(host, pending);
    }
    return pending;
  }

  /** Open a host's connection again after it was lost (for read-only probes), and take its lock again. */
  async reopen(host: string): Promise<Transport> {
    const transport = await this.get(host);
    await this.open(host, transport);
    await this.lock(host, transport, true);
    return transport;
  }

  private async open(host: string, transport: Transport): Promise<void> {
    const retries = this.options.connectRetries ?? 2;
    for (let attempt = 0; ; attempt++) {
      try {
        await transport.connect();
        return;
      } catch (error) {
        const unreachable = error instanceof UnreachableError ? error : new UnreachableError(host, (error as Error).message, { cause: error });
        if (attempt >= retries || !isTransientConnectError(unreachable)) {
          if (attempt > 0) unreachable.message += ` (after ${attempt + 1} attempts)`;
          throw unreachable;
        }
        await sleep((this.options.retryDelayMs ?? 1000) * 2 ** attempt);
      }
    }
  }

  private async lock(host: string, transport: Transport, again: boolean, first?: FirstBatch): Promise<void> {
    const settings = this.inventory.connectionOf(host);
    if (this.options.hostLock === false || settings.local) return;
    const key = `${settings.address}:${settings.port ?? 22}`;
    const current = this.locks.get(key);
    if (current && !(again && current.owner === transport)) {
      await current.held;
      return;
    }
    const batch = first?.prepare();
    const held = takeHostLock(transport, { waitMs: this.options.hostLockWaitMs, holder: this.holder, firstBatch: batch || undefined });
    this.locks.set(key, { owner: transport, held });
    const lock = await held;
    if (batch && lock?.batchOutput !== undefined) first!.done(lock.batchOutput);
  }

  /** End every command in flight on every host (the run was interrupted); later commands reject. */
  interruptAll(): void {
    for (const t of this.transports.values()) t.interrupt?.();
  }

  /** Sum of every transport's counters. */
  stats(): TransportStats {
    const total: TransportStats = { roundTrips: 0, bytesSent: 0, bytesReceived: 0, connectMs: 0, connections: 0 };
    for (const t of this.transports.values()) {
      total.roundTrips += t.stats.roundTrips;
      total.bytesSent += t.stats.bytesSent;
      total.bytesReceived += t.stats.bytesReceived;
      total.connectMs += t.stats.connectMs;
      total.connections += t.stats.connections;
    }
    return total;
  }

  /** Release the run locks and close every transport (errors on close are ignored: the run is over). */
  async closeAll(): Promise<void> {
    for (const { held } of this.locks.values())
      held.then(
        (h) => h?.held.release(),
        () => undefined,
      );
    await Promise.all([...this.transports.values()].map((t) => t.close().catch(() => undefined)));
  }
}
