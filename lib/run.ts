/**
 * Running a playbook from code: inventories from files or objects, SSH or local transports, reporters,
 * and the results. The command line (`lib/cli/`) is a thin layer over {@link run}.
 */
import type { TransportFactory } from './engine/connections.ts';
import type { RunEvent } from './core/run-events.ts';
import type { ConnectionSettings, InventoryView } from './engine/inventory-view.ts';
import { runPlaybook, type RunOptions, type RunResult } from './engine/runner.ts';
import {
  connectionVars,
  groupNames,
  groupsMap,
  hostVarLayers,
  hostVars,
  inventoryFromObject,
  loadInventory,
  selectHosts,
  type Inventory,
} from './inventory/index.ts';
import type { Playbook } from './play/define.ts';
import { createTransport } from './transport/index.ts';
import type { Vault } from './vault/vault.ts';
import { JumpPool } from './transport/jump.ts';
import { jumpFromSshArgs, loadSshConfig } from './transport/ssh-config.ts';

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
  /** Vault passwords for encrypted inventory and vars files; what they decrypt is masked in every event. */
  vault?: Vault;
  /** Connection settings for hosts whose variables do not set them (ansible.cfg `remote_user`, `become`, ...). */
  connectionDefaults?: ConnectionDefaults;
  /** OpenSSH client config applied to SSH hosts: a file, or false for none. Default `~/.ssh/config` when it exists. */
  sshConfigFile?: string | false;
}

/** Run-wide connection defaults: used only where no inventory variable sets the same thing. */
export type ConnectionDefaults = Partial<Pick<ConnectionSettings, 'user' | 'keyFile' | 'become' | 'becomeUser' | 'becomePassword'>>;

/** The result of {@link run}: exit code, recap, statistics, and the events when collected. */
export interface RunPlaybookResult extends RunResult {
  events: RunEvent[];
}

/** Load an inventory from paths, an object, or pass a loaded one through. */
export function resolveInventory(source: RunPlaybookOptions['inventory'], vault?: Vault): Inventory {
  if (typeof source === 'string') return loadInventory([source], { vault });
  if (Array.isArray(source)) return loadInventory(source, { vault });
  if (source instanceof Object && (source as Inventory).hosts instanceof Map) return source as Inventory;
  return inventoryFromObject(source, 'inventory object');
}

/**
 * The engine's view of a loaded inventory. `extraVars` (`-e`) override the inventory's connection
 * variables, as in Ansible (`-e ansible_connection=local`, `-e ansible_become_password=...`); `defaults`
 * (ansible.cfg) fill connection settings no variable sets.
 */
export function inventoryView(inv: Inventory, extraVars: Record<string, unknown> = {}, defaults: ConnectionDefaults = {}): InventoryView {
  const varsCache = new Map<string, Record<string, unknown>>();
  const varsOf = (host: string) => {
    let v = varsCache.get(host);
    if (!v) varsCache.set(host, (v = hostVars(inv, host)));
    return v;
  };
  let groupsCache: Record<string, string[]> | undefined;
  const connections = new Map<string, ConnectionSettings>();
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
    // Asked once per task (become, delegation): resolved once per host, a copy handed out each time.
    connectionOf: (host): ConnectionSettings => {
      let settings = connections.get(host);
      if (!settings) connections.set(host, (settings = resolveConnection(host)));
      return { ...settings };
    },
  };
  function resolveConnection(host: string): ConnectionSettings {
    const vars = { ...varsOf(host), ...extraVars };
    const settings = connectionVars(vars, host);
    // Bastions given as OpenSSH arguments, as Ansible passes them to ssh.
    for (const variable of ['ansible_ssh_extra_args', 'ansible_ssh_common_args']) {
      const args = vars[variable];
      const jump = typeof args === 'string' ? jumpFromSshArgs(args, host, variable) : undefined;
      if (jump && settings.proxyJump === undefined) settings.proxyJump = jump;
    }
    for (const [k, v] of Object.entries(defaults)) {
      if (v !== undefined && (settings as unknown as Record<string, unknown>)[k] === undefined)
        (settings as unknown as Record<string, unknown>)[k] = v;
    }
    return settings;
  }
}

/** Run a playbook against an inventory and return the results. */
export async function run(playbook: Playbook, options: RunPlaybookOptions): Promise<RunPlaybookResult> {
  const view = inventoryView(resolveInventory(options.inventory, options.vault), options.extraVars, options.connectionDefaults);
  const events: RunEvent[] = [];
  const listeners = [...(options.listeners ?? [])];
  if (options.collectEvents) listeners.push((e) => events.push(e));
  const jumps = new JumpPool();
  const sshConfig = options.sshConfigFile === false ? undefined : loadSshConfig(options.sshConfigFile);
  const factory: TransportFactory =
    options.transportFactory ??
    ((host, settings) =>
      createTransport(host, settings, {
        knownHostsFile: options.knownHostsFile,
        acceptNewHostKeys: options.acceptNewHostKeys,
        connectTimeoutMs: options.connectTimeoutMs,
        sshConfig,
        jumps,
      }));
  const {
    inventory: _inventory,
    knownHostsFile: _k,
    acceptNewHostKeys: _a,
    connectTimeoutMs: _c,
    collectEvents: _e,
    vault,
    connectionDefaults: _d,
    sshConfigFile: _s,
    ...engineOptions
  } = options;
  // Values decrypted from vault files are secrets, like connection passwords.
  const secrets = [...(options.secrets ?? []), ...(vault?.revealed ?? [])];
  let result;
  try {
    result = await runPlaybook(playbook, { ...engineOptions, secrets, inventory: view, transportFactory: factory, listeners });
  } finally {
    await jumps.closeAll();
  }
  return { ...result, events };
}
