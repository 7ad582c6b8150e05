/**
 * A small run of the benchmark (`node bench/run.ts --smoke`: 1 repetition, 2 own hosts bs-master and
 * bs-node1, hostwright only): it completes, writes a results file of the documented shape and an SVG
 * chart, prints the summary table, and hostwright's counters are sane (one connection per host, at most
 * one round trip per task on the no-op run, nothing changed by no-op or --check on a converged cluster).
 * Then a short Ansible leg (`--smoke --ansible --only scale`: the file/line/sysctl workload on the same
 * 2 hosts, Debian's ansible installed by the bench when missing): Ansible's changing run leaves the same
 * state digests as hostwright's, the check behind the published Ansible ratios.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { BenchResults } from '../../bench/lib/results.ts';

const root = new URL('../..', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'hw-bench-smoke-'));
const outAnsible = join(out, 'ansible');
let stdout = '';
let results: BenchResults;

/** Run the bench; its error (exit code and the ends of its output) fails the calling test. */
function bench(args: string[], timeout: number): string {
  const r = spawnSync(process.execPath, ['bench/run.ts', ...args], { cwd: root, encoding: 'utf8', timeout });
  assert.is(
    r.status,
    0,
    `bench ${args.join(' ')} failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`,
  );
  return r.stdout;
}

test.before(() => {
  const started = Date.now();
  stdout = bench(['--smoke', '--out', out], 300_000);
  assert.ok(Date.now() - started < 240_000, `sanity: the smoke run took ${Date.now() - started} ms`);
  results = JSON.parse(readFileSync(join(out, 'smoke.json'), 'utf8')) as BenchResults;
});

test.after(() => rmSync(out, { recursive: true, force: true }));

test('results file has the documented shape', () => {
  assert.is(results.version, 1);
  assert.is(results.mode, 'smoke');
  assert.is(results.settings.repetitions, 1);
  assert.equal(results.settings.clusterHosts, ['bs-master', 'bs-node1']);
  assert.ok(results.machine.cpus >= 1 && typeof results.machine.node === 'string');
  const ids = results.scenarios.map((s) => s.id);
  for (const id of [
    'cluster-check-fresh',
    'cluster-cold',
    'cluster-noop',
    'cluster-check-converged',
    'scale-first',
    'scale-changing-2',
    'scale-noop-2',
  ])
    assert.ok(ids.includes(id), `scenario ${id} missing from ${ids.join(', ')}`);
  for (const s of results.scenarios) {
    assert.is(s.hostwright.timing.runsMs.length, 1, `${s.id}: one repetition`);
    assert.ok(
      s.hostwright.timing.medianMs > 0 &&
        s.hostwright.timing.minMs <= s.hostwright.timing.medianMs &&
        s.hostwright.timing.medianMs <= s.hostwright.timing.maxMs,
      `${s.id}: median within min–max`,
    );
  }
  assert.ok(results.startup.importLibMs > 0 && results.startup.nodeBareMs > 0);
  assert.ok(results.startup.importDistLibMs! > 0, 'the installed package (dist/) is built and timed');
  assert.is(results.settings.hostwrightFrom, 'installed');
});

test('controller CPU and memory per run, cold-converge phases, host start-up, first connection', () => {
  for (const s of results.scenarios) {
    assert.ok(s.hostwright.cpuMs! > 0, `${s.id}: controller CPU measured`);
    assert.ok(s.hostwright.peakTreeRssMiB! > 0, `${s.id}: controller memory measured`);
  }
  const cold = results.scenarios.find((s) => s.id === 'cluster-cold')!.hostwright.phases!;
  assert.ok(cold, 'phases of the cold converge');
  assert.ok(cold.packageInstallMs > 0 && cold.otherAppliesMs > 0 && cold.connectMs > 0, `phases filled: ${JSON.stringify(cold)}`);
  const sum = cold.connectMs + cold.probeMs + cold.packageInstallMs + cold.otherAppliesMs + cold.handlersMs + cold.waitsMs + cold.controllerMs;
  assert.ok(Math.abs(sum - cold.engineMs) <= 0.05 * cold.engineMs + 5, `phases add up to the engine time: ${sum} vs ${cold.engineMs}`);
  const boot = results.hostBoot!;
  assert.ok(boot && boot.hosts === 2 && boot.startS > 0 && boot.pssMiB > 0 && boot.processes >= 2, `host start-up measured: ${JSON.stringify(boot)}`);
  const first = results.firstConnection!;
  assert.is(first.length, 3, 'three ways of starting hostwright (no Ansible in the smoke run)');
  for (const f of first) assert.ok(f.medianMs > 0 && f.minMs <= f.medianMs, `${f.way}: timed`);
  for (const p of results.hostsAxis) assert.ok(p.hostwrightCpuMs! > 0 && p.hostwrightChangingMs! > 0, `axis point ${p.hosts}: CPU and changing run`);
});

