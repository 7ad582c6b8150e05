/**
 * `hostwright inventory -i FILE --list | --graph [GROUP] | --host NAME`, as `ansible-inventory` prints
 * them: `--list` and `--host` as JSON with 4-space indentation and sorted keys, `--graph` as the tree.
 */
import { HostwrightError } from '../core/errors.ts';
import { hostVars, loadInventory, toAnsibleList, toGraph } from '../inventory/index.ts';
import { vaultFromOptions } from '../vault/options.ts';
import type { Vault } from '../vault/vault.ts';
import { loadAnsibleConfig } from '../config/ansible-cfg.ts';
import { badInput, parseCommandLine } from './parse.ts';
import { inventoryUsage } from './help.ts';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
  );
}

/** JSON as Python's json.dumps(indent=4) writes it: `Infinity`, `-Infinity` and `NaN` stay numbers. */
export function pythonJson(value: unknown): string {
  const mark = '\u0000py:';
  const text = JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? `${mark}${v}` : v), 4);
  return text.replace(/"\\u0000py:(-?Infinity|NaN)"/g, '$1');
}

/** Inline `!vault` values print as ansible-inventory prints them: `{"__ansible_vault": "<vault text>"}`. */
function lockInline(value: unknown, vault: Vault): unknown {
  if (typeof value === 'string') {
    const text = vault.inline.get(value);
    return text === undefined ? value : { __ansible_vault: text };
  }
  if (Array.isArray(value)) return value.map((v) => lockInline(v, vault));
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, lockInline(v, vault)]));
}

/** Run `hostwright inventory ...`; return the exit code. */
export async function inventoryMain(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const fail = badInput(err);
  const USAGE = inventoryUsage();
  const parsed = parseCommandLine('inventory', argv, { helpCommand: 'hostwright inventory' });
  if ('error' in parsed) return fail(parsed.error);
  const { values, positionals } = parsed;
  if (values.help) {
    out.write(USAGE + '\n');
    return 0;
  }
  const modes = (['list', 'graph', 'host'] as const).filter((m) => values[m] !== undefined);
  if (modes.length !== 1) return fail(`give exactly one of --list, --graph, --host\n${USAGE}`);
  if (positionals.length > (values.graph ? 1 : 0)) return fail(`unexpected ${positionals.map((p) => JSON.stringify(p)).join(' ')}\n${USAGE}`);
  try {
    // ansible.cfg / ANSIBLE_* give the inventory and vault passwords when the command line does not.
    const config = loadAnsibleConfig();
    if (config.file) err.write(`Using ${config.file} as config file\n`);
    if (!values.inventory?.length && config.settings.inventory?.length) values.inventory = config.settings.inventory;
    if (!values.inventory?.length) return fail('no inventory given: pass one with -i');
    const vaultConfig = { identityList: config.settings.vaultIdentityList, passwordFile: config.settings.vaultPasswordFile };
    // Like ansible-inventory: inline vault values need no password to be listed (whole files do).
    const vault = await vaultFromOptions(values, { keepLocked: true, config: vaultConfig, env: {} });
    const inv = loadInventory(values.inventory, { vault });
    if (values.list) out.write(pythonJson(lockInline(toAnsibleList(inv), vault)) + '\n');
    else if (values.graph) {
      const group = positionals[0] ?? 'all';
      if (!inv.groups.has(group)) return fail(`no group "${group}" in the inventory; groups: ${[...inv.groups.keys()].join(', ')}`);
      out.write(toGraph(inv, group) + '\n');
    } else {
      const host = values.host!;
      if (!inv.hosts.has(host)) return fail(`no host "${host}" in the inventory; hosts: ${[...inv.hosts.keys()].join(', ')}`);
      out.write(pythonJson(lockInline(sortKeys(hostVars(inv, host)), vault)) + '\n');
    }
    return 0;
  } catch (error) {
    if (error instanceof HostwrightError) return fail(error.message);
    throw error;
  }
}
