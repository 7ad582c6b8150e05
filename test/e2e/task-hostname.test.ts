/**
 * hostname on a real test host (`acct1`, reset first; systemd with hostnamectl): recorded probe fixtures
 * replay to the same state; check mode predicts and changes nothing, the first run sets both names, the
 * second is ok; bad arguments refused before any host; and the differential cases against Ansible's
 * recorded answers (test/fixtures/hostname/ansible/, re-record with HW_RECORD_ANSIBLE=hostname).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TestHosts } from '../hosts/index.ts';
import { taskTestHost } from '../support/task-host.ts';
import { hostname, hostnameType } from '../../lib/tasks/hostname.ts';
import { renderDiff } from '../../lib/report/diff.ts';
import { hostResults, statuses } from '../support/run.ts';
import { replayProbeFixtures } from '../support/probe-fixtures.ts';
import { differential } from '../support/ansible-differential.ts';

const HOST = 'acct1';
const target = taskTestHost(HOST);
const { run, sh } = target;
let hosts: TestHosts;

test.before(async () => {
  hosts = await target.start();
});

test('the recorded probe fixtures replay to the same state', async () => {
  const problems = await replayProbeFixtures(
    'hostname',
    { name: HOST, exec: (c) => hosts.exec(HOST, c) },
    () => hostnameType.probe({ name: 'x' }, {} as never)!,
  );
  assert.equal(problems, []);
});

test('check predicts and changes nothing; first run sets both names; second ok', async () => {
  const task = hostname({ name: 'node1.example.com' });
  const check = await run([task], { check: true, diff: true });
  assert.equal(statuses(check, HOST), ['changed']);
  assert.equal(renderDiff(hostResults(check, HOST)[0].diff ?? []), ['hostname: acct1 → node1.example.com']);
  assert.is(await sh('hostname; cat /etc/hostname'), 'acct1\nacct1');
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(await sh('hostname; cat /etc/hostname'), 'node1.example.com\nnode1.example.com');
  assert.equal(statuses(await run([task]), HOST), ['ok']);
  assert.equal(statuses(await run([task], { check: true }), HOST), ['ok']);
});

test('bad arguments are refused before any host', async () => {
  assert.throws(() => run([hostname({ name: 'ok' }), hostname({ name: 'bad_name' })]), /argument "name"/);
  assert.throws(() => hostname({ name: 'a'.repeat(65) }), /argument "name"/);
  assert.throws(() => hostname({ name: 'x', use: 'debian' as never }), /argument "use"/);
  assert.is(await sh('hostname'), 'node1.example.com');
});

test("differential: the same name gives Ansible's hostname module's names and verdicts", async () => {
  const { cases, problems } = await differential('hostname', hosts, HOST, hostname);
  assert.ok(cases >= 10, `${cases} cases`);
  assert.equal(problems, []);
});

test.run();
