/**
 * Running the two tools the same way for every scenario: hostwright through its CLI with `--json`
 * (its counters come from the run's `stats` event), Ansible through `ansible-playbook` with the
 * bench's ansible.cfg and a fresh SSH ControlPersist directory per run (both tools connect anew).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { RunStats } from '../../lib/index.ts';
import { phasesOf, type Phases } from './phases.ts';
import { runTimed, tailOf } from './proc.ts';

/** Root of the repository (bench/..). */
export const REPO_DIR = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
/** bench/ansible: ansible.cfg, cluster.yml, roles. */
export const ANSIBLE_DIR = join(REPO_DIR, 'bench', 'ansible');

/** The two tools. */
export type Tool = 'hostwright' | 'ansible';

/** One timed run of one tool. */
export interface ToolRun {
  tool: Tool;
  wallMs: number;
  exitCode: number;
  /** Summed over hosts, from the recap. */
  ok: number;
  changed: number;
  failed: number;
  unreachable: number;
  skipped: number;
  /** Ansible: errors ignored (`ignore_errors`); hostwright: 0. */
  ignored: number;
  /** hostwright only: host-results by status (`ok`, `changed`, `may-change`, ...). */
  statuses?: Record<string, number>;
  /** hostwright only: the run's own counters. */
  stats?: RunStats;
  /** Controller CPU time, user + system, of the whole process tree (ms; absent without cgroups). */
  cpuMs?: number;
  /** Controller peak memory: the largest sum of RSS over the process tree (MiB). */
  peakTreeRssMiB?: number;
  /** Controller's most open file descriptors at once, over the process tree. */
  peakFds?: number;
  /** hostwright only: where the run's time went, from its `--json` events (see phases.ts). */
  phases?: Phases;
}

/** What to run. */
export interface RunSpec {
  /** Path of the playbook (.ts for hostwright, .yml for Ansible). */
  playbook: string;
  inventory: string;
  knownHosts: string;
  check?: boolean;
  limit?: string;
  extraVars?: Record<string, string | number>;
  /** Extra environment (for example HW_BENCH_TASKS). */
  env?: Record<string, string>;
  /** Parallel hosts: hostwright --forks and Ansible --forks. */
  forks: number;
  /** A failed task or unreachable host is expected (check mode on fresh hosts): do not throw. */
  allowFailure?: boolean;
  /** hostwright only: further command-line arguments (for example `--no-host-lock`). */
  hostwrightArgs?: string[];
}

/**
 * How hostwright is started: `installed` (default) loads lib/ and roles/ from the build (dist/, as a
 * project that installed the package does; see as-installed.ts) with Node's compile cache in
 * `compileCache`; `sources` type-strips them from the repository.
 */
export const hostwrightLaunch: { from: 'installed' | 'sources'; compileCache?: string } = { from: 'installed' };

/** Node arguments and environment that start a hostwright program as {@link hostwrightLaunch} says. */
export function hostwrightNode(): { args: string[]; env: Record<string, string> } {
  if (hostwrightLaunch.from === 'sources') return { args: [], env: { NODE_DISABLE_COMPILE_CACHE: '1' } };
  return {
    args: ['--import', join(REPO_DIR, 'bench', 'lib', 'as-installed.ts')],
    env: hostwrightLaunch.compileCache ? { NODE_COMPILE_CACHE: hostwrightLaunch.compileCache } : {},
  };
}

const extraVarArgs = (vars: RunSpec['extraVars']): string[] => Object.entries(vars ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);

/** Runs a hostwright playbook with `--json` and returns its timing, recap and counters. */
export async function runHostwright(spec: RunSpec): Promise<ToolRun> {
  const args = [
    spec.playbook,
    '-i',
    spec.inventory,
    '--known-hosts',
    spec.knownHosts,
    '--json',
    '--forks',
    String(spec.forks),
    ...extraVarArgs(spec.extraVars),
  ];
  if (spec.check) args.push('--check');
  if (spec.limit) args.push('--limit', spec.limit);
  args.push(...(spec.hostwrightArgs ?? []));
  const launch = hostwrightNode();
  const r = await runTimed(process.execPath, [...launch.args, ...args], {
    cwd: REPO_DIR,
    env: { ...process.env, ...launch.env, ...spec.env },
    measure: true,
  });
  const events = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, any>);
  const stats = events.find((e) => e.event === 'stats')?.stats as RunStats | undefined;
  const recap = events.find((e) => e.event === 'recap')?.hosts as Record<string, Record<string, number>> | undefined;
  if (!recap || !stats) throw new Error(`bench: hostwright ${spec.playbook} gave no recap (exit ${r.code}):\n${tailOf(r.stderr || r.stdout)}`);
  const statuses: Record<string, number> = {};
  for (const e of events) if (e.event === 'host-result') statuses[e.status] = (statuses[e.status] ?? 0) + 1;
  const run: ToolRun = {
    tool: 'hostwright' as const,
    wallMs: r.wallMs,
    exitCode: r.code,
    ...sumRecap(recap),
    statuses,
    stats,
    cpuMs: r.cpuMs,
    peakTreeRssMiB: r.peakTreeRssMiB,
    peakFds: r.peakFds,
    phases: phasesOf(events as never),
  };
  if ((r.code !== 0 || run.failed || run.unreachable) && !spec.allowFailure) {
    const failures = events
      .filter((e) => e.event === 'host-result' && (e.status === 'failed' || e.status === 'unreachable'))
      .map((e) => `${e.host} ${e.task}: ${e.message}`);
    throw new Error(`bench: hostwright ${spec.playbook} failed (exit ${r.code}):\n${failures.join('\n') || tailOf(r.stderr)}`);
  }
  return run;
}

