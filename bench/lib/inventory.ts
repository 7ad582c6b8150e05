/**
 * The bench's own inventories: Ansible YAML that both tools read, on the bench's own host names (the
 * harness writes groups only for its default names), with strict host key checking for both tools.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

/** A host of the bench and its address on the test bridge. */
export interface BenchHost {
  name: string;
  address: string;
}

/** What an inventory needs besides the hosts. */
export interface InventoryOptions {
  /** Group name → member names (each must be one of the hosts). */
  groups: Record<string, string[]>;
  keyPath: string;
  knownHostsPath: string;
}

/**
 * Writes an Ansible YAML inventory to `path`: every host under `all` in the given order (the order the
 * cluster roles put /etc/hosts lines in), connection variables for both tools, and the groups.
 */
export function writeInventory(path: string, hosts: readonly BenchHost[], options: InventoryOptions): string {
  const known = new Set(hosts.map((h) => h.name));
  for (const [group, members] of Object.entries(options.groups)) {
    const stray = members.find((m) => !known.has(m));
    if (stray) throw new Error(`bench inventory ${path}: group ${group} names ${stray}, which is not one of the bench hosts`);
  }
  const all = {
    vars: {
      ansible_user: 'root',
      ansible_ssh_private_key_file: options.keyPath,
      ansible_python_interpreter: '/usr/bin/python3',
      // Ansible's OpenSSH gets the same known_hosts hostwright gets with --known-hosts, strictly.
      ansible_ssh_common_args: `-o UserKnownHostsFile=${options.knownHostsPath} -o StrictHostKeyChecking=yes`,
    },
    hosts: Object.fromEntries(hosts.map((h) => [h.name, { ansible_host: h.address }])),
    children: Object.fromEntries(
      Object.entries(options.groups).map(([g, members]) => [g, { hosts: Object.fromEntries(members.map((m) => [m, null])) }]),
    ),
  };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '# Written by bench/run.ts for one bench run.\n' + stringify({ all }, { nullStr: '' }));
  return path;
}
