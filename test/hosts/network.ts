/**
 * The machine-side setup shared by all hosts: the private bridge hw-br0 with 10.77.0.1/24 and the
 * tmpfs on /run/systemd/nspawn that nspawn needs here (/run is on disk). Never touches ip_forward.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { BRIDGE, BRIDGE_ADDRESS } from './paths.ts';
import { run, runOk } from './proc.ts';

/** Creates hw-br0 with the machine's address when missing, and brings it up. */
export async function ensureBridge(): Promise<void> {
  if ((await run('ip', ['link', 'show', 'dev', BRIDGE])).code !== 0) {
    const add = await run('ip', ['link', 'add', 'name', BRIDGE, 'type', 'bridge']);
    if (add.code !== 0 && !add.stderr.includes('File exists')) {
      throw new Error(`test hosts: cannot create bridge ${BRIDGE}: ${add.stderr.trim()}`);
    }
  }
  const addr = await runOk('bridge address check', 'ip', ['-4', '-o', 'addr', 'show', 'dev', BRIDGE]);
  if (!addr.stdout.includes(` ${BRIDGE_ADDRESS}/`)) {
    await runOk(`adding ${BRIDGE_ADDRESS}/24 to ${BRIDGE}`, 'ip', ['addr', 'add', `${BRIDGE_ADDRESS}/24`, 'dev', BRIDGE]);
  }
  await runOk(`bringing ${BRIDGE} up`, 'ip', ['link', 'set', 'dev', BRIDGE, 'up']);
}

/** nspawn refuses to work below /run/systemd/nspawn when it is on disk: mount a tmpfs there once. */
export async function ensureNspawnTmpfs(): Promise<void> {
  const dir = '/run/systemd/nspawn';
  if ((await run('mountpoint', ['-q', dir])).code === 0) return;
  mkdirSync(dir, { recursive: true });
  await runOk(`mounting a tmpfs on ${dir}`, 'mount', ['-t', 'tmpfs', '-o', 'mode=0755', 'hostwright-nspawn', dir]);
}

/**
 * Every host's systemd takes several inotify instances, all counted against root of the machine:
 * with the default 128, hosts beyond about 20 hang at boot ("Failed to create inotify object: Too
 * many open files"). Raise (never lower) the two inotify limits; nothing else on the machine changes.
 */
export async function ensureInotifyLimits(): Promise<void> {
  const wanted: Record<string, number> = { max_user_instances: 8192, max_user_watches: 1048576 };
  for (const [key, min] of Object.entries(wanted)) {
    const path = `/proc/sys/fs/inotify/${key}`;
    let current = 0;
    try {
      current = Number(readFileSync(path, 'utf8'));
    } catch {
      continue;
    }
    if (current < min) {
      try {
        writeFileSync(path, String(min));
      } catch (err) {
        throw new Error(`test hosts: cannot raise fs.inotify.${key} to ${min} (many hosts need it): ${(err as Error).message}`);
      }
    }
  }
}
