/**
 * The resolved inventory: plain data, built before the first connection. Groups and hosts keep
 * the order in which the inventory sources named them (Ansible's "inventory order").
 */

/** Variables read from one `group_vars/` or `host_vars/` file. */
export interface VarsFile {
  /** The file, as a path relative to the working directory when possible. */
  file: string;
  /** Index of the inventory source whose folder held the file (decides precedence across `-i`). */
  sourceIndex: number;
  vars: Record<string, unknown>;
}

/** A host as the inventory defines it. */
export interface InventoryHost {
  name: string;
  /** The host's own inline variables from the inventory files (not group vars, not `host_vars/`). */
  vars: Record<string, unknown>;
  /** For each inline variable, the inventory file that set it last. */
  origins: Record<string, string>;
  /** `host_vars/<host>` files beside the inventory sources, in load order. */
  varsFiles: VarsFile[];
}

/** A group as the inventory defines it. `all` and `ungrouped` always exist. */
export interface InventoryGroup {
  name: string;
  /** Direct member hosts, in inventory order. */
  hosts: string[];
  /** Direct child groups, in inventory order. */
  children: string[];
  /** The group's inline variables from the inventory files (`vars:`, `[group:vars]`). */
  vars: Record<string, unknown>;
  /** For each inline variable, the inventory file that set it last. */
  origins: Record<string, string>;
  /** `group_vars/<group>` files beside the inventory sources, in load order. */
  varsFiles: VarsFile[];
  /** `ansible_group_priority` (default 1): among groups of the same depth, higher wins. */
  priority: number;
}

/** A whole inventory, possibly merged from several sources. */
export interface Inventory {
  /** Every host, in inventory order. */
  hosts: Map<string, InventoryHost>;
  /** Every group, in the order they were first named; `all` and `ungrouped` first. */
  groups: Map<string, InventoryGroup>;
  /** The sources it was read from (files, folders, host lists), in order. */
  sources: string[];
}
