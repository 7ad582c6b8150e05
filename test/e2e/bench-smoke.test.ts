/**
 * A small run of the benchmark (`node bench/run.ts --smoke`: 1 repetition, 2 own hosts bs-master and
 * bs-node1, hostwright only): it completes, writes a results file of the documented shape and an SVG
 * chart, prints the summary table, and hostwright's counters are sane (one connection per host, at most
 * one round trip per task on the no-op run, nothing changed by no-op or --check on a converged cluster).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { BenchResults } from '../../bench/lib/results.ts';

const root = new URL('../..', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'hw-bench-smoke-'));
let stdout = '';
let results: BenchResults;

test.before(() => {
  const started = Date.now();
  const r = spawnSync(process.execPath, ['bench/run.ts', '--smoke', '--out', out], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  stdout = r.stdout;
  assert.is(r.status, 0, `bench --smoke failed (exit ${r.status}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  assert.ok(Date.now() - started < 60_000, `the smoke run took ${Date.now() - started} ms; it must stay under a minute`);
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
    assert.is(s.ansible, undefined, `${s.id}: no Ansible in the smoke run`);
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
    assert.is(c.roundTripsPerHost, Math.round((c.roundTrips / c.hosts) * 10) / 10);
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

test.run();
