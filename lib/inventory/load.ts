/**
 * Reading inventory sources, as `-i` does in Ansible: a file (YAML, JSON or INI, detected like
 * Ansible: YAML when it parses as a mapping, INI otherwise), a folder of such files, or a host
 * list (`web1,web2,`). Several sources merge in order into one inventory; then `group_vars/` and
 * `host_vars/` beside each source are attached.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { ValidationError } from '../core/errors.ts';
import { InventoryBuilder } from './builder.ts';
import { parseAddress } from './hostnames.ts';
import { applyIni } from './ini-format.ts';
import { applyInventoryScript, isInventoryScript } from './script-format.ts';
import type { Inventory } from './inventory-types.ts';
import { loadVarsFor } from './vars-files.ts';
import { applyInventoryObject, inventoryError, readYaml } from './yaml-format.ts';
import { isVaultText } from '../vault/cipher.ts';
import { Vault } from '../vault/vault.ts';

/** An inventory given as data (a TypeScript object in Ansible's YAML shape) rather than a file. */
export interface InventoryData {
  /** Name used in error messages, e.g. `playbooks/cluster.ts inventory`. */
  name: string;
  data: unknown;
}

/** One `-i` value: a path, a host list (`a,b,`) or an object. */
export type InventorySource = string | InventoryData;

// Files Ansible skips in an inventory folder (INVENTORY_IGNORE_EXTS), and folders it never parses.
const IGNORED_EXTS = ['.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst', '.orig', '.ini', '.cfg', '.retry'];
const IGNORED_NAMES = /^(?:\..*|host_vars|group_vars|vars_plugins)$/;

/** Options of {@link loadInventory}. */
export interface LoadInventoryOptions {
  /** Vault passwords for encrypted files and inline `!vault` values (none by default). */
  vault?: Vault;
}

/**
 * Read and merge inventory sources (later sources add hosts, groups and variables to earlier ones).
 * Throws a {@link ValidationError} naming the file, the path inside it and the line.
 */
export function loadInventory(sources: InventorySource[], options: LoadInventoryOptions = {}): Inventory {
  const vault = options.vault ?? new Vault();
  const builder = new InventoryBuilder();
  const varsDirs: (string | undefined)[] = [];
  for (const source of sources) {
    if (typeof source !== 'string') {
      builder.sources.push(source.name);
      varsDirs.push(undefined);
      applyInventoryObject(source.data, source.name, builder);
      continue;
    }
    builder.sources.push(source);
    const kind = statKind(source);
    if (kind === 'file') {
      parseFile(source, builder, true, vault);
      varsDirs.push(dirname(source));
    } else if (kind === 'dir') {
      parseDir(source, builder, vault);
      varsDirs.push(source);
    } else if (source.includes(',')) {
      addHostList(source, builder);
      varsDirs.push(undefined);
    } else {
      throw new ValidationError(`${source}: inventory source not found (give a file, a folder or a host list like "web1,web2,")`, { source });
    }
  }
  const inventory = builder.finish();
  attachVarsFiles(inventory, varsDirs, vault);
  return inventory;
}

/** Build an inventory from an object in Ansible's YAML shape (or `ansible-inventory --list` shape). */
export function inventoryFromObject(data: unknown, source = 'inventory object'): Inventory {
  return loadInventory([{ name: source, data }]);
}

