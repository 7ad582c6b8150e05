/**
 * The scale part: a generated workload (bench/workload) over many hosts. Changing and no-op runs timed
 * for both tools, then hostwright's (and Ansible's no-op) time against hosts, and hostwright's time and
 * memory against tasks per host. Runs with round 1 or 2 (see workload/spec.ts): the other round changes
 * every task, the same round none.
 */
import { join } from 'node:path';
import { testHosts } from '../../test/hosts/index.ts';
import { writeAnsibleWorkload } from './ansible-workload.ts';
import { describeRun, expectChanged, toolOrder, type BenchContext } from './context.ts';
import { assertSameState, combinedDigest, digestHosts, workloadStateScript, type HostDigest } from './digest.ts';
import { writeInventory } from './inventory.ts';
import { measureHostBoot, type HostBoot } from './host-boot.ts';
import { countersOf, scenarioOf, timing, type AxisPoint, type Scenario } from './results.ts';
import { REPO_DIR, runAnsible, runHostwright, type RunSpec, type Tool, type ToolRun } from './tools.ts';

/** Sizes of the scale part. */
export interface ScaleOptions {
  /** Every host of the part (started at once, measured: see host-boot.ts). */
  names: string[];
  /** Tasks per host (the directory task included) of the two-tool comparison. */
  tasks: number;
  /** Host counts where both tools are compared with repetitions (changing and no-op scenarios). */
  compareHosts: number[];
  /** Host counts of the hosts axis (one run per tool and kind where no scenario gives the figure). */
  hostsAxis: number[];
  /** Tasks per host of hostwright's tasks axis. */
  tasksAxis: number[];
  /** Hosts the tasks axis runs on. */
  tasksAxisHosts: number;
}

/** What the scale part measured. */
export interface ScaleResults {
  scenarios: Scenario[];
  hostsAxis: AxisPoint[];
  tasksAxis: AxisPoint[];
  hostBoot: HostBoot;
  stop: () => Promise<void>;
}

const median = (values: number[]) => timing(values).medianMs;
const medianOf = (runs: readonly ToolRun[], pick: (r: ToolRun) => number | undefined): number | undefined => {
  const v = runs.map(pick).filter((x): x is number => x !== undefined);
  return v.length ? Math.round(median(v)) : undefined;
};

