/**
 * Fixed names, paths and addresses of the test-host harness. Everything it creates lives under
 * test/hosts/.cache (gitignored), on the bridge hw-br0 (10.77.0.0/24) and in cgroups named hostwright/<host>.
 */
import { join } from 'node:path';

/** test/hosts/ (absolute, with trailing slash removed). */
export const HOSTS_DIR = new URL('.', import.meta.url).pathname.replace(/\/$/, '');
/** Build and runtime cache: rootfs, repos, keys, per-host upper layers, state. */
export const CACHE_DIR = join(HOSTS_DIR, '.cache');
/** Outputs for other tools: inventory.yml, known_hosts, addresses.json. */
export const STATE_DIR = join(CACHE_DIR, 'state');
/** One directory per host: upper/work layers, merged root, host key, pid files, console log. */
export const HOSTS_CACHE_DIR = join(CACHE_DIR, 'hosts');
/** The SSH private key (ed25519) that root and deploy accept on every host. */
export const KEY_PATH = join(CACHE_DIR, 'id_ed25519');
export const INVENTORY_PATH = join(STATE_DIR, 'inventory.yml');
export const KNOWN_HOSTS_PATH = join(STATE_DIR, 'known_hosts');
export const SCRIPTS_DIR = join(HOSTS_DIR, 'scripts');

/** The private bridge the hosts hang on, and the machine's own address on it. */
export const BRIDGE = 'hw-br0';
export const BRIDGE_ADDRESS = '10.77.0.1';
export const NETWORK_PREFIX = '10.77.0.';
/** First host address (.11); a host keeps its address for as long as the cache lives. */
export const FIRST_HOST_OCTET = 11;
export const LAST_HOST_OCTET = 254;

/** Where the per-host cgroups go under /sys/fs/cgroup/{systemd,unified}. */
export const CGROUP_PARENT = 'hostwright';

/** The default cluster: etcd + master on `master`, nodes `node1`, `node2`. */
export const DEFAULT_NAMES: readonly string[] = ['master', 'node1', 'node2'];

/**
 * Host variant by name: a host whose name starts with `yum` (`yum-master`, `yum-node1`) has only a `yum`
 * command (dnf 4 underneath, since Debian has no yum 3) and no `dnf` on PATH, like CentOS 7.
 */
export const isYumOnly = (name: string): boolean => name.startsWith('yum');

/** Hostnames the harness accepts (also nspawn machine names and interface-name suffixes). */
export const NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;

/** Throws when a host name is not usable, naming the bad name. */
export function checkNames(names: readonly string[]): void {
  for (const name of names) {
    if (!NAME_PATTERN.test(name)) {
      throw new Error(`test hosts: invalid host name ${JSON.stringify(name)} (use lower-case letters, digits, '-'; max 31)`);
    }
  }
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`test hosts: host name ${dup} given twice`);
}
