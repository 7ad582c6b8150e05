/**
 * Running a playbook from code: inventories from files or objects, SSH or local transports, reporters,
 * and the results. The command line (`cli.ts`) is a thin layer over {@link run}.
 */
import type { TransportFactory } from './engine/connections.ts';
import type { RunEvent } from './engine/events.ts';
import type { ConnectionSettings, InventoryView } from './engine/inventory-view.ts';
import { runPlaybook, type RunOptions, type RunResult } from './engine/runner.ts';
import { connectionVars, groupNames, groupsMap, hostVarLayers, hostVars, inventoryFromObject, loadInventory, selectHosts, type Inventory } from './inventory/index.ts';
import type { Playbook } from './play/define.ts';
import { createTransport } from './transport/index.ts';

/** Options of {@link run}: the engine's options, with inventories from files or objects and SSH settings. */
export interface RunPlaybookOptions extends Omit<RunOptions, 'inventory' | 'transportFactory'> {
  /** Inventory files (merged in order), an inventory object in Ansible's YAML shape, or a loaded Inventory. */
  inventory: string | string[] | Inventory | Record<string, unknown>;
  /** known_hosts file for strict host key checking (default ~/.ssh/known_hosts). */
  knownHostsFile?: string;
  /** Accept and record keys of hosts not yet in known_hosts (a changed key is always refused). */
  acceptNewHostKeys?: boolean;
  /** SSH connect timeout in milliseconds. */
  connectTimeoutMs?: number;
  /** Keep every event in the result (default false). */
  collectEvents?: boolean;
  /** Replace how hosts are reached (tests, custom transports). */
  transportFactory?: TransportFactory;
}

/** The result of {@link run}: exit code, recap, statistics, and the events when collected. */
export interface RunPlaybookResult extends RunResult {
  events: RunEvent[];
}

/** Load an inventory from paths, an object, or pass a loaded one through. */
export function resolveInventory(source: RunPlaybookOptions['inventory']): Inventory {
  if (typeof source === 'string') return loadInventory([source]);
  if (Array.isArray(source)) return loadInventory(source);
  if (source instanceof Object && (source as Inventory).hosts instanceof Map) return source as Inventory;
  return inventoryFromObject(source, 'inventory object');
}

/**
 * The engine's view of a loaded inventory. `extraVars` (`-e`) override the inventory's connection
 * variables, as in Ansible (`-e ansible_connection=local`, `-e ansible_become_password=...`).
 */
export function inventoryView(inv: Inventory, extraVars: Record<string, unknown> = {}): InventoryView {
  const varsCache = new Map<string, Record<string, unknown>>();
  const varsOf = (host: string) => {
    let v = varsCache.get(host);
    if (!v) varsCache.set(host, (v = hostVars(inv, host)));
    return v;
  };
  let groupsCache: Record<string, string[]> | undefined;
  return {
    hostNames: () => [...inv.hosts.keys()],
    select: (pattern) => selectHosts(inv, pattern),
    varsOf,
    varLayersOf: (host) => hostVarLayers(inv, host),
    groups: () => {
      groupsCache ??= { ...groupsMap(inv), all: [...inv.hosts.keys()] };
      return groupsCache;
    },
    groupNamesOf: (host) => groupNames(inv, host).filter((g) => g !== 'ungrouped'),
    connectionOf: (host): ConnectionSettings => {
      return connectionVars({ ...varsOf(host), ...extraVars }, host);
    },
  };
}

/** Run a playbook against an inventory and return the results. */
export async function run(playbook: Playbook, options: RunPlaybookOptions): Promise<RunPlaybookResult> {
  const view = inventoryView(resolveInventory(options.inventory), options.extraVars);
  const events: RunEvent[] = [];
  const listeners = [...(options.listeners ?? [])];
  if (options.collectEvents) listeners.push((e) => events.push(e));
  const factory: TransportFactory =
    options.transportFactory ??
    ((host, settings) => createTransport(host, settings, { knownHostsFile: options.knownHostsFile, acceptNewHostKeys: options.acceptNewHostKeys, connectTimeoutMs: options.connectTimeoutMs }));
  const { inventory: _inventory, knownHostsFile: _k, acceptNewHostKeys: _a, connectTimeoutMs: _c, collectEvents: _e, ...engineOptions } = options;
  const result = await runPlaybook(playbook, { ...engineOptions, inventory: view, transportFactory: factory, listeners });
  return { ...result, events };
}
