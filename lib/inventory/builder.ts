/**
 * Builds an {@link Inventory} the way Ansible's InventoryData does: parsers add groups, hosts,
 * children and variables in file order, then {@link InventoryBuilder.finish} applies Ansible's
 * reconciliation (every top-level group becomes a child of `all`; a host in no group but `all`
 * lands in `ungrouped`; a host in another group leaves `ungrouped`).
 */
import type { Inventory, InventoryGroup, InventoryHost } from './inventory-types.ts';

/** Error raised by the builder for a structural problem (a loop of groups); parsers add the location. */
export class InventoryShapeError extends Error {}

/** Mutable inventory under construction; shared by every parser so several sources merge in order. */
export class InventoryBuilder {
  readonly hosts = new Map<string, InventoryHost>();
  readonly groups = new Map<string, InventoryGroup>();
  readonly sources: string[] = [];

  constructor() {
    this.addGroup('all');
    this.addGroup('ungrouped');
    this.addChild('all', 'ungrouped');
  }

  /** Add a group if it does not exist yet; returns it. */
  addGroup(name: string): InventoryGroup {
    let group = this.groups.get(name);
    if (!group) {
      group = { name, hosts: [], children: [], vars: {}, origins: {}, varsFiles: [], priority: 1 };
      this.groups.set(name, group);
    }
    return group;
  }

  /** Add a host (once), optionally as a member of `group`; a port becomes `ansible_port`. */
  addHost(name: string, source: string, group?: string, port?: number): InventoryHost {
    let host = this.hosts.get(name);
    if (!host) {
      host = { name, vars: {}, origins: {}, varsFiles: [] };
      this.hosts.set(name, host);
    }
    if (group !== undefined) {
      const g = this.addGroup(group);
      if (!g.hosts.includes(name)) g.hosts.push(name);
    }
    if (port !== undefined) this.setHostVar(name, 'ansible_port', port, source);
    return host;
  }

  /** Make `child` a child group of `parent`; refuses a loop, as Ansible does. */
  addChild(parent: string, child: string): void {
    if (parent === child || this.descendants(child).has(parent)) {
      throw new InventoryShapeError(`adding group "${child}" as a child of "${parent}" creates a loop of groups`);
    }
    const p = this.addGroup(parent);
    this.addGroup(child);
    if (!p.children.includes(child)) p.children.push(child);
  }

  /** Set a group variable; `ansible_group_priority` sets the group's priority instead (as Ansible). */
  setGroupVar(group: string, key: string, value: unknown, source: string): void {
    const g = this.addGroup(group);
    if (key === 'ansible_group_priority') {
      g.priority = Number.parseInt(String(value), 10);
      return;
    }
    g.vars[key] = value;
    g.origins[key] = source;
  }

  /** Set a host variable (later settings of the same key win). */
  setHostVar(host: string, key: string, value: unknown, source: string): void {
    const h = this.addHost(host, source);
    h.vars[key] = value;
    h.origins[key] = source;
  }

  private descendants(name: string): Set<string> {
    const seen = new Set<string>();
    const walk = (n: string) => {
      for (const c of this.groups.get(n)?.children ?? []) {
        if (!seen.has(c)) {
          seen.add(c);
          walk(c);
        }
      }
    };
    walk(name);
    return seen;
  }

  /** Apply Ansible's reconciliation and return the finished inventory. */
  finish(): Inventory {
    const hasParent = new Set<string>();
    for (const g of this.groups.values()) for (const c of g.children) hasParent.add(c);
    for (const g of this.groups.values()) {
      if (g.name !== 'all' && !hasParent.has(g.name)) this.addChild('all', g.name);
    }
    const ungrouped = this.groups.get('ungrouped')!;
    const memberOf = directGroupsByHost(this.groups);
    for (const host of this.hosts.keys()) {
      const mine = memberOf.get(host) ?? new Set<string>();
      // A direct member of any group but all/ungrouped is grouped (ancestors add nothing to that test).
      const grouped = [...mine].some((g) => g !== 'all' && g !== 'ungrouped');
      if (mine.has('ungrouped') && grouped) ungrouped.hosts = ungrouped.hosts.filter((h) => h !== host);
      else if (!grouped && !mine.has('ungrouped')) ungrouped.hosts.push(host);
    }
    return { hosts: this.hosts, groups: this.groups, sources: this.sources };
  }
}

/** Host name -> groups that list it directly. */
function directGroupsByHost(groups: Map<string, InventoryGroup>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const g of groups.values()) {
    for (const h of g.hosts) {
      let set = out.get(h);
      if (!set) out.set(h, (set = new Set()));
      set.add(g.name);
    }
  }
  return out;
}
