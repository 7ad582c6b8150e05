/**
 * user on a real test host (`acct1`, reset first): recorded probe fixtures replay to the same state;
 * check mode predicts and changes nothing, the first run changes, the second is ok; the hash never shows
 * in messages, diffs or the host's process list; bad arguments are refused before any host; and the
 * differential cases against Ansible's recorded answers (test/fixtures/user/ansible/, re-record with
 * HW_RECORD_ANSIBLE=user).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TestHosts } from '../hosts/index.ts';
import { taskTestHost } from '../support/task-host.ts';
import { user, userType } from '../../lib/tasks/user.ts';
import { renderDiff } from '../../lib/report/diff.ts';
import { hostResults, statuses } from '../support/run.ts';
import { replayProbeFixtures } from '../support/probe-fixtures.ts';
import { differential } from '../support/ansible-differential.ts';

const HOST = 'acct1';
const HASH = '$6$hwsalt1$YFH9.bokvJHiGlBl0GV2GlsEhbILewQfCynDJLzOWm/f0Yr3SXVclLOsUE6ywGmycQ.tGgDm3/DpIXWVv6lHu/';
const target = taskTestHost(HOST);
const { run, sh } = target;
let hosts: TestHosts;

test.before(async () => {
  hosts = await target.start();
});

test('the recorded probe fixtures replay to the same state', async () => {
  const problems = await replayProbeFixtures('user', { name: HOST, exec: (c) => hosts.exec(HOST, c) }, (args) => userType.probe(args, {} as never)!);
  assert.equal(problems, []);
  await hosts.reset([HOST]);
});

test('check predicts and changes nothing; first run creates; second is ok; the hash is never shown', async () => {
  await sh('groupadd -g 3001 hwg1');
  const task = user({ name: 'svc1', uid: 2100, groups: ['hwg1', 'adm'], shell: '/bin/bash', password: HASH, comment: 'Svc1' });
  const check = await run([task], { check: true, diff: true });
  assert.equal(statuses(check, HOST), ['changed']);
  const shown = JSON.stringify(check.events);
  assert.not.ok(shown.includes('hwsalt1'), 'no hash in events');
  assert.equal(renderDiff(hostResults(check, HOST)[0].diff ?? []), [
    'user svc1: (absent) → uid 2100, groups hwg1,adm, shell /bin/bash, password set',
  ]);
  assert.is(await sh('getent passwd svc1 || echo none'), 'none');
  const first = await run([task], { diff: true });
  assert.equal(statuses(first, HOST), ['changed']);
  assert.not.ok(JSON.stringify(first.events).includes('hwsalt1'), 'no hash in events');
  assert.is(await sh('getent passwd svc1'), 'svc1:x:2100:2100:Svc1:/home/svc1:/bin/bash');
  assert.is(await sh('getent shadow svc1 | cut -d: -f2'), HASH);
  assert.is(await sh('id -Gn svc1'), 'svc1 adm hwg1');
  assert.is(await sh('stat -c "%U %G" /home/svc1'), 'svc1 svc1');
  const second = await run([task]);
  assert.equal(statuses(second, HOST), ['ok']);
  assert.is(hostResults(second, HOST)[0].message, 'user svc1 is as wanted (uid 2100)');
  assert.equal(statuses(await run([task], { check: true }), HOST), ['ok']);
});

test('a changed hash, lock and groups: check predicts, the run does it, then ok', async () => {
  const other = '$6$hwsalt2$uFpK9zP7PQvoq8PLUQBf0esa.jXaPIoWv5WkxMpwQ2Sg/fjt0DgI1AKznVJboqITMnD5kpjWucjdf2e7rwFLW1';
  const task = user({ name: 'svc1', password: other, passwordLock: true, groups: ['hwg1'] });
  const check = await run([task], { check: true, diff: true });
  assert.equal(renderDiff(hostResults(check, HOST)[0].diff ?? []), [
    'user svc1 groups: adm,hwg1 → hwg1',
    'user svc1: password hash changes (not shown)',
  ]);
  assert.not.ok(JSON.stringify(check.events).includes('hwsalt2'));
  assert.is(await sh('getent shadow svc1 | cut -d: -f2'), HASH);
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(await sh('getent shadow svc1 | cut -d: -f2'), `!${other}`);
  assert.is(await sh('id -Gn svc1'), 'svc1 hwg1');
  assert.equal(statuses(await run([task]), HOST), ['ok']);
});

test('a missing group fails with a reason; remove takes the home', async () => {
  const missing = await run([user({ name: 'svc1', groups: ['nosuch'] })]);
  assert.equal(statuses(missing, HOST), ['failed']);
  assert.match(hostResults(missing, HOST)[0].message, 'group nosuch does not exist');
  const gone = user({ name: 'svc1', state: 'absent', remove: true });
  assert.equal(statuses(await run([gone], { check: true }), HOST), ['changed']);
  assert.is(await sh('test -d /home/svc1 && echo yes'), 'yes');
  assert.equal(statuses(await run([gone]), HOST), ['changed']);
  assert.is(await sh('getent passwd svc1 || test -d /home/svc1 || echo gone'), 'gone');
  assert.equal(statuses(await run([gone]), HOST), ['ok']);
});

test('bad arguments are refused before any host', async () => {
  assert.throws(() => run([user({ name: 'x1' }), user({ name: 'x2', password: 'clear text' })]), /crypt\(3\) hash/);
  assert.throws(() => user({ name: 'x', state: 'absent', shell: '/bin/sh' }), /shell is not allowed with state "absent"/);
  assert.throws(() => user({ name: 'x', remove: true }), /only allowed with state "absent"/);
  assert.throws(() => user({ name: 'x', append: true }), /append needs groups/);
  assert.is(await sh('getent passwd x1 || echo none'), 'none');
});

test("differential: the same arguments give Ansible's user module's state and verdicts", async () => {
  const { cases, problems } = await differential('user', hosts, HOST, user);
  assert.ok(cases >= 10, `${cases} cases`);
  assert.equal(problems, []);
});

test.run();
