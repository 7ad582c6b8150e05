/**
 * hostwright against Ansible on the same test hosts and the same work (issue 8).
 *
 *   npm run bench                       # full run, 30-40 minutes on 2 cores (Ansible on 100 hosts: 2-4 min a run)
 *   node bench/run.ts --smoke --out DIR # 1 repetition, 2 hosts, hostwright only (the e2e smoke test)
 *
 * Writes DIR/latest.json (smoke: DIR/smoke.json) and DIR/hosts.svg (default DIR: bench/results),
 * prints the summary table. Uses its own test hosts (bm-*, sc01…, or bs-* for the smoke run) and
 * stops them at the end unless --keep-hosts.
 */
import { cpus, totalmem } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeHostsChart } from './lib/chart.ts';
import { clusterScenarios } from './lib/cluster.ts';
import { DEFAULT_WORK_DIR, type BenchContext } from './lib/context.ts';
import type { BenchResults } from './lib/results.ts';
import { scaleScenarios } from './lib/scale.ts';
import { measureHostBoot } from './lib/host-boot.ts';
import { runTimed, tailOf } from './lib/proc.ts';
import { measureFirstConnection, measureStartup } from './lib/startup.ts';
import { summary } from './lib/table.ts';
import { ensureAnsible, hostwrightLaunch, REPO_DIR } from './lib/tools.ts';

const USAGE = `Usage: node bench/run.ts [options]
  --smoke               1 repetition, 2 hosts, small axes, hostwright only (add --ansible to time Ansible too)
  --reps N              repetitions per scenario and tool (default 3)
  --only PART           cluster, scale (each with the start-up part), startup, or boot (only start the
                        scale hosts at once: time and memory)
  --scale-hosts N       hosts of the scale part, started at once (default 100)
  --compare-hosts LIST  host counts both tools are compared at with repetitions (default 24,100)
  --scale-tasks N       tasks per host of the two-tool scale workload (default 10)
  --hosts-axis LIST     host counts for the time-against-hosts chart (default 1,8,24,50,100)
  --tasks-axis LIST     tasks per host for hostwright's tasks axis (default 10,100,1000)
  --tasks-axis-hosts N  hosts the tasks axis runs on (default 2)
  --no-ansible          time hostwright only
  --from WHERE          installed (default: lib/ and roles/ from the build, dist/, as a project that
                        installed the package runs them, with Node's compile cache) or sources
  --keep-hosts          leave the bench's test hosts running
  --out DIR             where results go (default bench/results)`;

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean' },
    ansible: { type: 'boolean' },
    'no-ansible': { type: 'boolean' },
    reps: { type: 'string' },
    only: { type: 'string' },
    'scale-hosts': { type: 'string' },
    'compare-hosts': { type: 'string' },
    'scale-tasks': { type: 'string' },
    'hosts-axis': { type: 'string' },
    'tasks-axis': { type: 'string' },
    'tasks-axis-hosts': { type: 'string' },
    'keep-hosts': { type: 'boolean' },
    from: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const int = (name: string, text: string | undefined, fallback: number, min = 1): number => {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`bench: --${name} must be an integer ≥ ${min}, got "${text}"`);
  return n;
};
const list = (name: string, text: string | undefined, fallback: number[]): number[] =>
  text === undefined ? fallback : text.split(',').map((t) => int(name, t.trim(), 0, 1));

const smoke = values.smoke === true;
const reps = int('reps', values.reps, smoke ? 1 : 3);
const withAnsible = values['no-ansible'] ? false : smoke ? values.ansible === true : true;
if (values.only && !['cluster', 'scale', 'boot', 'startup'].includes(values.only))
  throw new Error(`bench: --only takes cluster, scale, boot or startup, got "${values.only}"`);
const part = (name: 'cluster' | 'scale' | 'boot' | 'startup'): boolean =>
  values.only ? values.only === name || (name === 'startup' && values.only !== 'boot') : name !== 'boot';
if (values.from && !['installed', 'sources'].includes(values.from)) throw new Error(`bench: --from takes installed or sources, got "${values.from}"`);
hostwrightLaunch.from = (values.from ?? 'installed') as 'installed' | 'sources';
const outDir = values.out ?? join(REPO_DIR, 'bench', 'results');
const scaleHosts = int('scale-hosts', values['scale-hosts'], smoke ? 2 : 100);
const compareHosts = list('compare-hosts', values['compare-hosts'], smoke ? [2] : [24, 100]);
const scaleTasks = int('scale-tasks', values['scale-tasks'], smoke ? 4 : 10, 2);
const hostsAxis = list('hosts-axis', values['hosts-axis'], smoke ? [1] : [1, 8, 24, 50, 100]);
const tasksAxis = list('tasks-axis', values['tasks-axis'], smoke ? [4, 20] : [10, 100, 1000]);
if (tasksAxis.some((n) => n < 2)) throw new Error('bench: --tasks-axis values must be ≥ 2 (the directory task counts)');
const tasksAxisHosts = int('tasks-axis-hosts', values['tasks-axis-hosts'], 2);

