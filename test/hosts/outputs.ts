/**
 * Files other tools read: stable addresses per host name (addresses.json), the Ansible YAML
 * inventory and known_hosts with each host's real ed25519 key by address and by name.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { DEFAULT_NAMES, FIRST_HOST_OCTET, INVENTORY_PATH, KEY_PATH, KNOWN_HOSTS_PATH, LAST_HOST_OCTET, NETWORK_PREFIX, STATE_DIR } from './paths.ts';

const ADDRESSES = join(STATE_DIR, 'addresses.json');

function readAddresses(): Record<string, string> {
  try {
    return JSON.parse(readFileSync(ADDRESSES, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

/**
 * Addresses for these names: master .11, node1 .12, node2 .13, other names the next free address,
 * remembered in addresses.json so a name keeps its address. Call under the harness lock.
 */
export function allocateAddresses(names: readonly string[]): Map<string, string> {
  const map = readAddresses();
  DEFAULT_NAMES.forEach((n, i) => {
    map[n] ??= NETWORK_PREFIX + (FIRST_HOST_OCTET + i);
  });
  const used = new Set(Object.values(map));
  for (const name of names) {
    if (map[name]) continue;
    let octet = FIRST_HOST_OCTET;
    while (used.has(NETWORK_PREFIX + octet) && octet <= LAST_HOST_OCTET) octet++;
    if (octet > LAST_HOST_OCTET) throw new Error(`test hosts: no free address left in ${NETWORK_PREFIX}0/24 for ${name} (see ${ADDRESSES})`);
    map[name] = NETWORK_PREFIX + octet;
    used.add(map[name]);
  }
  mkdirSync(STATE_DIR, { recursive: true });
  writeFileSync(ADDRESSES, JSON.stringify(map, null, 1) + '\n');
  return new Map(names.map((n) => [n, map[n]]));
}

/**
 * Where the inventory of a host set goes: inventory.yml for the default set (master, node1, node2),
 * inventory-<names>.yml for any other set, so that suites using other hosts do not overwrite it.
 */
export function inventoryPathFor(names: readonly string[]): string {
  if (names.join(',') === DEFAULT_NAMES.join(',')) return INVENTORY_PATH;
  const id = names.length <= 4 ? names.join('-') : createHash('sha256').update(names.join(',')).digest('hex').slice(0, 12);
  return join(STATE_DIR, `inventory-${id}.yml`);
}

/**
 * Writes the Ansible YAML inventory (path from {@link inventoryPathFor}) and returns its path: every host under `all` with ansible_host, ansible_user: root and
 * ansible_ssh_private_key_file; when `master` and node hosts are present, groups etcd and masters
 * (= master) and nodes (= node*), the seed cluster's layout.
 */
export function writeInventory(hosts: readonly { name: string; address: string }[]): string {
  const all: Record<string, unknown> = {
    hosts: Object.fromEntries(
      hosts.map((h) => [
        h.name,
        {
          ansible_host: h.address,
          ansible_user: 'root',
          ansible_ssh_private_key_file: KEY_PATH,
        },
      ]),
    ),
  };
  const names = hosts.map((h) => h.name);
  const nodes = names.filter((n) => /^node\d+$/.test(n));
  if (names.includes('master') && nodes.length) {
    const group = (members: string[]) => ({ hosts: Object.fromEntries(members.map((m) => [m, null])) });
    all.children = { etcd: group(['master']), masters: group(['master']), nodes: group(nodes) };
  }
  mkdirSync(STATE_DIR, { recursive: true });
  const path = inventoryPathFor(names);
  writeFileSync(path, '# Written by test/hosts (hostwright test hosts); regenerated on every start.\n' + stringify({ all }, { nullStr: '' }));
  return path;
}

/** Writes hosts.json (default set) or hosts-<names>.json: hosts and the three paths, for tools not written in TypeScript. */
export function writeHostsJson(hosts: readonly { name: string; address: string }[], inventoryPath: string): void {
  const file = inventoryPath.replace(/inventory(-[^/]*)?\.yml$/, (_m, id: string | undefined) => `hosts${id ?? ''}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        hosts,
        inventoryPath,
        knownHostsPath: KNOWN_HOSTS_PATH,
        keyPath: KEY_PATH,
      },
      null,
      1,
    ) + '\n',
  );
}

/** Writes known_hosts: `name,address ssh-ed25519 KEY` for every host whose key is known. */
export function writeKnownHosts(entries: readonly { name: string; address: string; hostKey: string }[]): void {
  mkdirSync(STATE_DIR, { recursive: true });
  writeFileSync(KNOWN_HOSTS_PATH, entries.map((e) => `${e.name},${e.address} ${e.hostKey}\n`).join(''));
}

/** Addresses known from earlier starts (for status and known_hosts). */
export function knownAddresses(): Record<string, string> {
  return readAddresses();
}
