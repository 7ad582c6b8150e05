/**
 * The cluster scenarios (playbooks/cluster.ts against bench/ansible/cluster.yml) on the bench's own
 * three hosts: --check on fresh hosts, cold converge, no-op rerun, --check on the converged cluster.
 */
import { join } from 'node:path';
import { testHosts } from '../../test/hosts/index.ts';
import { assertSameState, clusterStateScript, combinedDigest, digestHosts, type HostDigest } from './digest.ts';
import { describeRun, expectChanged, toolOrder, type BenchContext } from './context.ts';
import { writeInventory } from './inventory.ts';
import { scenarioOf, type Scenario } from './results.ts';
import { runTimed, tailOf } from './proc.ts';
import { hostwrightNode, REPO_DIR, runAnsible, runHostwright, type RunSpec, type Tool, type ToolRun } from './tools.ts';

/** The cluster's hosts: one master (also etcd) and the nodes. */
export interface ClusterLayout {
  master: string;
  nodes: string[];
}

/** Runs the four cluster scenarios and returns them; leaves the hosts running (the caller stops them). */
export async function clusterScenarios(
  ctx: BenchContext,
  layout: ClusterLayout,
): Promise<{ scenarios: Scenario[]; profiles: Record<string, Profile>; stop: () => Promise<void> }> {
  const names = [layout.master, ...layout.nodes];
  ctx.log(`cluster: starting ${names.join(', ')}`);
  const th = await testHosts({ names });
  const inventory = writeInventory(join(ctx.workDir, 'cluster-inventory.yml'), th.hosts, {
    groups: { etcd: [layout.master], masters: [layout.master], nodes: layout.nodes },
    keyPath: th.keyPath,
    knownHostsPath: th.knownHostsPath,
  });
  const base = { inventory, knownHosts: th.knownHostsPath, forks: Math.max(5, names.length) };
  const run = (tool: Tool, extra: Partial<RunSpec> = {}): Promise<ToolRun> =>
    tool === 'hostwright'
      ? runHostwright({ ...base, playbook: join(REPO_DIR, 'playbooks', 'cluster.ts'), ...extra })
      : runAnsible({ ...base, playbook: 'cluster.yml', ...extra });
  const digest = () => digestHosts(th.exec, names, (h) => clusterStateScript(h === layout.master));
  const hostsCount = names.length;
  const scenarios: Scenario[] = [];

  // 1. --check on fresh hosts: nothing may change on the hosts.
  ctx.log('cluster: --check on fresh hosts');
  await th.reset(names);
  const fresh = await digest();
  const check: Record<Tool, ToolRun[]> = { hostwright: [], ansible: [] };
  for (let rep = 0; rep < ctx.reps; rep++) {
    for (const tool of toolOrder(ctx, rep)) {
      const r = await run(tool, { check: true });
      ctx.log(describeRun('check, fresh hosts', r));
      check[tool].push(r);
    }
  }
  assertSameState(
    '--check on fresh hosts must change nothing',
    { label: 'before', digests: fresh },
    { label: 'after --check', digests: await digest() },
  );
  const hwCheck = check.hostwright[0];
  const anCheck = check.ansible[0];
  scenarios.push(
    scenarioOf(
      {
        id: 'cluster-check-fresh',
        title: '--check, fresh hosts',
        hosts: hostsCount,
        note: 'hostwright probes every task and predicts; tasks that hinge on an earlier predicted change report "may change". Ansible runs each module in check mode; service, file and handler tasks on units and paths the uninstalled packages would bring fail and are ignored (ignore_errors in check mode), the health waits are skipped.',
      },
      check,
      {
        hostwright: `${hwCheck.changed} host-tasks would change, ${hwCheck.statuses?.['may-change'] ?? 0} of them "may change", ${hwCheck.failed} failed`,
        ...(anCheck ? { ansible: `${anCheck.changed} host-tasks would change, ${anCheck.ignored} errors ignored, ${anCheck.skipped} skipped` } : {}),
      },
      35,
    ),
  );

  // 2. Cold converge: fresh hosts before every run (the reset is not timed); same state afterwards.
  ctx.log('cluster: cold converge (hosts reset before each run, not timed)');
  const cold: Record<Tool, ToolRun[]> = { hostwright: [], ansible: [] };
  let reference: { label: string; digests: HostDigest[] } | undefined;
  for (let rep = 0; rep < ctx.reps; rep++) {
    for (const tool of toolOrder(ctx, rep)) {
      await th.reset(names);
      const r = await run(tool);
      ctx.log(describeRun('cold converge', r));
      cold[tool].push(r);
      const state = { label: `${tool} (repetition ${rep + 1})`, digests: await digest() };
      if (reference) assertSameState('cold converge', reference, state);
      else reference = state;
    }
  }
  scenarios.push({
    ...scenarioOf(
      {
        id: 'cluster-cold',
        title: 'cold converge, fresh hosts',
        hosts: hostsCount,
        note: 'packages installed, files written, services started, handlers; the state digest (files, packages, units, sysctls, daemon argv, etcd key) compared after every run of both tools.',
      },
      cold,
    ),
    stateDigest: combinedDigest(reference!.digests),
  });

  // 3. No-op rerun on the converged cluster, whichever tool converged it: both must change nothing.
  ctx.log('cluster: no-op rerun');
  const noop: Record<Tool, ToolRun[]> = { hostwright: [], ansible: [] };
  for (let rep = 0; rep < ctx.reps; rep++) {
    for (const tool of toolOrder(ctx, rep)) {
      const r = await run(tool);
      ctx.log(describeRun('no-op rerun', r));
      expectChanged('cluster no-op rerun', r, 0);
      noop[tool].push(r);
    }
  }
  scenarios.push(
    scenarioOf(
      {
        id: 'cluster-noop',
        title: 'no-op rerun, converged',
        hosts: hostsCount,
        note: 'every task finds its state in place (each tool reruns on a cluster the other tool may have converged).',
      },
      noop,
      {},
      35,
    ),
  );

  // 3b. What the per-host run lock costs: hostwright's no-op with and without it, alternating.
  ctx.log('cluster: no-op rerun with and without the run lock (hostwright)');
  const lockRuns: Record<'with' | 'without', ToolRun[]> = { with: [], without: [] };
  for (let rep = 0; rep < ctx.reps; rep++) {
    for (const which of rep % 2 === 0 ? (['without', 'with'] as const) : (['with', 'without'] as const)) {
      const r = await run('hostwright', which === 'without' ? { hostwrightArgs: ['--no-host-lock'] } : {});
      expectChanged('cluster no-op rerun', r, 0);
      ctx.log(describeRun(`no-op, ${which} run lock`, r));
      lockRuns[which].push(r);
    }
  }
  scenarios.push(
    scenarioOf(
      {
        id: 'cluster-noop-no-lock',
        title: 'no-op rerun, --no-host-lock',
        hosts: hostsCount,
        note: 'hostwright only, without the per-host run lock (one long-lived flock command per host); run alternately with the next scenario.',
      },
      { hostwright: lockRuns.without, ansible: [] },
    ),
  );
  scenarios.push(
    scenarioOf(
      {
        id: 'cluster-noop-lock',
        title: 'no-op rerun, with run lock',
        hosts: hostsCount,
        note: 'hostwright only: the same runs with the lock, alternating with the previous scenario.',
      },
      { hostwright: lockRuns.with, ansible: [] },
    ),
  );

  // 4. --check on the converged cluster.
  ctx.log('cluster: --check on the converged cluster');
  const checkConverged: Record<Tool, ToolRun[]> = { hostwright: [], ansible: [] };
  for (let rep = 0; rep < ctx.reps; rep++) {
    for (const tool of toolOrder(ctx, rep)) {
      const r = await run(tool, { check: true });
      ctx.log(describeRun('check, converged', r));
      expectChanged('cluster --check on converged', r, 0);
      checkConverged[tool].push(r);
    }
  }
  scenarios.push(
    scenarioOf(
      {
        id: 'cluster-check-converged',
        title: '--check, converged',
        hosts: hostsCount,
        note: 'both report nothing to change (Ansible skips its two health waits in check mode).',
      },
      checkConverged,
      {},
      35,
    ),
  );

  // Where the time of a short run goes (bench/profile.ts in fresh processes; the median engine time).
  const profiles: Record<string, Profile> = {};
  for (const [id, check] of [
    ['cluster-noop', false],
    ['cluster-check-converged', true],
  ] as const) {
    const runs: Profile[] = [];
    for (let rep = 0; rep < ctx.reps; rep++) runs.push(await profileRun(inventory, th.knownHostsPath, check));
    profiles[id] = runs.sort((a, b) => a.engineMs - b.engineMs)[(runs.length - 1) >> 1];
    const p = profiles[id];
    ctx.log(
      `  profile ${id}: import ${p.importLibMs + p.importPlaybookAndRolesMs} ms, engine ${p.engineMs} ms = connect ${p.slowestHostConnectMs} + waiting on ${p.slowestHost} ${p.slowestHostWaitingMs} + controller ${p.controllerOwnMs}`,
    );
  }

  return { scenarios, profiles, stop: () => th.stop(names) };
}

/** What bench/profile.ts measured for one run (see there). */
export interface Profile {
  processStartToLoadMs: number;
  importLibMs: number;
  importPlaybookAndRolesMs: number;
  engineMs: number;
  slowestHost: string;
  slowestHostConnectMs: number;
  slowestHostWaitingMs: number;
  controllerOwnMs: number;
  roundTrips: number;
  hosts: {
    host: string;
    connectMs: number;
    commands: number;
    probeBatches: number;
    probesInBatches: number;
    waitingOnHostMs: number;
    batchMs: number;
    sequence: string;
  }[];
}

async function profileRun(inventory: string, knownHosts: string, check: boolean): Promise<Profile> {
  const launch = hostwrightNode();
  const r = await runTimed(
    process.execPath,
    [...launch.args, join(REPO_DIR, 'bench', 'profile.ts'), '-i', inventory, '--known-hosts', knownHosts, ...(check ? ['--check'] : [])],
    { cwd: REPO_DIR, env: { ...process.env, ...launch.env } },
  );
  if (r.code !== 0) throw new Error(`bench: bench/profile.ts failed (exit ${r.code}):\n${tailOf(r.stderr || r.stdout)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Profile;
}
