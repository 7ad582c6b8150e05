/**
 * How long the bench's test hosts take to start all at once, and how much memory they use once up:
 * the sum of the proportional set size (PSS: shared pages split between the processes sharing them) of
 * every process in the hosts' cgroups (hostwright/<name>), and the machine's MemAvailable before and after.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testHosts } from '../../test/hosts/index.ts';
import type { BenchContext } from './context.ts';

/** What starting the hosts cost. */
export interface HostBoot {
  hosts: number;
  /** Wall time from the call until every host answered SSH and its systemd said running/degraded. */
  startS: number;
  /** Sum of PSS of all the hosts' processes, once all were up (MiB). */
  pssMiB: number;
  /** PSS per host (MiB). */
  pssPerHostMiB: number;
  /** Processes in the hosts' cgroups. */
  processes: number;
  /** The machine's MemAvailable before the start minus after it (MiB): PSS plus kernel memory, page cache. */
  memAvailableDropMiB: number;
  /** Wall time to stop them all (s; 0 when they were left running for the next part). */
  stopS: number;
}

const memAvailableKiB = (): number => Number(/MemAvailable:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);

/** Pids of every process in a host's cgroup tree (name=systemd hierarchy). */
function hostPids(name: string): number[] {
  const pids: number[] = [];
  const walk = (dir: string) => {
    try {
      for (const line of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) if (line) pids.push(Number(line));
      for (const d of readdirSync(dir, { withFileTypes: true })) if (d.isDirectory()) walk(join(dir, d.name));
    } catch {
      /* gone */
    }
  };
  for (const root of ['/sys/fs/cgroup/systemd/hostwright', '/sys/fs/cgroup/unified/hostwright', '/sys/fs/cgroup/hostwright']) {
    if (existsSync(join(root, name))) {
      walk(join(root, name));
      break;
    }
  }
  return [...new Set(pids)];
}

/** PSS of one process in KiB (0 when it is gone). */
function pssKiB(pid: number): number {
  try {
    return Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Memory of running hosts: PSS sum and process count. */
export function hostsMemory(names: readonly string[]): { pssMiB: number; processes: number } {
  let kib = 0;
  let processes = 0;
  for (const name of names) {
    for (const pid of hostPids(name)) {
      kib += pssKiB(pid);
      processes++;
    }
  }
  return { pssMiB: Math.round(kib / 1024), processes };
}

/** Starts `names` fresh all at once, measures, and stops them (unless `keep`). */
export async function measureHostBoot(ctx: BenchContext, names: string[], keep = false): Promise<HostBoot> {
  ctx.log(`hosts: starting ${names.length} hosts at once (${names[0]} … ${names[names.length - 1]})`);
  // Built and set up first, and none of them running (not timed): the build happens once per cache.
  const th = await testHosts({ names: names.slice(0, 1) });
  await th.stop(names);
  const before = memAvailableKiB();
  const started = performance.now();
  const all = await testHosts({ names });
  const startS = (performance.now() - started) / 1000;
  // Let the last hosts' boot-time services settle before reading memory.
  await new Promise((r) => setTimeout(r, 3000));
  const mem = hostsMemory(names);
  const drop = Math.round((before - memAvailableKiB()) / 1024);
  const stopAt = performance.now();
  if (!keep) await all.stop(names);
  const boot: HostBoot = {
    hosts: names.length,
    startS: Math.round(startS * 10) / 10,
    pssMiB: mem.pssMiB,
    pssPerHostMiB: Math.round((mem.pssMiB / names.length) * 10) / 10,
    processes: mem.processes,
    memAvailableDropMiB: drop,
    stopS: keep ? 0 : Math.round(((performance.now() - stopAt) / 1000) * 10) / 10,
  };
  ctx.log(
    `  ${boot.hosts} hosts up in ${boot.startS} s; PSS ${boot.pssMiB} MiB (${boot.pssPerHostMiB} MiB/host, ${boot.processes} processes), MemAvailable −${boot.memAvailableDropMiB} MiB${keep ? '' : `; stopped in ${boot.stopS} s`}`,
  );
  return boot;
}