test("hostwright's counters: one connection per host, no-op within the round-trip budget, no changes", () => {
  const byId = Object.fromEntries(results.scenarios.map((s) => [s.id, s]));
  for (const id of ['cluster-cold', 'cluster-noop', 'scale-noop-2']) {
    const c = byId[id].hostwright.counters!;
    assert.ok(c, `${id}: counters`);
    assert.is(c.connections, c.hosts, `${id}: one SSH connection per host`);
    assert.ok(c.bytesSent > 0 && c.bytesReceived > 0 && c.connectMs > 0 && c.peakRssMiB > 0, `${id}: counters filled`);
    assert.ok(c.roundTrips >= c.hosts, `${id}: at least one round trip per host`);
  }
  assert.ok(byId['cluster-noop'].hostwright.counters!.roundTripsPerTask <= 1, 'no-op: at most one round trip per task');
  assert.equal(byId['cluster-noop'].hostwright.changed, [0]);
  assert.equal(byId['cluster-check-converged'].hostwright.changed, [0]);
  assert.ok(byId['cluster-cold'].hostwright.changed[0] > 0, 'cold converge changed something');
  assert.ok(byId['cluster-cold'].stateDigest && /^[0-9a-f]{64}$/.test(byId['cluster-cold'].stateDigest), 'state digest recorded');
  const profile = results.profiles['cluster-noop'];
  assert.ok(profile && profile.engineMs > 0 && profile.hosts.length === 2, 'no-op profile of both hosts');
});

test('axes, chart and printed summary', () => {
  assert.equal(
    results.hostsAxis.map((p) => p.hosts),
    [1, 2],
  );
  assert.equal(
    results.tasksAxis.map((p) => p.tasksPerHost),
    [4, 20],
  );
  for (const p of [...results.hostsAxis, ...results.tasksAxis]) assert.ok(p.hostwrightMs > 0 && p.peakRssMiB > 0 && p.roundTripsPerTask > 0);
  const svg = readFileSync(join(out, 'hosts.svg'), 'utf8');
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /hostwright/);
  assert.match(stdout, /scenario\s+hosts\s+hostwright\s+Ansible\s+Ansible\/hostwright\s+target/);
  assert.match(stdout, /no-op rerun, converged\s+2\s+\d+\.\d\d s/);
  assert.match(stdout, /hostwright's own counters/);
});

test("Ansible leg: Debian's ansible converges the same workload to the same state digests", () => {
  const text = bench(['--smoke', '--ansible', '--only', 'scale', '--out', outAnsible], 600_000);
  assert.ok(existsSync(join(outAnsible, 'smoke.json')), text.slice(-2000));
  const r = JSON.parse(readFileSync(join(outAnsible, 'smoke.json'), 'utf8')) as BenchResults;
  assert.match(String(r.machine.ansible), /2\.\d+/, 'the Ansible version the leg ran');
  const changing = r.scenarios.find((s) => s.id === 'scale-changing-2')!;
  assert.ok(changing, 'scale-changing scenario');
  // 2 hosts × 3 generated tasks (the 4th creates the directory), every one changed by each tool.
  assert.equal(changing.ansible?.changed, [6], 'Ansible changed every generated task');
  assert.equal(changing.hostwright.changed, [6]);
  const d = changing.stateDigests ?? {};
  assert.ok(d['ansible round 1, 2 hosts'] && d['hostwright round 1'], `digests of both tools: ${JSON.stringify(d)}`);
  assert.is(d['ansible round 1, 2 hosts'], d['hostwright round 1'], 'Ansible and hostwright left the same state');
  assert.ok(changing.ratio! > 0, 'a ratio is computed from both timings');
  const noop = r.scenarios.find((s) => s.id === 'scale-noop-2')!;
  assert.equal(noop.ansible?.changed, [0], 'Ansible no-op changed nothing');
  assert.ok(noop.ansible!.cpuMs! > noop.hostwright.cpuMs!, "Ansible's controller CPU (its process tree, ssh masters included) is measured");
  assert.ok(
    r.hostsAxis.every((p) => p.ansibleMs! > 0 && p.ansibleChangingMs! > 0 && p.ansibleCpuMs! > 0),
    'Ansible on the hosts axis: no-op and changing, with CPU',
  );
});

test.run();
