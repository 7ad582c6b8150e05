/**
 * The engine's per-host run state without a host (lib/engine/state.ts): counting results and leaving the
 * run, registered results and gathered facts invalidating cached variable views, the notification
 * passes of a handler flush, and when a `serial` batch aborts the play.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HostState, RunState } from '../../lib/engine/state.ts';
import { batchFailure, serialBatches } from '../../lib/engine/runner.ts';
import type { HostVars } from '../../lib/core/task-options.ts';

test('results are counted as Ansible does; a failure or an unreachable host leaves the run, an ignored failure does not', () => {
  const h = new HostState('web1');
  h.record('ok', false);
  h.record('changed', false);
  h.record('may-change', false);
  h.record('skipped', false);
  h.record('failed', true);
  assert.equal(h.counts, { ok: 4, changed: 2, unreachable: 0, failed: 0, skipped: 1, ignored: 1 });
  assert.is(h.standing, 'active');
  assert.ok(h.active);
  h.record('failed', false);
  assert.is(h.standing, 'failed');
  assert.not.ok(h.active);
  assert.is(h.counts.failed, 1);

  const u = new HostState('web2');
  u.record('unreachable', false);
  assert.is(u.standing, 'unreachable');
  // A failure reported after the host was unreachable does not hide that it was unreachable.
  u.record('failed', false);
  assert.is(u.standing, 'unreachable');
  assert.equal(u.counts, { ok: 0, changed: 0, unreachable: 1, failed: 1, skipped: 0, ignored: 0 });
});

test('a variables view is reused until a result is registered, facts are gathered or the live hosts change', () => {
  const h = new HostState('web1');
  let builds = 0;
  const build = (): HostVars => ({ host: 'web1', vars: { n: ++builds, ...h.registered }, groups: {} });
  const live = ['web1'];
  const first = h.varsView('0\0', live, build);
  assert.is(h.varsView('0\0', live, build), first);
  assert.is(builds, 1);
  // Another play or role has its own view.
  assert.is.not(h.varsView('1\0', live, build), first);
  h.register('out', { rc: 0 });
  const second = h.varsView('0\0', live, build);
  assert.is.not(second, first);
  assert.equal(second.vars.out, { rc: 0 });
  h.setGatheredFacts({
    osFamily: 'RedHat',
    distribution: 'CentOS',
    distributionVersion: '7',
    packageManager: 'yum',
    serviceManager: 'systemd',
    hostname: 'web1',
    addresses: [],
  });
  assert.is.not(h.varsView('0\0', live, build), second);
  assert.is(h.gatheredFacts?.distribution, 'CentOS');
  const third = h.varsView('0\0', live, build);
  assert.is.not(h.varsView('0\0', ['web1', 'web2'], build), third, 'play_hosts changed');
});

test('a flush pass takes the known notifications and leaves the rest; what is left at the end is dropped', () => {
  const h = new HostState('web1');
  h.notify(['restart etcd', 'no such handler']);
  const pass = h.takeNotified(new Set(['restart etcd', 'reload nginx']));
  assert.equal([...pass].sort(), ['no such handler', 'restart etcd']);
  assert.equal([...h.notified], ['no such handler']);
  // Notified while the handlers of this pass run: for the next pass.
  h.notify(['reload nginx']);
  assert.equal([...h.takeNotified(new Set(['reload nginx']))].sort(), ['no such handler', 'reload nginx']);
  assert.equal(h.dropNotified(), ['no such handler']);
  assert.is(h.notified.size, 0);
});

test('the run state: one HostState per host, in the order hosts joined; a delegate outside the run is not one', () => {
  const run = new RunState();
  const a = run.join('a');
  run.join('b');
  assert.is(run.join('a'), a);
  assert.is(run.find('a'), a);
  assert.is(run.find('delegate'), undefined);
  assert.equal(
    run.all().map((h) => h.name),
    ['a', 'b'],
  );
  assert.equal(run.shared, {});
  assert.equal(a.memory, {});
});

test('a batch aborts the play when every host failed, or more than maxFailPercentage did', () => {
  const hosts = ['a', 'b', 'c', 'd'].map((n) => new HostState(n));
  assert.is(batchFailure(hosts, undefined), undefined);
  hosts[0].record('failed', false);
  assert.is(batchFailure(hosts, undefined), undefined);
  assert.is(batchFailure(hosts, 25), undefined);
  assert.is(batchFailure(hosts, 20), '1 of 4 hosts failed, more than maxFailPercentage 20%');
  for (const h of hosts.slice(1)) h.record('unreachable', false);
  assert.is(batchFailure(hosts, undefined), 'every host of the batch failed');
  assert.equal(
    serialBatches(hosts, [1, '50%']).map((b) => b.map((h) => h.name)),
    [['a'], ['b', 'c'], ['d']],
  );
});

test.run();
