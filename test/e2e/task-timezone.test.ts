/**
 * timezone on a real test host (`acct1`, reset first; systemd with timedatectl): recorded probe fixtures
 * replay; check mode predicts and changes nothing, the first run sets the zone, the second is ok; an
 * unknown zone fails before any change; bad arguments are refused before any host.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TestHosts } from '../hosts/index.ts';
import { taskTestHost } from '../support/task-host.ts';
import { timezone, timezoneType } from '../../lib/tasks/timezone.ts';
import { renderDiff } from '../../lib/report/diff.ts';
import { hostResults, statuses } from '../support/run.ts';
import { replayProbeFixtures } from '../support/probe-fixtures.ts';

const HOST = 'acct1';
const target = taskTestHost(HOST);
const { run, sh } = target;
let hosts: TestHosts;

test.before(async () => {
  hosts = await target.start();
});

test('the recorded probe fixtures replay to the same state', async () => {
  const problems = await replayProbeFixtures(
    'timezone',
    { name: HOST, exec: (c) => hosts.exec(HOST, c) },
    (args) => timezoneType.probe(args, {} as never)!,
  );
  assert.equal(problems, []);
  await hosts.reset([HOST]);
});

test('check predicts and changes nothing; first run sets the zone; second ok', async () => {
  const before = await sh('readlink /etc/localtime');
  const task = timezone({ name: 'Europe/Paris' });
  const check = await run([task], { check: true, diff: true });
  assert.equal(statuses(check, HOST), ['changed']);
  assert.match(renderDiff(hostResults(check, HOST)[0].diff ?? [])[0], / → Europe\/Paris$/);
  assert.is(await sh('readlink /etc/localtime'), before);
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(await sh('readlink /etc/localtime'), '../usr/share/zoneinfo/Europe/Paris');
  assert.is(await sh('date +%Z -d 2026-01-15'), 'CET');
  assert.equal(statuses(await run([task]), HOST), ['ok']);
  assert.equal(statuses(await run([task], { check: true }), HOST), ['ok']);
});

test('an unknown zone fails before anything changes', async () => {
  const r = await run([timezone({ name: 'Mars/Olympus' })]);
  assert.equal(statuses(r, HOST), ['failed']);
  assert.match(hostResults(r, HOST)[0].message, 'unknown time zone Mars/Olympus');
  assert.is(await sh('readlink /etc/localtime'), '../usr/share/zoneinfo/Europe/Paris');
});

test('bad arguments are refused before any host', async () => {
  assert.throws(() => run([timezone({ name: 'UTC' }), timezone({ name: '../etc/passwd' })]), /argument "name"/);
  assert.is(await sh('readlink /etc/localtime'), '../usr/share/zoneinfo/Europe/Paris');
});

test.run();