function statKind(path: string): 'file' | 'dir' | undefined {
  try {
    const s = statSync(path);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

/** Parse one inventory file, choosing the format like Ansible's yaml-then-ini plugin order. */
export function parseFile(file: string, builder: InventoryBuilder, given = true, vault: Vault = new Vault()): void {
  // Ansible's script plugin comes before yaml and ini: an executable file is run, not read.
  if (isInventoryScript(file)) return applyInventoryScript(file, builder);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new ValidationError(`${file}: cannot read inventory: ${(error as Error).message}`, { source: file });
  }
  // A binary file would otherwise be read as INI, with NULs in host names.
  if (bytes.includes(0))
    throw new ValidationError(`${file}: is a binary file (it contains NUL bytes), not an inventory: give a YAML, JSON or INI file`, { source: file });
  let text = bytes.toString('utf8');
  if (text.includes('�') && !Buffer.from(text, 'utf8').equals(bytes)) {
    throw new ValidationError(
      `${file}: is not UTF-8 text (line ${text.slice(0, text.indexOf('�')).split('\n').length}): save the inventory as UTF-8`,
      { source: file },
    );
  }
  // An inventory given by name that holds nothing is a mistake (a truncated or wrong file), not "no hosts".
  if (given && text.trim() === '')
    throw new ValidationError(`${file}: the inventory file is empty: give hosts in YAML, JSON or INI`, { source: file });
  // An inventory file encrypted as a whole is decrypted first, whatever its format (as Ansible's loader).
  const encrypted = isVaultText(text);
  if (encrypted) text = vault.decryptFile(text, file);
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return parseJson(text, file, builder);
  // Ansible's yaml plugin only looks at .yml/.yaml/.json files and files without an extension.
  if (!['', '.yml', '.yaml'].includes(ext)) return applyIni(text, file, builder);
  const yaml = readYaml(text, file, true, vault);
  if (yaml.kind === 'mapping') {
    if (encrypted) vault.reveal(yaml.data);
    return applyInventoryObject(yaml.data, file, builder, yaml.locate);
  }
  if (yaml.kind === 'empty') {
    if (given)
      throw new ValidationError(`${file}: the inventory file holds no data (only comments): give hosts in YAML, JSON or INI`, { source: file });
    return;
  }
  if (yaml.kind === 'error' && !yaml.syntax) throw yaml.error;
  try {
    applyIni(text, file, builder);
  } catch (iniError) {
    // Both readings failed: report the one the author most likely meant.
    if (ext !== '' || looksLikeYaml(text)) {
      throw yaml.kind === 'error' ? yaml.error : inventoryError(file, undefined, 'must be a mapping of groups (YAML) or an INI inventory');
    }
    throw iniError;
  }
}

/** A `.json` inventory: JSON errors as JSON errors (with line and column), and it must be a mapping of groups. */
function parseJson(text: string, file: string, builder: InventoryBuilder): void {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    const line = at ? text.slice(0, Number(at[1])).split('\n').length : undefined;
    throw inventoryError(file, undefined, `JSON syntax error: ${message.replace(/^JSON\.parse: /, '')}`, line);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const got = Array.isArray(data) ? 'an array' : data === null ? 'null' : `a ${typeof data}`;
    throw inventoryError(file, undefined, `must be a JSON object of groups (like {"all": {"hosts": {...}}}), got ${got}`);
  }
  if (Object.keys(data).length === 0) throw inventoryError(file, undefined, 'the JSON object is empty: no groups, no hosts');
  applyInventoryObject(data, file, builder);
}

/** Whether the first meaningful line is a YAML mapping key (`all:`) or a document start. */
function looksLikeYaml(text: string): boolean {
  const first = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l && !l.startsWith('#') && !l.startsWith(';'));
  return first !== undefined && (first === '---' || first === '{' || /^[^\s=[\]]+:(\s.*)?$/.test(first));
}

function parseDir(dir: string, builder: InventoryBuilder, vault: Vault): void {
  for (const name of readdirSync(dir).sort()) {
    if (IGNORED_NAMES.test(name) || IGNORED_EXTS.some((e) => name.endsWith(e))) continue;
    const path = join(dir, name);
    const kind = statKind(path);
    if (kind === 'dir') parseDir(path, builder, vault);
    else if (kind === 'file') parseFile(path, builder, false, vault);
  }
}

/** `web1,web2:2222,` — every entry an ungrouped host, as Ansible's host_list plugin. */
function addHostList(list: string, builder: InventoryBuilder): void {
  for (const raw of list.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const parsed = parseAddress(entry);
    if (parsed?.host.includes('[')) builder.addHost(entry, list, 'ungrouped');
    else builder.addHost(parsed?.host ?? entry, list, 'ungrouped', parsed?.port);
  }
}

/** Read `group_vars/` and `host_vars/` beside each source for every group and host that exists. */
function attachVarsFiles(inventory: Inventory, varsDirs: (string | undefined)[], vault: Vault): void {
  varsDirs.forEach((dir, sourceIndex) => {
    if (dir === undefined) return;
    const groupDir = join(dir, 'group_vars');
    const hostDir = join(dir, 'host_vars');
    if (statKind(groupDir) === 'dir') {
      for (const group of inventory.groups.values()) {
        for (const f of loadVarsFor(groupDir, group.name, vault)) group.varsFiles.push({ ...f, sourceIndex });
      }
    }
    if (statKind(hostDir) === 'dir') {
      for (const host of inventory.hosts.values()) {
        for (const f of loadVarsFor(hostDir, host.name, vault)) host.varsFiles.push({ ...f, sourceIndex });
      }
    }
  });
}