/** Runs an Ansible playbook from bench/ansible and returns its timing and recap. */
export async function runAnsible(spec: RunSpec): Promise<ToolRun> {
  const controlDir = mkdtempSync(join(tmpdir(), 'hw-bench-cp-'));
  const args = [spec.playbook, '-i', spec.inventory, '--forks', String(spec.forks), ...extraVarArgs(spec.extraVars)];
  if (spec.check) args.push('--check');
  if (spec.limit) args.push('--limit', spec.limit);
  const env = {
    ...process.env,
    ...spec.env,
    ANSIBLE_CONFIG: join(ANSIBLE_DIR, 'ansible.cfg'),
    ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_RETRY_FILES_ENABLED: '0',
  };
  try {
    // The ssh masters it leaves are ended before the CPU is read: their encryption work counts.
    const r = await runTimed('ansible-playbook', args, {
      cwd: ANSIBLE_DIR,
      env,
      measure: true,
      settle: () => closeControlMasters(controlDir, false),
    });
    const recap = parseAnsibleRecap(r.stdout);
    if (!recap) throw new Error(`bench: ansible-playbook ${spec.playbook} gave no PLAY RECAP (exit ${r.code}):\n${tailOf(r.stdout + r.stderr)}`);
    const run: ToolRun = {
      tool: 'ansible' as const,
      wallMs: r.wallMs,
      exitCode: r.code,
      ...sumRecap(recap),
      cpuMs: r.cpuMs,
      peakTreeRssMiB: r.peakTreeRssMiB,
      peakFds: r.peakFds,
    };
    if ((r.code !== 0 || run.failed || run.unreachable) && !spec.allowFailure) {
      const fatal = r.stdout
        .split('\n')
        .filter((l) => /^(fatal|failed):/.test(l))
        .slice(0, 10)
        .join('\n');
      throw new Error(`bench: ansible-playbook ${spec.playbook} failed (exit ${r.code}):\n${fatal || tailOf(r.stdout + r.stderr)}`);
    }
    return run;
  } finally {
    closeControlMasters(controlDir);
  }
}

/** Ends the ControlPersist masters of one Ansible run (they would outlive it by 60 s) and drops the dir. */
function closeControlMasters(dir: string, remove = true): void {
  if (!existsSync(dir)) return;
  for (const socket of readdirSync(dir)) spawnSync('ssh', ['-S', join(dir, socket), '-O', 'exit', 'bench'], { stdio: 'ignore', timeout: 5000 });
  if (remove) rmSync(dir, { recursive: true, force: true });
}

/** Parses Ansible's `PLAY RECAP` lines into per-host counts. */
export function parseAnsibleRecap(stdout: string): Record<string, Record<string, number>> | undefined {
  const at = stdout.lastIndexOf('PLAY RECAP');
  if (at < 0) return undefined;
  const hosts: Record<string, Record<string, number>> = {};
  for (const line of stdout.slice(at).split('\n').slice(1)) {
    const m = /^(\S+)\s+:\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    hosts[m[1]] = Object.fromEntries([...m[2].matchAll(/(\w+)=(\d+)/g)].map((x) => [x[1], Number(x[2])]));
  }
  return hosts;
}

function sumRecap(recap: Record<string, Record<string, number>>): Pick<ToolRun, 'ok' | 'changed' | 'failed' | 'unreachable' | 'skipped' | 'ignored'> {
  const sum = { ok: 0, changed: 0, failed: 0, unreachable: 0, skipped: 0, ignored: 0 };
  for (const counts of Object.values(recap)) for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += counts[k] ?? 0;
  return sum;
}

/**
 * Makes sure `ansible-playbook` (with the ansible.posix collection, from Debian's `ansible` package) is
 * installed, installing the package when missing; returns its version line.
 */
export function ensureAnsible(log: (text: string) => void): string {
  const version = () => spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8' });
  const posix = () => spawnSync('ansible-doc', ['-t', 'module', 'ansible.posix.sysctl'], { encoding: 'utf8' }).status === 0;
  let v = version();
  if (v.status !== 0 || !posix()) {
    log("installing Debian's ansible package (apt-get install -y --no-install-recommends ansible)");
    let r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'ansible'], {
      encoding: 'utf8',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status !== 0) {
      spawnSync('apt-get', ['update'], { encoding: 'utf8' });
      r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'ansible'], {
        encoding: 'utf8',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    }
    if (r.status !== 0)
      throw new Error(
        `bench: cannot install Ansible with apt-get (exit ${r.status}); install Debian's "ansible" package and rerun:\n${tailOf(r.stderr)}`,
      );
    v = version();
    if (v.status !== 0) throw new Error('bench: ansible-playbook still does not run after installing the ansible package');
  }
  return v.stdout.split('\n')[0].trim();
}
