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
  assert.is(r.status, 0, `bench ${args.join(' ')} failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
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
  for (const id of ['cluster-check-fresh', 'cluster-cold', 'cluster-noop', 'cluster-check-converged', 'scale-first', 'scale-changing', 'scale-noop']) assert.ok(ids.includes(id), `scenario ${id} missing from ${ids.join(', ')}`);
  for (const s of results.scenarios) {
    assert.is(s.hostwright.timing.runsMs.length, 1, `${s.id}: one repetition`);
    assert.ok(s.hostwright.timing.medianMs > 0 && s.hostwright.timing.minMs <= s.hostwright.timing.medianMs && s.hostwright.timing.medianMs <= s.hostwright.timing.maxMs, `${s.id}: median within min–max`);
  }
  assert.ok(results.startup.importLibMs > 0 && results.startup.nodeBareMs > 0);
});

test("hostwright's counters: one connection per host, no-op within the round-trip budget, no changes", () => {
  const byId = Object.fromEntries(results.scenarios.map((s) => [s.id, s]));
  for (const id of ['cluster-cold', 'cluster-noop', 'scale-noop']) {
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
  assert.equal(results.hostsAxis.map((p) => p.hosts), [1, 2]);
  assert.equal(results.tasksAxis.map((p) => p.tasksPerHost), [4, 20]);
  for (const p of [...results.hostsAxis, ...results.tasksAxis]) assert.ok(p.hostwrightMs > 0 && p.peakRssMiB > 0 && p.roundTripsPerTask > 0);
  const svg = readFileSync(join(out, 'hosts.svg'), 'utf8');
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /hostwright/);
  assert.match(stdout, /scenario\s+hosts\s+hostwright\s+Ansible\s+Ansible\/hostwright\s+target/);
  assert.match(stdout, /no-op rerun, converged\s+2\s+\d+\.\d\d s/);
  assert.match(stdout, /hostwright's own counters/);
});

test('Ansible leg: Debian\'s ansible converges the same workload to the same state digests', () => {
  const text = bench(['--smoke', '--ansible', '--only', 'scale', '--out', outAnsible], 600_000);
  assert.ok(existsSync(join(outAnsible, 'smoke.json')), text.slice(-2000));
  const r = JSON.parse(readFileSync(join(outAnsible, 'smoke.json'), 'utf8')) as BenchResults;
  assert.match(String(r.machine.ansible), /2\.\d+/, 'the Ansible version the leg ran');
  const changing = r.scenarios.find((s) => s.id === 'scale-changing')!;
  assert.ok(changing, 'scale-changing scenario');
  // 2 hosts × 3 generated tasks (the 4th creates the directory), every one changed by each tool.
  assert.equal(changing.ansible?.changed, [6], 'Ansible changed every generated task');
  assert.equal(changing.hostwright.changed, [6]);
  const d = changing.stateDigests ?? {};
  assert.ok(d['ansible round 1'] && d['hostwright round 1'], `digests of both tools: ${JSON.stringify(d)}`);
  assert.is(d['ansible round 1'], d['hostwright round 1'], 'Ansible and hostwright left the same state');
  assert.ok(changing.ratio! > 0, 'a ratio is computed from both timings');
  const noop = r.scenarios.find((s) => s.id === 'scale-noop')!;
  assert.equal(noop.ansible?.changed, [0], 'Ansible no-op changed nothing');
});

test.run();
