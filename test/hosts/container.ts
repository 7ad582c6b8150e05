/**
 * Finding a running host's processes and running commands inside it: the supervisor and nspawn pid
 * files, the container's PID 1 (found below nspawn by its NSpid), and nsenter into its namespaces.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOSTS_CACHE_DIR } from './paths.ts';
import { alive, run, type RunResult } from './proc.ts';

/** The per-host cache directory. */
export const hostDir = (name: string) => join(HOSTS_CACHE_DIR, name);

/** Reads a pid file of a host ('supervisor' or 'nspawn'); undefined when absent or dead. */
export function livePid(name: string, which: 'supervisor' | 'nspawn'): number | undefined {
  try {
    const pid = Number(readFileSync(join(hostDir(name), `${which}.pid`), 'utf8'));
    if (!alive(pid)) return undefined;
    // Guard against a recycled pid: the process must still be the supervisor / nspawn of this host.
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const ours =
      which === 'supervisor'
        ? cmdline.includes(`supervise.sh\0${name}\0`)
        : cmdline.includes('systemd-nspawn') && cmdline.includes(`--machine=${name}\0`);
    return ours ? pid : undefined;
  } catch {
    return undefined;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    /* gone */
  }
  return out;
}

function isNamespaceInit(pid: number): boolean {
  try {
    const line = /^NSpid:\s+(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    const ids = line ? line[1].trim().split(/\s+/) : [];
    return ids.length >= 2 && ids[ids.length - 1] === '1';
  } catch {
    return false;
  }
}

/** The host's PID 1 (systemd) as seen from the machine, searched a few levels below nspawn. */
export function containerInit(name: string): number | undefined {
  const nspawn = livePid(name, 'nspawn');
  if (!nspawn) return undefined;
  let level = [nspawn];
  for (let depth = 0; depth < 3 && level.length; depth++) {
    const next = level.flatMap(childrenOf);
    const init = next.find(isNamespaceInit);
    if (init) return init;
    level = next;
  }
  return undefined;
}

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Runs `/bin/sh -c command` as root inside a host (all of its namespaces, clean environment).
 * For test assertions only: the code under test goes through SSH.
 */
export async function execIn(name: string, command: string, timeoutMs = 120_000): Promise<RunResult> {
  const init = containerInit(name);
  if (!init) throw new Error(`test hosts: host ${name} is not running (no container PID 1 found); start it first`);
  return run(
    'nsenter',
    [
      `--target=${init}`,
      '--mount',
      '--uts',
      '--ipc',
      '--net',
      '--pid',
      '--cgroup',
      '--root',
      '--wd',
      '--',
      '/usr/bin/env',
      '-i',
      `PATH=${PATH}`,
      'HOME=/root',
      'LANG=C.UTF-8',
      'TERM=dumb',
      'USER=root',
      'LOGNAME=root',
      '/bin/sh',
      '-c',
      command,
    ],
    { timeoutMs },
  );
}
