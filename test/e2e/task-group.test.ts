/**
 * group on a real test host (`acct1`, reset first): recorded probe fixtures replay to the same state;
 * check mode predicts and changes nothing, the first run changes, the second is ok; gid changes, removal,
 * refusals; bad arguments refused before any host; and the differential cases against Ansible's recorded
 * answers (test/fixtures/group/ansible/, re-record with HW_RECORD_ANSIBLE=group).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TestHosts } from '../hosts/index.ts';
import { taskTestHost } from '../support/task-host.ts';
import { group, groupType } from '../../lib/tasks/group.ts';
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
    'group',
    { name: HOST, exec: (c) => hosts.exec(HOST, c) },
    (args) => groupType.probe(args, {} as never)!,
  );
  assert.equal(problems, []);
  await hosts.reset([HOST]);
});

test('check predicts and changes nothing; first run creates; second is ok', async () => {
  const task = group({ name: 'etcd', gid: 990, system: true });
  const check = await run([task], { check: true, diff: true });
  assert.equal(statuses(check, HOST), ['changed']);
  assert.equal(renderDiff(hostResults(check, HOST)[0].diff ?? []), ['group etcd: (absent) → gid 990']);
  assert.is(await sh('getent group etcd || echo none'), 'none');
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(await sh('getent group etcd'), 'etcd:x:990:');
  const second = await run([task]);
  assert.equal(statuses(second, HOST), ['ok']);
  assert.is(hostResults(second, HOST)[0].message, 'group etcd exists (gid 990)');
  assert.equal(statuses(await run([task], { check: true }), HOST), ['ok']);
});

test('gid change: check predicts it, the run does it, members stay', async () => {
  await sh('useradd -M hwu1 && gpasswd -a hwu1 etcd');
  const task = group({ name: 'etcd', gid: 991 });
  const check = await run([task], { check: true, diff: true });
  assert.equal(renderDiff(hostResults(check, HOST)[0].diff ?? []), ['group etcd gid: 990 → 991']);
  assert.is(await sh('getent group etcd'), 'etcd:x:990:hwu1');
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(await sh('getent group etcd'), 'etcd:x:991:hwu1');
  assert.equal(statuses(await run([task]), HOST), ['ok']);
});

test('a taken gid and the primary group of a user are refused with a reason; absent removes', async () => {
  const taken = await run([group({ name: 'other', gid: 991 })]);
  assert.equal(statuses(taken, HOST), ['failed']);
  assert.match(hostResults(taken, HOST)[0].message, 'gid 991 is already used by group etcd; choose another gid or set nonUnique');
  await sh('useradd -M -g etcd hwu2');
  const primary = await run([group({ name: 'etcd', state: 'absent' })]);
  assert.match(hostResults(primary, HOST)[0].message, 'group etcd is the primary group of hwu2; remove or change those users first');
  await sh('userdel hwu2');
  const check = await run([group({ name: 'etcd', state: 'absent' })], { check: true });
  assert.equal(statuses(check, HOST), ['changed']);
  assert.equal(statuses(await run([group({ name: 'etcd', state: 'absent' })]), HOST), ['changed']);
  assert.is(await sh('getent group etcd || echo none'), 'none');
  assert.equal(statuses(await run([group({ name: 'etcd', state: 'absent' })]), HOST), ['ok']);
});

test('bad arguments are refused before any host', async () => {
  assert.throws(() => run([group({ name: 'x1' }), group({ name: 'bad name' })]), /argument "name"/);
  assert.throws(() => group({ name: 'x', state: 'absent', gid: 1 }), /not allowed with state "absent"/);
  assert.throws(() => group({ name: 'x', nonUnique: true }), /nonUnique needs gid/);
  assert.is(await sh('getent group x1 || echo none'), 'none');
});

test("differential: the same arguments give Ansible's group module's state and verdicts", async () => {
  const { cases, problems } = await differential('group', hosts, HOST, group);
  assert.ok(cases >= 10, `${cases} cases`);
  assert.equal(problems, []);
});

test.run();
