/**
 * One transport per host for the whole run, opened on first use. A host that cannot be reached is
 * remembered as unreachable with its error; counters of every transport add up to the run's statistics.
 */
import { UnreachableError } from '../errors.ts';
import type { Transport, TransportStats } from '../transport/types.ts';
import type { ConnectionSettings, InventoryView } from './inventory-view.ts';

/** Creates the transport for a host (SSH, local, or a test's own). */
export type TransportFactory = (host: string, settings: ConnectionSettings) => Transport;

/** Lazily connected transports, one per host. */
export class ConnectionPool {
  private transports = new Map<string, Transport>();
  private connecting = new Map<string, Promise<Transport>>();
  private readonly inventory: InventoryView;
  private readonly factory: TransportFactory;

  constructor(inventory: InventoryView, factory: TransportFactory) {
    this.inventory = inventory;
    this.factory = factory;
  }

  /** The connected transport of a host; rejects with UnreachableError. */
  get(host: string): Promise<Transport> {
    let pending = this.connecting.get(host);
    if (!pending) {
      pending = (async () => {
        const transport = this.factory(host, this.inventory.connectionOf(host));
        this.transports.set(host, transport);
        try {
          await transport.connect();
        } catch (error) {
          throw error instanceof UnreachableError ? error : new UnreachableError(host, (error as Error).message, { cause: error });
        }
        return transport;
      })();
      this.connecting.set(host, pending);
    }
    return pending;
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

  /** End every command in flight on every host (the run was interrupted); later commands reject. */
  interruptAll(): void {
    for (const t of this.transports.values()) t.interrupt?.();
  }

  /** Close every transport (errors on close are ignored: the run is over). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.transports.values()].map((t) => t.close().catch(() => undefined)));
  }
}
