/**
 * Inventories: Ansible YAML/JSON/INI files, folders and host lists, or plain objects; host patterns;
 * merged host variables; connection settings; `ansible-inventory`-style listings.
 */
export type { Inventory, InventoryGroup, InventoryHost, VarsFile } from './inventory-types.ts';
export { loadInventory, inventoryFromObject, type InventoryData, type InventorySource } from './load.ts';
export { hostVars, hostVarLayers, groupNames, groupHosts, groupsMap, type VarLayer } from './host-var-layers.ts';
export { selectHosts, splitPattern, type SelectOptions } from './patterns.ts';
export { connectionVars, toBoolean, type ConnectionVars } from './connection.ts';
export { toAnsibleList, toGraph, type AnsibleList, type AnsibleListGroup } from './export.ts';
export { expandHostEntry, expandRanges } from './hostnames.ts';
export { TYPED_VARS } from './schema.ts';
