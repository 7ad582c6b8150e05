/**
 * What the inventory resolved to, in the two forms `ansible-inventory` (2.14) prints:
 * `--list` JSON and the `--graph` tree.
 */
import { hostVars } from './host-var-layers.ts';
import type { Inventory } from './inventory-types.ts';

/** One group in `ansible-inventory --list` output. */
export interface AnsibleListGroup {
  hosts?: string[];
  children?: string[];
}

/** The `ansible-inventory --list` document: groups by name, plus `_meta.hostvars`. */
export type AnsibleList = { _meta: { hostvars: Record<string, Record<string, unknown>> } } & Record<string, AnsibleListGroup>;

// Keys sorted like ansible-inventory's json.dumps(sort_keys=True); lists keep their order.
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
  return out;
}

/**
 * `ansible-inventory --list`: every non-empty group with its direct `hosts` and `children` (`all`
 * shows only children), and `_meta.hostvars` with each host's merged variables (hosts without
 * variables left out). Print it with `JSON.stringify(list, null, 4)`.
 */
export function toAnsibleList(inv: Inventory): AnsibleList {
  const groups: Record<string, AnsibleListGroup> = {};
  const seen = new Set<string>();
  const visit = (name: string) => {
    seen.add(name);
    const g = inv.groups.get(name)!;
    const entry: AnsibleListGroup = {};
    if (name !== 'all' && g.hosts.length) entry.hosts = [...g.hosts];
    if (g.children.length) entry.children = [...g.children];
    if (entry.hosts || entry.children) groups[name] = entry;
    for (const c of g.children) if (!seen.has(c)) visit(c);
  };
  visit('all');
  const hostvars: Record<string, Record<string, unknown>> = {};
  for (const host of inv.hosts.keys()) {
    const vars = hostVars(inv, host);
    if (Object.keys(vars).length) hostvars[host] = vars;
  }
  return sortKeys({ ...groups, _meta: { hostvars } }) as AnsibleList;
}

/**
 * `ansible-inventory --graph [group]`: the tree of groups from `group` (default `all`), child groups
 * first, then the group's direct hosts, in inventory order.
 */
export function toGraph(inv: Inventory, group = 'all'): string {
  if (!inv.groups.has(group)) throw new Error(`no group "${group}" in the inventory`);
  const lines: string[] = [];
  const name = (text: string, depth: number) => (depth ? '  |'.repeat(depth) + '--' + text : text);
  const walk = (g: string, depth: number) => {
    const grp = inv.groups.get(g)!;
    lines.push(name(`@${g}:`, depth));
    for (const c of grp.children) walk(c, depth + 1);
    if (g !== 'all') for (const h of grp.hosts) lines.push(name(h, depth + 1));
  };
  walk(group, 0);
  return lines.join('\n');
}
