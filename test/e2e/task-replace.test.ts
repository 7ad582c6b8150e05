/**
 * replace on a real test host (`acct1`, reset first): check mode predicts the diff and changes nothing,
 * the first run replaces (keeping mode and owner), the second is ok; a missing file fails; bad arguments
 * are refused before any host. The comparison with Ansible runs on local files (test/unit/replace.test.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { taskTestHost } from '../support/task-host.ts';
import { replace } from '../../lib/tasks/replace.ts';
import { hostResults, statuses } from '../support/run.ts';

const HOST = 'acct1';
const target = taskTestHost(HOST);
const { run, sh } = target;
test.before(async () => {
  await target.start();
});

test('check predicts and changes nothing; first run replaces; second ok', async () => {
  await sh("printf '#PermitRootLogin yes\\nPasswordAuthentication yes\\n' > /srv/sshd && chmod 0600 /srv/sshd && chown nobody /srv/sshd");
  const task = replace({ path: '/srv/sshd', regexp: '^#?(PermitRootLogin|PasswordAuthentication) yes$', replace: '\\1 no' });
  const check = await run([task], { check: true, diff: true });
  assert.equal(statuses(check, HOST), ['changed']);
  assert.equal(hostResults(check, HOST)[0].diff, [
    {
      kind: 'file',
      path: '/srv/sshd',
      before: '#PermitRootLogin yes\nPasswordAuthentication yes\n',
      after: 'PermitRootLogin no\nPasswordAuthentication no\n',
    },
  ]);
  assert.is(await sh('head -1 /srv/sshd'), '#PermitRootLogin yes');
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(await sh('cat /srv/sshd; stat -c "%a %U" /srv/sshd'), 'PermitRootLogin no\nPasswordAuthentication no\n600 nobody');
  assert.equal(statuses(await run([task]), HOST), ['ok']);
  assert.equal(statuses(await run([task], { check: true }), HOST), ['ok']);
});

test('a missing file fails', async () => {
  const r = await run([replace({ path: '/srv/none', regexp: 'a' })]);
  assert.equal(statuses(r, HOST), ['failed']);
  assert.match(hostResults(r, HOST)[0].message, '/srv/none does not exist');
});

test('bad arguments are refused before any host', async () => {
  assert.throws(
    () => run([replace({ path: '/srv/sshd', regexp: 'no', replace: 'yes' }), replace({ path: '/srv/sshd', regexp: '(?<x>a)' })]),
    /regexp: invalid regular expression/,
  );
  assert.is(await sh('grep -c yes /srv/sshd || true'), '0');
});

test.run();
