/**
 * Variables in scope for a task on a host, lowest to highest precedence: role defaults, inventory
 * (all < groups < group_vars < host < host_vars), play vars, registered results, extra vars; plus the
 * magic variables (`inventory_hostname`, `groups`, `group_names`, `hostvars`, `play_hosts`,
 * `ansible_check_mode`, and `facts` once gathered). A value that is a function is computed from the other variables, lazily.
 */
import type { HostVars } from '../core/task-options.ts';
import type { Facts } from '../core/task-contract.ts';
import type { InventoryView } from './inventory-view.ts';

/** The layers that make up a host's variables, lowest first, with their names (for error messages). */
export interface VarLayers {
  roleDefaults: Record<string, unknown>;
  play: Record<string, unknown>;
  registered: Record<string, unknown>;
  extra: Record<string, unknown>;
}

/** Where each variable's value came from: "role defaults", "inventory", "play vars", "-e", ... */
export type VarOrigins = Record<string, string>;

/** Merge the layers for one host and compute function-valued variables. */
export function buildHostVars(
  inventory: InventoryView,
  host: string,
  layers: VarLayers,
  extras: { playHosts: string[]; check: boolean; hostvars: (h: string) => Record<string, unknown>; facts?: Facts },
): { view: HostVars; origins: VarOrigins } {
  const origins: VarOrigins = {};
  const raw: Record<string, unknown> = {};
  const put = (source: string, vars: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(vars)) {
      raw[k] = v;
      origins[k] = source;
    }
  };
  put('role defaults', layers.roleDefaults);
  if (inventory.varLayersOf) for (const layer of inventory.varLayersOf(host)) put(`inventory ${layer.source}`, layer.vars);
  else put('inventory', inventory.varsOf(host));
  put('play vars', layers.play);
  put('registered', layers.registered);
  put('extra vars (-e)', layers.extra);
  const groups = inventory.groups();
  const magic: Record<string, unknown> = {
    inventory_hostname: host,
    inventory_hostname_short: host.split('.')[0],
    group_names: inventory.groupNamesOf(host),
    groups,
    play_hosts: extras.playHosts,
    ansible_play_hosts: extras.playHosts,
    ansible_check_mode: extras.check,
    ...(extras.facts ? { facts: extras.facts, ansible_facts: extras.facts } : {}),
  };
  const vars: Record<string, unknown> = {};
  const view: HostVars = { host, vars, groups };
  // Computed values see the final variables; a cycle is reported instead of overflowing the stack.
  const computing = new Set<string>();
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'function') vars[k] = v;
    else {
      Object.defineProperty(vars, k, {
        enumerable: true,
        configurable: true,
        get() {
          if (computing.has(k)) throw new Error(`variable "${k}" is computed from itself (cycle through ${[...computing].join(' → ')})`);
          computing.add(k);
          try {
            const value = (v as (h: HostVars) => unknown)(view);
            Object.defineProperty(vars, k, { value, enumerable: true, configurable: true, writable: true });
            return value;
          } finally {
            computing.delete(k);
          }
        },
      });
    }
  }
  Object.assign(vars, magic);
  // Own, lazily computed properties (not a Proxy): Handlebars' strict mode checks own properties.
  const hostvars: Record<string, unknown> = {};
  for (const name of inventory.hostNames()) {
    Object.defineProperty(hostvars, name, { enumerable: true, configurable: true, get: () => extras.hostvars(name) });
  }
  vars.hostvars = hostvars;
  return { view, origins };
}

/** Force every computed variable so that errors surface before the task runs; returns a plain object. */
export function materialize(vars: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(vars)) out[k] = vars[k];
  return out;
}
