/**
 * The engine's narrow view of an inventory: names, patterns, variables, groups and how to connect.
 * The inventory module provides the real one; tests and library users can pass their own.
 */

import type { ConnectionSettings } from '../transport/index.ts';

export type { ConnectionSettings };

/** What the runner needs from an inventory. */
export interface InventoryView {
  /** Every host name, in inventory order. */
  hostNames(): string[];
  /** Hosts matching an Ansible host pattern, in inventory order; [] when nothing matches. */
  select(pattern: string): string[];
  /** The host's merged inventory variables (all < groups < group_vars < host < host_vars). */
  varsOf(host: string): Record<string, unknown>;
  /** Optional: the same variables as named layers, lowest first, so errors can say which file a value came from. */
  varLayersOf?(host: string): { source: string; vars: Record<string, unknown> }[];
  /** Group name → member hosts (transitively), `all` included. */
  groups(): Record<string, string[]>;
  /** Groups the host belongs to (without `all`). */
  groupNamesOf(host: string): string[];
  /** Connection settings of a host. */
  connectionOf(host: string): ConnectionSettings;
}
