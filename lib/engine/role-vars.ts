/**
 * Typed role variables: before any host is touched, each host's final variables are checked against
 * the role's schema, so a wrong type from the inventory or `-e` is refused naming the variable and its source.
 */
import type { Role } from '../play/define.ts';
import { checkVarTypes } from '../vars/index.ts';
import { buildHostVars, materialize, type VarLayers } from './host-vars-view.ts';
import type { InventoryView } from './inventory-view.ts';

/**
 * Returns an error message naming host, role, variable and origin, or undefined when the types hold.
 * Extra vars given as strings (`-e port=2379`) that the schema reads as numbers or booleans are converted
 * in place in `layers.extra`, so tasks see the declared types.
 */
export function checkRoleVars(role: Role, inventory: InventoryView, host: string, layers: VarLayers): string | undefined {
  if (!role.varsSchema) return undefined;
  const { view, origins } = buildHostVars(inventory, host, layers, { playHosts: [host], check: false, hostvars: () => ({}) });
  let vars: Record<string, unknown>;
  try {
    vars = materialize(view.vars);
  } catch (error) {
    return `${host}: role ${role.name}: ${(error as Error).message}`;
  }
  try {
    const converted = checkVarTypes(role.varsSchema, vars, origins);
    for (const key of Object.keys(layers.extra)) if (key in converted && origins[key]?.startsWith('extra')) layers.extra[key] = converted[key];
  } catch (error) {
    return `${host}: role ${role.name}: ${(error as Error).message}`;
  }
  return undefined;
}
