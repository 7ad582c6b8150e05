/**
 * Real test hosts for the end-to-end tests: systemd-nspawn containers booted with systemd, sshd,
 * a local yum repo of CentOS-7-shaped test RPMs and a local apt repo, on the private bridge hw-br0.
 *
 *   const hosts = await testHosts();            // starts master, node1, node2 or reuses them
 *   hosts.inventoryPath / knownHostsPath / keyPath
 *   await hosts.exec('master', 'rpm -q etcd');  // assertions only; the code under test uses SSH
 *   await hosts.reset(['node1']);               // back to a fresh host
 */
import { readdirSync } from 'node:fs';
import { ensureBuilt, ensureKey, log, type Build } from './build.ts';
import { execIn } from './container.ts';
import { bootFresh, ensureHostKey, hostState, kill, waitReady } from './machine.ts';
import { ensureBridge, ensureInotifyLimits, ensureNspawnTmpfs } from './network.ts';
import { allocateAddresses, knownAddresses, writeHostsJson, writeInventory, writeKnownHosts } from './outputs.ts';
import { checkNames, DEFAULT_NAMES, HOSTS_CACHE_DIR, KEY_PATH, KNOWN_HOSTS_PATH } from './paths.ts';
import { ensurePrerequisites } from './prereq.ts';
import { withLock } from './lock.ts';
import type { RunResult } from './proc.ts';

/** A set of running test hosts and what is needed to reach them. */
export interface TestHosts {
  /** The hosts of this set, in the order asked for. */
  hosts: { name: string; address: string }[];
  /**
   * Ansible YAML inventory of this set (root, key file; groups etcd/masters/nodes when master and node*
   * are in it): .cache/state/inventory.yml for the default names, inventory-<names>.yml otherwise.
   */
  inventoryPath: string;
  /** known_hosts with every host's ed25519 key, by address and by name. */
  knownHostsPath: string;
  /** Private key accepted by root and by `deploy` (whose sudo needs the password `deploy-sudo`). */
  keyPath: string;
  /** Returns hosts (default: all of this set) to the fresh state: kill, drop the upper layer, boot. */
  reset(names?: string[]): Promise<void>;
  /** Stops hosts (default: all of this set). */
  stop(names?: string[]): Promise<void>;
  /** Starts hosts that are not running (fresh), reusing running ones (default: all of this set). */
  start(names?: string[]): Promise<void>;
  /** Runs `sh -c command` as root inside a host through nsenter (for test assertions only). */
  exec(name: string, command: string): Promise<RunResult>;
}

/** Names of hosts this harness has a directory for (started at some point). */
export function knownHostNames(): string[] {
  try {
    return readdirSync(HOSTS_CACHE_DIR).sort();
  } catch {
    return [];
  }
}

/** Names of hosts that are running now. */
export function runningHostNames(): string[] {
  return knownHostNames().filter((n) => hostState(n).running);
}

async function stopHosts(names: readonly string[]): Promise<void> {
  await Promise.all(names.map((n) => kill(n)));
}

/** Stops every running host of this harness (used before a rebuild and by `cli.ts down`). */
export async function stopAll(): Promise<void> {
  await withLock(() => stopHosts(knownHostNames()));
}

async function refreshKnownHosts(): Promise<void> {
  const addresses = knownAddresses();
  const entries = [];
  for (const name of knownHostNames()) {
    if (addresses[name]) entries.push({ name, address: addresses[name], hostKey: await ensureHostKey(name) });
  }
  writeKnownHosts(entries);
}

/** Starts (fresh) or reuses the named hosts and waits until all are ready. Call under the lock. */
async function startHosts(names: readonly string[], build: Build, reset: boolean): Promise<void> {
  const addresses = allocateAddresses(names);
  for (const name of names) await ensureHostKey(name);
  await refreshKnownHosts();
  const boot: string[] = [];
  for (const name of names) {
    const state = hostState(name);
    if (reset || !state.running || state.buildId !== build.id) boot.push(name);
  }
  if (boot.length) {
    await stopHosts(boot);
    await Promise.all(boot.map((n) => bootFresh(n, addresses.get(n)!, build)));
  }
  // Booting many hosts at once on two cores takes longer: allow for it.
  const timeout = 60_000 + 3_000 * boot.length;
  await Promise.all(names.map((n) => waitReady(n, addresses.get(n)!, timeout)));
}

/**
 * Starts the test hosts (default `master`, `node1`, `node2`) or reuses running ones, building the
 * rootfs and repos first when missing or out of date; writes inventory.yml and known_hosts.
 * Throws a clear error where hosts cannot run (not root, no systemd-nspawn after installing it).
 */
export async function testHosts(options: { names?: string[] } = {}): Promise<TestHosts> {
  const names = [...(options.names ?? DEFAULT_NAMES)];
  checkNames(names);
  if (names.length === 0) throw new Error('test hosts: no host names given');
  await ensurePrerequisites();
  let build!: Build;
  const { list: hosts, inventoryPath } = await withLock(async () => {
    await ensureKey();
    build = await ensureBuilt(async () => {
      const running = runningHostNames();
      if (running.length) log(`stopping ${running.join(', ')}: their build is out of date`);
      await stopHosts(knownHostNames());
    });
    await ensureNspawnTmpfs();
    await ensureBridge();
    await ensureInotifyLimits();
    await startHosts(names, build, false);
    const addresses = allocateAddresses(names);
    const list = names.map((name) => ({ name, address: addresses.get(name)! }));
    const inventoryPath = writeInventory(list);
    writeHostsJson(list, inventoryPath);
    return { list, inventoryPath };
  });
  const pick = (subset?: string[]) => {
    const chosen = subset ?? names;
    checkNames(chosen);
    return chosen;
  };
  return {
    hosts,
    inventoryPath,
    knownHostsPath: KNOWN_HOSTS_PATH,
    keyPath: KEY_PATH,
    reset: (subset) => withLock(() => startHosts(pick(subset), build, true)),
    stop: (subset) => withLock(() => stopHosts(pick(subset))),
    start: (subset) => withLock(() => startHosts(pick(subset), build, false)),
    exec: (name, command) => execIn(name, command),
  };
}