/** Runs the scale part; leaves the hosts running (the caller stops them). */
export async function scaleScenarios(ctx: BenchContext, opts: ScaleOptions): Promise<ScaleResults> {
  const { names, tasks } = opts;
  // Starting them all at once is measured (time, memory): the figure for "100 hosts at once".
  const hostBoot = await measureHostBoot(ctx, names, true);
  const th = await testHosts({ names });
  const inventory = writeInventory(join(ctx.workDir, 'scale-inventory.yml'), th.hosts, {
    groups: { bench: names },
    keyPath: th.keyPath,
    knownHostsPath: th.knownHostsPath,
  });
  const ansibleWorkload = writeAnsibleWorkload(join(ctx.workDir, `workload-${tasks}.yml`), tasks);
  const base = { inventory, knownHosts: th.knownHostsPath, forks: names.length };
  const run = (tool: Tool, round: 1 | 2, extra: Partial<RunSpec> & { tasks?: number } = {}): Promise<ToolRun> => {
    const count = extra.tasks ?? tasks;
    const spec = { ...base, ...extra, extraVars: { bench_round: round }, env: { HW_BENCH_TASKS: String(count) } };
    return tool === 'hostwright'
      ? runHostwright({ ...spec, playbook: join(REPO_DIR, 'bench', 'workload', 'playbook.ts') })
      : runAnsible({ ...spec, playbook: ansibleWorkload });
  };
  const digest = (hosts: readonly string[]) => digestHosts(th.exec, hosts, workloadStateScript);
  const scenarios: Scenario[] = [];
  const limitOf = (count: number) => (count >= names.length ? undefined : names.slice(0, count).join(':'));

  // First converge of fresh hosts (hostwright only; it sets the round-1 state the comparison starts from).
  const first = await run('hostwright', 1);
  ctx.log(describeRun('first converge (fresh)', first));
  expectChanged('scale first converge', first, names.length * tasks);
  // Each host's state per round, from the first run that left it; every later run is compared with it.
  const byRound: Record<1 | 2, Map<string, HostDigest>> = { 1: new Map((await digest(names)).map((d) => [d.host, d])), 2: new Map() };
  const roundLabel: Record<1 | 2, string> = { 1: 'hostwright round 1', 2: '' };
  scenarios.push(
    scenarioOf(
      {
        id: 'scale-first',
        title: `first converge, ${tasks} tasks/host`,
        hosts: names.length,
        note: 'hostwright only: fresh hosts, every task creates its file, line or sysctl.',
      },
      { hostwright: [first], ansible: [] },
    ),
  );
  const states: Record<string, string> = { 'hostwright round 1': combinedDigest([...byRound[1].values()]) };

  /** A changing run of `tool` with `round` on the first `count` hosts, its state checked against the round's. */
  const changingRun = async (tool: Tool, round: 1 | 2, count: number): Promise<ToolRun> => {
    const hosts = names.slice(0, count);
    const r = await run(tool, round, { limit: limitOf(count) });
    ctx.log(describeRun(`changing (round ${round}, ${count} hosts)`, r));
    expectChanged(`scale changing run on ${count} hosts`, r, count * (tasks - 1));
    const state = { label: `${tool} round ${round}`, digests: await digest(hosts) };
    const known = state.digests.filter((d) => byRound[round].has(d.host));
    if (known.length)
      assertSameState(
        `scale workload, round ${round}`,
        { label: roundLabel[round], digests: known.map((d) => byRound[round].get(d.host)!) },
        { label: state.label, digests: known },
      );
    for (const d of state.digests) if (!byRound[round].has(d.host)) byRound[round].set(d.host, d);
    roundLabel[round] ||= state.label;
    states[`${state.label}, ${count} hosts`] = combinedDigest(state.digests);
    return r;
  };
  /** Changing runs of both tools in alternating order (the first round 2, the second back to round 1). */
  const changingPair = async (count: number, rep: number, into: Record<Tool, ToolRun[]>) => {
    const order = toolOrder(ctx, rep);
    for (const [i, tool] of order.entries()) into[tool].push(await changingRun(tool, i === 0 ? 2 : 1, count));
    // hostwright alone: back to round 1 (not counted).
    if (order.length === 1) ctx.log(describeRun('back to round 1', await run('hostwright', 1, { limit: limitOf(count) })));
  };
  const noopRun = async (tool: Tool, count: number): Promise<ToolRun> => {
    const r = await run(tool, 1, { limit: limitOf(count) });
    ctx.log(describeRun(`no-op (${count} hosts)`, r));
    expectChanged(`scale no-op on ${count} hosts`, r, 0);
    return r;
  };

  // The two-tool comparison at each compared size: changing runs, then no-op runs, repeated and alternating.
  const compared = new Map<number, { changing: Record<Tool, ToolRun[]>; noop: Record<Tool, ToolRun[]> }>();
  for (const count of [...new Set(opts.compareHosts.map((c) => Math.min(c, names.length)))].sort((a, b) => a - b)) {
    ctx.log(`scale: ${count} hosts, changing runs (${tasks} tasks/host, every generated task changes)`);
    const changing: Record<Tool, ToolRun[]> = { hostwright: [], ansible: [] };
    for (let rep = 0; rep < ctx.reps; rep++) await changingPair(count, rep, changing);
    scenarios.push({
      ...scenarioOf(
        {
          id: `scale-changing-${count}`,
          title: `changing run, ${tasks} tasks/host`,
          hosts: count,
          note: `every file, line and sysctl task changes (${count * (tasks - 1)} host-tasks); states compared between the tools for each round.`,
        },
        changing,
        {},
        count >= 100 ? 8 : undefined,
      ),
      stateDigest: combinedDigest(names.slice(0, count).map((h) => byRound[1].get(h)!)),
    });
    ctx.log(`scale: ${count} hosts, no-op runs`);
    const noop: Record<Tool, ToolRun[]> = { hostwright: [], ansible: [] };
    for (let rep = 0; rep < ctx.reps; rep++) for (const tool of toolOrder(ctx, rep)) noop[tool].push(await noopRun(tool, count));
    scenarios.push(
      scenarioOf(
        { id: `scale-noop-${count}`, title: `no-op run, ${tasks} tasks/host`, hosts: count, note: 'nothing to change on any host.' },
        noop,
        {},
        30,
      ),
    );
    compared.set(count, { changing, noop });
  }

  // Hosts axis: the compared sizes from their scenarios, the others one run per tool and kind.
  ctx.log('scale: time against hosts');
  const hostsAxis: AxisPoint[] = [];
  const counts = [...new Set([...opts.hostsAxis.filter((n) => n <= names.length), ...compared.keys()])].sort((a, b) => a - b);
  for (const count of counts) {
    let runs = compared.get(count);
    if (!runs) {
      runs = { changing: { hostwright: [], ansible: [] }, noop: { hostwright: [], ansible: [] } };
      await changingPair(count, 0, runs.changing);
      for (let rep = 0; rep < ctx.reps; rep++) runs.noop.hostwright.push(await noopRun('hostwright', count));
      if (ctx.ansible) runs.noop.ansible.push(await noopRun('ansible', count));
    }
    const hw = runs.noop.hostwright;
    const mid = [...hw].sort((a, b) => a.wallMs - b.wallMs)[(hw.length - 1) >> 1];
    const c = countersOf(mid.stats!);
    const an = runs.noop.ansible;
    const anChanging = runs.changing.ansible;
    const allHw = [...hw, ...runs.changing.hostwright];
    const p: AxisPoint = {
      hosts: count,
      tasksPerHost: tasks,
      hostwrightMs: median(hw.map((r) => r.wallMs)),
      hostwrightChangingMs: Math.round(median(runs.changing.hostwright.map((r) => r.wallMs))),
      hostwrightCpuMs: medianOf(hw, (r) => r.cpuMs),
      hostwrightChangingCpuMs: medianOf(runs.changing.hostwright, (r) => r.cpuMs),
      ...(an.length ? { ansibleMs: Math.round(median(an.map((r) => r.wallMs))), ansibleCpuMs: medianOf(an, (r) => r.cpuMs) } : {}),
      ...(anChanging.length
        ? { ansibleChangingMs: Math.round(median(anChanging.map((r) => r.wallMs))), ansibleChangingCpuMs: medianOf(anChanging, (r) => r.cpuMs) }
        : {}),
      ...(an.length ? { ansiblePeakRssMiB: Math.max(...[...an, ...anChanging].map((r) => r.peakTreeRssMiB ?? 0)) } : {}),
      peakRssMiB: Math.max(...allHw.map((r) => countersOf(r.stats!).peakRssMiB)),
      roundTripsPerTask: c.roundTripsPerTask,
      roundTripsPerHost: c.roundTripsPerHost,
      engineMs: c.engineMs,
    };
    hostsAxis.push(p);
    const sec = (ms?: number) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(2)} s`);
    ctx.log(
      `  ${String(count).padStart(3)} hosts: hostwright no-op ${sec(p.hostwrightMs)} (cpu ${sec(p.hostwrightCpuMs)}), changing ${sec(p.hostwrightChangingMs)} (cpu ${sec(p.hostwrightChangingCpuMs)}), peak RSS ${p.peakRssMiB} MiB; Ansible no-op ${sec(p.ansibleMs)} (cpu ${sec(p.ansibleCpuMs)}), changing ${sec(p.ansibleChangingMs)} (cpu ${sec(p.ansibleChangingCpuMs)}), peak RSS ${p.ansiblePeakRssMiB ?? '—'} MiB`,
    );
  }
  scenarios.find((sc) => sc.id === `scale-changing-${[...compared.keys()][0]}`)!.stateDigests = states;

  // Tasks axis (hostwright only): a changing run (new tasks create their files) then a no-op.
  const axisNames = names.slice(0, Math.min(opts.tasksAxisHosts, names.length));
  ctx.log(`scale: hostwright time and memory against tasks per host (${axisNames.length} hosts)`);
  const tasksAxis: AxisPoint[] = [];
  for (const [i, count] of opts.tasksAxis.entries()) {
    const round = (i % 2 === 0 ? 2 : 1) as 1 | 2;
    const limit = axisNames.join(':');
    const change = await run('hostwright', round, { limit, tasks: count });
    // One no-op per size: at 1,000 tasks per host a run takes tens of seconds (see the README).
    const noops: ToolRun[] = [await run('hostwright', round, { limit, tasks: count })];
    expectChanged(`hostwright no-op with ${count} tasks/host`, noops[0], 0);
    const mid = [...noops].sort((a, b) => a.wallMs - b.wallMs)[(noops.length - 1) >> 1];
    const c = countersOf(mid.stats!);
    tasksAxis.push({
      hosts: axisNames.length,
      tasksPerHost: count,
      hostwrightMs: median(noops.map((r) => r.wallMs)),
      hostwrightChangingMs: Math.round(change.wallMs),
      hostwrightCpuMs: medianOf(noops, (r) => r.cpuMs),
      hostwrightChangingCpuMs: change.cpuMs,
      peakRssMiB: Math.max(countersOf(change.stats!).peakRssMiB, ...noops.map((r) => countersOf(r.stats!).peakRssMiB)),
      roundTripsPerTask: c.roundTripsPerTask,
      roundTripsPerHost: c.roundTripsPerHost,
      engineMs: c.engineMs,
    });
    ctx.log(
      `  ${String(count).padStart(5)} tasks/host: changing ${(change.wallMs / 1000).toFixed(2)} s, no-op ${(tasksAxis.at(-1)!.hostwrightMs / 1000).toFixed(2)} s, peak RSS ${tasksAxis.at(-1)!.peakRssMiB} MiB, ${c.roundTripsPerTask} round trips/task`,
    );
  }

  return { scenarios, hostsAxis, tasksAxis, hostBoot, stop: () => th.stop(names) };
}
