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
import { countersOf, scenarioOf, timing, type AxisPoint, type Scenario } from './results.ts';
import { REPO_DIR, runAnsible, runHostwright, type RunSpec, type Tool, type ToolRun } from './tools.ts';

/** Sizes of the scale part. */
export interface ScaleOptions {
  names: string[];
  /** Tasks per host (the directory task included) of the two-tool comparison. */
  tasks: number;
  /** Host counts of the hosts axis (the full count is always measured). */
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
  stop: () => Promise<void>;
}

const median = (values: number[]) => timing(values).medianMs;

/** Runs the scale part; leaves the hosts running (the caller stops them). */
export async function scaleScenarios(ctx: BenchContext, opts: ScaleOptions): Promise<ScaleResults> {
  const { names, tasks } = opts;
  ctx.log(`scale: starting ${names.length} hosts (${names[0]} … ${names[names.length - 1]}), fresh`);
  const th = await testHosts({ names });
  await th.reset(names);
  const inventory = writeInventory(join(ctx.workDir, 'scale-inventory.yml'), th.hosts, { groups: { bench: names }, keyPath: th.keyPath, knownHostsPath: th.knownHostsPath });
  const ansibleWorkload = writeAnsibleWorkload(join(ctx.workDir, `workload-${tasks}.yml`), tasks);
  const base = { inventory, knownHosts: th.knownHostsPath, forks: names.length };
  const run = (tool: Tool, round: 1 | 2, extra: Partial<RunSpec> & { tasks?: number } = {}): Promise<ToolRun> => {
    const count = extra.tasks ?? tasks;
    const spec = { ...base, ...extra, extraVars: { bench_round: round }, env: { HW_BENCH_TASKS: String(count) } };
    return tool === 'hostwright' ? runHostwright({ ...spec, playbook: join(REPO_DIR, 'bench', 'workload', 'playbook.ts') }) : runAnsible({ ...spec, playbook: ansibleWorkload });
  };
  const digest = () => digestHosts(th.exec, names, workloadStateScript);
  const generated = names.length * (tasks - 1);
  const scenarios: Scenario[] = [];

  // First converge of fresh hosts (hostwright only; it sets the round-1 state the comparison starts from).
  const first = await run('hostwright', 1);
  ctx.log(describeRun('first converge (fresh)', first));
  expectChanged('scale first converge', first, names.length * tasks);
  const byRound: Record<1 | 2, { label: string; digests: HostDigest[] } | undefined> = { 1: { label: 'hostwright round 1', digests: await digest() }, 2: undefined };
  scenarios.push(scenarioOf({ id: 'scale-first', title: `first converge, ${tasks} tasks/host`, hosts: names.length, note: 'hostwright only: fresh hosts, every task creates its file, line or sysctl.' }, { hostwright: [first], ansible: [] }));

  // Changing runs: each repetition's first tool runs round 2, the second round 1, so every run changes
  // every generated task; after each run the state is compared with the other tool's for that round.
  ctx.log(`scale: changing runs (${tasks} tasks/host, every generated task changes)`);
  const changing: Record<Tool, ToolRun[]> = { hostwright: [], ansible: [] };
  const states: Record<string, string> = { [byRound[1]!.label]: combinedDigest(byRound[1]!.digests) };
  for (let rep = 0; rep < ctx.reps; rep++) {
    const order = toolOrder(ctx, rep);
    for (const [i, tool] of order.entries()) {
      const round = (order.length === 2 ? (i === 0 ? 2 : 1) : rep % 2 === 0 ? 2 : 1) as 1 | 2;
      const r = await run(tool, round);
      ctx.log(describeRun(`changing (round ${round})`, r));
      expectChanged('scale changing run', r, generated);
      changing[tool].push(r);
      const state = { label: `${tool} round ${round}`, digests: await digest() };
      states[state.label] = combinedDigest(state.digests);
      const ref = byRound[round];
      if (ref) assertSameState(`scale workload, round ${round}`, ref, state);
      else byRound[round] = state;
    }
  }
  // Back to round 1 when the last run left round 2 (hostwright alone, odd repetitions).
  if (!ctx.ansible && ctx.reps % 2 === 1) ctx.log(describeRun('back to round 1', await run('hostwright', 1)));
  scenarios.push({ ...scenarioOf({ id: 'scale-changing', title: `changing run, ${tasks} tasks/host`, hosts: names.length, note: `every file, line and sysctl task changes (${generated} host-tasks); states compared between the tools for each round.` }, changing), stateDigest: combinedDigest(byRound[1]!.digests), stateDigests: states });

  ctx.log('scale: no-op runs');
  const noop: Record<Tool, ToolRun[]> = { hostwright: [], ansible: [] };
  for (let rep = 0; rep < ctx.reps; rep++) {
    for (const tool of toolOrder(ctx, rep)) {
      const r = await run(tool, 1);
      ctx.log(describeRun('no-op', r));
      expectChanged('scale no-op', r, 0);
      noop[tool].push(r);
    }
  }
  scenarios.push(scenarioOf({ id: 'scale-noop', title: `no-op run, ${tasks} tasks/host`, hosts: names.length, note: 'nothing to change on any host.' }, noop, {}, 20));

  // Hosts axis: no-op with --limit to the first H hosts (the full count comes from the scenario above),
  // and hostwright's changing run (round 2 then back to 1) on the same hosts.
  ctx.log('scale: time against hosts');
  const hostsAxis: AxisPoint[] = [];
  const counts = [...new Set([...opts.hostsAxis.filter((n) => n < names.length), names.length])].sort((a, b) => a - b);
  for (const count of counts) {
    const limit = names.slice(0, count).join(':');
    const full = count === names.length;
    const hw: ToolRun[] = full ? noop.hostwright : [];
    for (let rep = 0; !full && rep < ctx.reps; rep++) hw.push(await run('hostwright', 1, { limit }));
    const change = await run('hostwright', 2, { limit });
    expectChanged(`scale changing run on ${count} hosts`, change, count * (tasks - 1));
    await run('hostwright', 1, { limit });
    let ansibleMs: number | undefined;
    if (ctx.ansible) ansibleMs = full ? median(noop.ansible.map((r) => r.wallMs)) : (await run('ansible', 1, { limit })).wallMs;
    const mid = [...hw].sort((a, b) => a.wallMs - b.wallMs)[(hw.length - 1) >> 1];
    const c = countersOf(mid.stats!);
    hostsAxis.push({
      hosts: count, tasksPerHost: tasks, hostwrightMs: median(hw.map((r) => r.wallMs)), hostwrightChangingMs: Math.round(change.wallMs),
      ...(ansibleMs !== undefined ? { ansibleMs: Math.round(ansibleMs) } : {}),
      peakRssMiB: Math.max(...hw.map((r) => countersOf(r.stats!).peakRssMiB), c.peakRssMiB), roundTripsPerTask: c.roundTripsPerTask, roundTripsPerHost: c.roundTripsPerHost, engineMs: c.engineMs,
    });
    ctx.log(`  ${String(count).padStart(3)} hosts: hostwright no-op ${(hostsAxis.at(-1)!.hostwrightMs / 1000).toFixed(2)} s, changing ${(change.wallMs / 1000).toFixed(2)} s${ansibleMs !== undefined ? `, Ansible no-op ${(ansibleMs / 1000).toFixed(2)} s` : ''}, peak RSS ${hostsAxis.at(-1)!.peakRssMiB} MiB`);
  }

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
      hosts: axisNames.length, tasksPerHost: count, hostwrightMs: median(noops.map((r) => r.wallMs)), hostwrightChangingMs: Math.round(change.wallMs),
      peakRssMiB: Math.max(countersOf(change.stats!).peakRssMiB, ...noops.map((r) => countersOf(r.stats!).peakRssMiB)), roundTripsPerTask: c.roundTripsPerTask, roundTripsPerHost: c.roundTripsPerHost, engineMs: c.engineMs,
    });
    ctx.log(`  ${String(count).padStart(5)} tasks/host: changing ${(change.wallMs / 1000).toFixed(2)} s, no-op ${(tasksAxis.at(-1)!.hostwrightMs / 1000).toFixed(2)} s, peak RSS ${tasksAxis.at(-1)!.peakRssMiB} MiB, ${c.roundTripsPerTask} round trips/task`);
  }

  return { scenarios, hostsAxis, tasksAxis, stop: () => th.stop(names) };
}
