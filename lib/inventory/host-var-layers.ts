/**
 * A host's inventory variables, merged with Ansible's precedence (VariableManager, default
 * VARIABLE_PRECEDENCE), lowest first:
 *
 * 1. inline vars of `all`, then of the host's other groups (by depth, then `ansible_group_priority`,
 *    then name: parents before children, siblings by name);
 * 2. `group_vars/all`, then `group_vars/<group>` in the same group order (per inventory source, in
 *    `-i` order);
 * 3. the host's inline vars;
 * 4. `host_vars/<host>`.
 *
 * Top-level keys replace (Ansible's default `hash_behaviour=replace`).
 */
import type { Inventory, InventoryGroup } from './inventory-types.ts';

/** A named set of variables; later layers override earlier ones. */
export interface VarLayer {
  /** Where the values come from, for messages: `hosts (group nodes)`, `group_vars/all.yml`, `-e`, ... */
  source: string;
  vars: Record<string, unknown>;
}

/** Depth of each group: its longest distance from `all` (Ansible's Group.depth). */
export function groupDepths(inv: Inventory): Map<string, number> {
  const depth = new Map<string, number>();
  const visit = (name: string, d: number) => {
    if ((depth.get(name) ?? -1) >= d) return;
    depth.set(name, d);
    for (const c of inv.groups.get(name)?.children ?? []) visit(c, d + 1);
  };
  visit('all', 0);
  return depth;
}

/** Every group the host belongs to, directly or through child groups (`all` included). */
export function hostGroupSet(inv: Inventory, host: string): Set<string> {
  const parents = new Map<string, string[]>();
  for (const g of inv.groups.values()) {
    for (const c of g.children) parents.set(c, [...(parents.get(c) ?? []), g.name]);
  }
  const out = new Set<string>();
  const up = (name: string) => {
    if (out.has(name)) return;
    out.add(name);
    for (const p of parents.get(name) ?? []) up(p);
  };
  for (const g of inv.groups.values()) if (g.hosts.includes(host)) up(g.name);
  if (inv.hosts.has(host)) out.add('all');
  return out;
}

/** The host's groups sorted as Ansible merges them: depth, priority, name (without `all`). */
function sortedGroups(inv: Inventory, host: string): InventoryGroup[] {
  const depth = groupDepths(inv);
  return [...hostGroupSet(inv, host)]
    .filter((g) => g !== 'all')
    .map((g) => inv.groups.get(g)!)
    .sort((a, b) => depth.get(a.name)! - depth.get(b.name)! || a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Split inline vars by the file that set them, so each layer names its file. */
function inlineLayers(vars: Record<string, unknown>, origins: Record<string, string>, label: string): VarLayer[] {
  const byFile = new Map<string, Record<string, unknown>>();
  for (const [k, v] of Object.entries(vars)) {
    const file = origins[k] ?? 'inventory';
    if (!byFile.has(file)) byFile.set(file, {});
    byFile.get(file)![k] = v;
  }
  return [...byFile].map(([file, part]) => ({ source: `${file} (${label})`, vars: part }));
}

/** The inventory layers of a host's variables, lowest precedence first. */
export function hostVarLayers(inv: Inventory, host: string): VarLayer[] {
  const h = inv.hosts.get(host);
  if (!h) throw new Error(`unknown host "${host}"`);
  const all = inv.groups.get('all')!;
  const groups = sortedGroups(inv, host);
  const layers: VarLayer[] = [];
  layers.push(...inlineLayers(all.vars, all.origins, 'group all'));
  for (const g of groups) layers.push(...inlineLayers(g.vars, g.origins, `group ${g.name}`));
  const fileLayers = (entities: InventoryGroup[]) => {
    const sources = [...new Set(entities.flatMap((g) => g.varsFiles.map((f) => f.sourceIndex)))].sort((a, b) => a - b);
    for (const s of sources) {
      for (const g of entities) for (const f of g.varsFiles) if (f.sourceIndex === s) layers.push({ source: f.file, vars: f.vars });
    }
  };
  fileLayers([all]);
  fileLayers(groups);
  layers.push(...inlineLayers(h.vars, h.origins, `host ${host}`));
  for (const f of h.varsFiles) layers.push({ source: f.file, vars: f.vars });
  return layers;
}

/** The host's merged inventory variables (see the module comment for the order). */
export function hostVars(inv: Inventory, host: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of hostVarLayers(inv, host)) Object.assign(out, layer.vars);
  return out;
}

/** Ansible's `group_names`: the host's groups, sorted by name, without `all` (and `ungrouped` kept). */
export function groupNames(inv: Inventory, host: string): string[] {
  return [...hostGroupSet(inv, host)].filter((g) => g !== 'all').sort();
}

/** Ansible's `groups`: every group name -> its hosts (members of child groups included), inventory order. */
export function groupsMap(inv: Inventory): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const g of inv.groups.keys()) out[g] = groupHosts(inv, g);
  return out;
}

/**
 * The hosts of a group, child groups included, in Ansible's order: the group's own hosts, then those
 * of its descendants breadth first. `all` lists every host in inventory order.
 */
export function groupHosts(inv: Inventory, group: string): string[] {
  if (group === 'all') return [...inv.hosts.keys()];
  const seen = new Set<string>();
  const out: string[] = [];
  const visited = new Set<string>();
  const queue = [group];
  while (queue.length) {
    const g = inv.groups.get(queue.shift()!);
    if (!g || visited.has(g.name)) continue;
    visited.add(g.name);
    for (const h of g.hosts) if (!seen.has(h)) seen.add(h), out.push(h);
    queue.push(...g.children);
  }
  return out;
}
