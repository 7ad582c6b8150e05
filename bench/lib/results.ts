/** The results file's types (bench/results/latest.json) and the small statistics they need. */
import type { RunStats } from '../../lib/index.ts';
import type { Profile } from './cluster.ts';
import type { HostBoot } from './host-boot.ts';
import type { Phases } from './phases.ts';
import type { FirstConnection } from './startup.ts';
import type { Tool, ToolRun } from './tools.ts';

/** Median and range of repeated timings, in milliseconds. */
export interface Timing {
  runsMs: number[];
  medianMs: number;
  minMs: number;
  maxMs: number;
}

/** One tool's side of a scenario. */
export interface ToolSide {
  timing: Timing;
  /** Changed (or would change, in check mode) host-tasks of each run. */
  changed: number[];
  /** Ansible: errors ignored in check mode; hostwright: "may change" predictions. */
  note?: string;
  /** hostwright: the counters of the median run. */
  counters?: Counters;
  /** Controller CPU time (user + system of the process tree), median over the runs (ms). */
  cpuMs?: number;
  /** Controller peak memory (sum of RSS over the process tree), largest over the runs (MiB). */
  peakTreeRssMiB?: number;
  /** hostwright: where the median run's time went (bench/lib/phases.ts). */
  phases?: Phases;
  /** Most open file descriptors of the controller's process tree at once, largest over the runs. */
  peakFds?: number;
}

/** hostwright's own counters of one run, as reported by its `stats` event. */
export interface Counters {
  hosts: number;
  hostTasks: number;
  roundTrips: number;
  roundTripsPerTask: number;
  roundTripsPerHost: number;
  bytesSent: number;
  bytesReceived: number;
  connectMs: number;
  connections: number;
  engineMs: number;
  peakRssMiB: number;
}

/** One scenario timed for both tools (or hostwright only). */
export interface Scenario {
  id: string;
  title: string;
  hosts: number;
  /** What each tool does in this scenario, in words. */
  note: string;
  hostwright: ToolSide;
  ansible?: ToolSide;
  /** Ansible median / hostwright median. */
  ratio?: number;
  /** The target for this scenario, when it has one. */
  target?: { ratio: number; met: boolean };
  /** sha256 of the state digests both tools were checked to leave (converging scenarios). */
  stateDigest?: string;
  /** The combined state digest after each labelled run ("hostwright round 1", "ansible round 1", ...). */
  stateDigests?: Record<string, string>;
}

/** A point of hostwright's growth curves (and Ansible's, on the hosts axis). */
export interface AxisPoint {
  hosts: number;
  tasksPerHost: number;
  hostwrightMs: number;
  hostwrightChangingMs?: number;
  ansibleMs?: number;
  ansibleChangingMs?: number;
  /** Controller CPU time (user + system of the process tree) of each run kind (ms). */
  hostwrightCpuMs?: number;
  hostwrightChangingCpuMs?: number;
  ansibleCpuMs?: number;
  ansibleChangingCpuMs?: number;
  /** Ansible's controller peak memory: the largest sum of RSS over its process tree (MiB). */
  ansiblePeakRssMiB?: number;
  /** hostwright's controller peak RSS, as it reports it (one process). */
  peakRssMiB: number;
  roundTripsPerTask: number;
  roundTripsPerHost: number;
  engineMs: number;
}

/** The whole results file. */
export interface BenchResults {
  version: 1;
  mode: 'full' | 'smoke';
  startedAt: string;
  durationS: number;
  machine: { cpus: number; cpuModel: string; memGiB: number; node: string; ansible: string | null };
  settings: {
    repetitions: number;
    clusterHosts: string[];
    scaleHosts: number;
    scaleTasksPerHost: number;
    tasksAxisHosts: number;
    hostwrightFrom?: 'installed' | 'sources';
  };
  scenarios: Scenario[];
  hostsAxis: AxisPoint[];
  tasksAxis: AxisPoint[];
  /** Where the time goes, measured by this run: startup in fresh processes, and bench/profile.ts. */
  startup: { nodeBareMs: number; importLibMs: number; importClusterPlaybookMs: number; importDistLibMs?: number };
  /** Start-up to the first TCP connection to a host, per way of starting (see startup.ts). */
  firstConnection?: FirstConnection[];
  profiles: Record<string, Profile>;
  /** Starting the scale hosts all at once (time, memory). */
  hostBoot?: HostBoot;
}

/** Median (middle value; mean of the two middle ones for an even count), min and max. */
export function timing(runsMs: readonly number[]): Timing {
  if (runsMs.length === 0) throw new Error('bench: a scenario ran no repetitions');
  const sorted = [...runsMs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { runsMs: runsMs.map(round1), medianMs: round1(median), minMs: round1(sorted[0]), maxMs: round1(sorted[sorted.length - 1]) };
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

/** hostwright's counters of a run. */
export function countersOf(stats: RunStats): Counters {
  return {
    hosts: stats.hosts,
    hostTasks: stats.tasks,
    roundTrips: stats.roundTrips,
    roundTripsPerTask: Math.round(stats.roundTripsPerTask * 1000) / 1000,
    roundTripsPerHost: Math.round((stats.roundTrips / Math.max(1, stats.hosts)) * 10) / 10,
    bytesSent: stats.bytesSent,
    bytesReceived: stats.bytesReceived,
    connectMs: stats.connectMs,
    connections: stats.connections,
    engineMs: stats.durationMs,
    peakRssMiB: mib(stats.peakRssBytes),
  };
}

/** One tool's side from its runs; counters from the run with the median wall time. */
export function sideOf(runs: readonly ToolRun[], note?: string): ToolSide {
  const t = timing(runs.map((r) => r.wallMs));
  const byTime = [...runs].sort((a, b) => a.wallMs - b.wallMs);
  const median = byTime[(byTime.length - 1) >> 1];
  const cpu = runs.map((r) => r.cpuMs).filter((c): c is number => c !== undefined);
  const rss = runs.map((r) => r.peakTreeRssMiB).filter((c): c is number => c !== undefined);
  return {
    timing: t,
    changed: runs.map((r) => r.changed),
    ...(note ? { note } : {}),
    ...(median.stats ? { counters: countersOf(median.stats) } : {}),
    ...(cpu.length ? { cpuMs: Math.round(timing(cpu).medianMs) } : {}),
    ...(rss.length ? { peakTreeRssMiB: Math.max(...rss) } : {}),
    ...(median.phases ? { phases: median.phases } : {}),
    ...(runs.some((r) => r.peakFds !== undefined) ? { peakFds: Math.max(...runs.map((r) => r.peakFds ?? 0)) } : {}),
  };
}

/** A scenario from both tools' runs, with the ratio and the target check. */
export function scenarioOf(
  base: Omit<Scenario, 'hostwright' | 'ansible' | 'ratio' | 'target'>,
  runs: Record<Tool, ToolRun[]>,
  notes: Partial<Record<Tool, string>> = {},
  targetRatio?: number,
): Scenario {
  const hostwright = sideOf(runs.hostwright, notes.hostwright);
  const ansible = runs.ansible.length ? sideOf(runs.ansible, notes.ansible) : undefined;
  const ratio = ansible ? Math.round((ansible.timing.medianMs / hostwright.timing.medianMs) * 10) / 10 : undefined;
  return {
    ...base,
    hostwright,
    ...(ansible ? { ansible, ratio } : {}),
    ...(targetRatio !== undefined && ratio !== undefined ? { target: { ratio: targetRatio, met: ratio >= targetRatio } } : {}),
  };
}
