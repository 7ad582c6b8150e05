/**
 * cron on a real test host (`acct1`, reset first; the rootfs has Debian's cron): recorded probe fixtures
 * replay to the same state; check mode predicts and changes nothing, the first run writes, the second is
 * ok; an /etc/cron.d file; bad arguments refused before any host; and the differential cases against
 * Ansible's recorded answers (test/fixtures/cron/ansible/, re-record with HW_RECORD_ANSIBLE=cron).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TestHosts } from '../hosts/index.ts';
import { taskTestHost } from '../support/task-host.ts';
import { cron, cronType } from '../../lib/tasks/cron.ts';
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
  const problems = await replayProbeFixtures('cron', { name: HOST, exec: (c) => hosts.exec(HOST, c) }, (args) => cronType.probe(args, {} as never)!);
  assert.equal(problems, []);
  await hosts.reset([HOST]);
});

test('check predicts and changes nothing; first run writes the crontab; second ok', async () => {
  await sh('useradd -m svc1');
  const tasks = [
    cron({ name: 'PATH', env: true, user: 'svc1', job: '/usr/bin:/bin' }),
    cron({ name: 'backup', user: 'svc1', minute: '0', hour: '3', job: '/usr/local/bin/backup' }),
    cron({ name: 'at boot', user: 'svc1', specialTime: 'reboot', job: 'touch /tmp/booted' }),
  ];
  const check = await run(tasks, { check: true, diff: true });
  assert.equal(statuses(check, HOST), ['changed', 'changed', 'changed']);
  assert.is(await sh('crontab -u svc1 -l 2>&1 || true'), 'no crontab for svc1');
  assert.equal(statuses(await run(tasks), HOST), ['changed', 'changed', 'changed']);
  assert.is(
    await sh('crontab -u svc1 -l'),
    'PATH="/usr/bin:/bin"\n#Ansible: backup\n0 3 * * * /usr/local/bin/backup\n#Ansible: at boot\n@reboot touch /tmp/booted',
  );
  assert.equal(statuses(await run(tasks), HOST), ['ok', 'ok', 'ok']);
  assert.equal(statuses(await run(tasks, { check: true }), HOST), ['ok', 'ok', 'ok']);
  const change = await run([cron({ name: 'backup', user: 'svc1', minute: '30', hour: '3', job: '/usr/local/bin/backup' })], {
    check: true,
    diff: true,
  });
  const d = hostResults(change, HOST)[0].diff![0] as { before: string; after: string };
  assert.match(d.after, /#Ansible: backup\n30 3 \* \* \* \/usr\/local\/bin\/backup\n/);
  assert.match(await sh('crontab -u svc1 -l'), /^0 3 /m, 'check changed nothing');
});

test('an /etc/cron.d file: created 0644, then the last entry removed removes the file', async () => {
  const task = cron({ name: 'cleanup', cronFile: 'hw-cleanup', user: 'root', minute: '15', job: 'find /tmp -mtime +7 -delete' });
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(
    await sh('stat -c %a /etc/cron.d/hw-cleanup; cat /etc/cron.d/hw-cleanup'),
    '644\n#Ansible: cleanup\n15 * * * * root find /tmp -mtime +7 -delete',
  );
  assert.equal(statuses(await run([task]), HOST), ['ok']);
  const gone = cron({ name: 'cleanup', cronFile: 'hw-cleanup', state: 'absent' });
  assert.equal(statuses(await run([gone], { check: true }), HOST), ['changed']);
  assert.equal(statuses(await run([gone]), HOST), ['changed']);
  assert.is(await sh('test -e /etc/cron.d/hw-cleanup && echo yes || echo no'), 'no');
  assert.equal(statuses(await run([gone]), HOST), ['ok']);
});

test('bad arguments are refused before any host', async () => {
  assert.throws(
    () => run([cron({ name: 'a', user: 'svc1', job: 'x' }), cron({ name: 'b', specialTime: 'reboot', minute: '5', job: 'x' })]),
    /either specialTime or the time fields/,
  );
  assert.throws(() => cron({ name: 'a', cronFile: 'x', job: 'y' }), /cronFile needs user/);
  assert.throws(() => cron({ name: 'a' }), /job is required/);
  assert.throws(() => cron({ name: 'a', job: 'x', insertAfter: 'B' }), /only allowed with env/);
  assert.is(await sh('crontab -u svc1 -l | grep -c "#Ansible: a$" || true'), '0');
});

test("differential: the same arguments give Ansible's cron module's bytes and verdicts", async () => {
  const { cases, problems } = await differential('cron', hosts, HOST, cron);
  assert.ok(cases >= 10, `${cases} cases`);
  assert.equal(problems, []);
});

test.run();