// Own host names: other engineers use master/node1/node2 on the same machine.
const cluster = smoke ? { master: 'bs-master', nodes: ['bs-node1'] } : { master: 'bm-master', nodes: ['bm-node1', 'bm-node2'] };
const scaleNames = smoke
  ? ['bs-master', 'bs-node1'].slice(0, scaleHosts)
  : Array.from({ length: scaleHosts }, (_, i) => `sc${String(i + 1).padStart(2, '0')}`);
if (compareHosts.some((n) => n > scaleNames.length)) throw new Error(`bench: --compare-hosts values must be ≤ --scale-hosts (${scaleNames.length})`);

const started = Date.now();
const log = (text: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${text}`);
const ctx: BenchContext = { reps, ansible: withAnsible, workDir: DEFAULT_WORK_DIR, log };
mkdirSync(ctx.workDir, { recursive: true });
mkdirSync(outDir, { recursive: true });
hostwrightLaunch.compileCache = join(ctx.workDir, 'compile-cache');

const ansibleVersion = withAnsible ? ensureAnsible(log) : null;
log(`hostwright vs ${ansibleVersion ?? 'nothing (hostwright only)'}; ${reps} repetition(s)`);

const results: BenchResults = {
  version: 1,
  mode: smoke ? 'smoke' : 'full',
  startedAt: new Date(started).toISOString(),
  durationS: 0,
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.versions.node,
    ansible: ansibleVersion,
  },
  settings: {
    repetitions: reps,
    clusterHosts: [cluster.master, ...cluster.nodes],
    scaleHosts: scaleNames.length,
    scaleTasksPerHost: scaleTasks,
    tasksAxisHosts: Math.min(tasksAxisHosts, scaleNames.length),
    hostwrightFrom: hostwrightLaunch.from,
  },
  scenarios: [],
  hostsAxis: [],
  tasksAxis: [],
  startup: { nodeBareMs: 0, importLibMs: 0, importClusterPlaybookMs: 0 },
  profiles: {},
};

const jsonPath = join(outDir, smoke ? 'smoke.json' : 'latest.json');
/** Written after each part too, so an interrupted run keeps what it measured (durationS 0 = partial). */
const save = () => writeFileSync(jsonPath, JSON.stringify(results, null, 1) + '\n');
const stops: (() => Promise<void>)[] = [];
try {
  if (part('startup') || hostwrightLaunch.from === 'installed') {
    log('building the package (dist/, as installed: compiled JavaScript, validators compiled)');
    const build = await runTimed(process.execPath, [join(REPO_DIR, 'scripts', 'build.ts')], { cwd: REPO_DIR });
    if (build.code !== 0) throw new Error(`bench: npm run build failed:\n${tailOf(build.stdout + build.stderr)}`);
  }
  if (part('startup')) {
    log('startup costs (fresh processes)');
    results.startup = await measureStartup(reps);
    log('start-up to the first connection (a local listener stands in for the host)');
    results.firstConnection = await measureFirstConnection(reps, withAnsible, ctx.workDir);
    for (const f of results.firstConnection) log(`  ${f.way}: ${f.medianMs} ms (${f.minMs}–${f.maxMs})`);
    save();
  }
  if (part('boot')) {
    results.hostBoot = await measureHostBoot(ctx, scaleNames);
  }
  if (part('cluster')) {
    const c = await clusterScenarios(ctx, cluster);
    stops.push(c.stop);
    results.scenarios.push(...c.scenarios);
    results.profiles = c.profiles;
    save();
    // The smoke run reuses the cluster's hosts for the workload; the full run frees them first.
    if (!smoke && !values['keep-hosts']) await stops.pop()!();
  }
  if (part('scale')) {
    const s = await scaleScenarios(ctx, { names: scaleNames, tasks: scaleTasks, compareHosts, hostsAxis, tasksAxis, tasksAxisHosts });
    stops.push(s.stop);
    results.hostBoot = s.hostBoot;
    results.scenarios.push(...s.scenarios);
    results.hostsAxis = s.hostsAxis;
    results.tasksAxis = s.tasksAxis;
  }
} finally {
  if (!values['keep-hosts']) for (const stop of stops) await stop();
}

results.durationS = Math.round((Date.now() - started) / 1000);
save();
if (results.hostsAxis.length) await writeHostsChart(join(outDir, 'hosts.svg'), results.hostsAxis, scaleTasks);
console.log('\n' + summary(results));
console.log(`\nresults: ${jsonPath}${results.hostsAxis.length ? `\nchart:   ${join(outDir, 'hosts.svg')}` : ''}\ntook ${results.durationS} s`);
