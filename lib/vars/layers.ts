/**
 * Variable layering: later layers override earlier ones key by key (Ansible's default
 * `hash_behaviour=replace`: a dict value replaces the whole dict), and the source of each final
 * value is remembered so that errors can say where a bad value came from.
 *
 * The full order, lowest first (see {@link PRECEDENCE}): role defaults < inventory `all` < inventory
 * groups < `group_vars/` < inventory host < `host_vars/` < play vars < registered results < extra vars.
 * `hostVarLayers()` from the inventory module supplies the inventory part, already in order.
 */
import type { VarLayer } from '../inventory/host-var-layers.ts';

export type { VarLayer };

/** The precedence levels, lowest first, as documented. */
export const PRECEDENCE = [
  'role defaults',
  'inventory all',
  'inventory groups',
  'group_vars/',
  'inventory host',
  'host_vars/',
  'play vars',
  'registered results',
  'extra vars (-e)',
] as const;

/** Final variables and, for each, the source of the layer that set it. */
export interface LayeredVars {
  vars: Record<string, unknown>;
  /** Variable name -> source of its final value (`-e`, `group_vars/all.yml`, `role etcd defaults`, ...). */
  origins: Record<string, string>;
}

/** Merge layers, lowest precedence first; records the origin of every final value. */
export function layerVars(layers: readonly VarLayer[]): LayeredVars {
  const vars: Record<string, unknown> = {};
  const origins: Record<string, string> = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer.vars)) {
      vars[k] = v;
      origins[k] = layer.source;
    }
  }
  return { vars, origins };
}

/** The layers of a host's variables in the documented order, from their parts. */
export function precedenceLayers(parts: {
  roleDefaults?: VarLayer[];
  /** From `hostVarLayers(inventory, host)`: all < groups < group_vars < host < host_vars. */
  inventory?: VarLayer[];
  play?: VarLayer[];
  registered?: VarLayer[];
  extra?: VarLayer[];
}): VarLayer[] {
  return [...(parts.roleDefaults ?? []), ...(parts.inventory ?? []), ...(parts.play ?? []), ...(parts.registered ?? []), ...(parts.extra ?? [])];
}
