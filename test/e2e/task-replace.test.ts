/**
 * replace on a real test host (`acct1`, reset first): check mode predicts the diff and changes nothing,
 * the first run replaces (keeping mode and owner), the second is ok; a missing file fails; bad arguments
 * are refused before any host. The comparison with Ansible runs on local files (test/unit/replace.test.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testHosts, type TestHosts } from '../hosts/index.ts';
import { replace } from '../../lib/tasks/replace.ts';
import type { Task } from '../../lib/core/task-options.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';

const HOST = 'acct1';
let hosts: TestHosts;
let inventory: Record<string, unknown>;
const run = (tasks: Task[], options: { check?: boolean; diff?: boolean } = {}) =>
  runTasks(tasks, { inventory, knownHostsFile: hosts.knownHostsPath, ...options });
const sh = async (cmd: string) => (await hosts.exec(HOST, cmd)).stdout.trim();

test.before(async () => {
  hosts = await testHosts({ names: [HOST] });
  await hosts.reset([HOST]);
  inventory = {
    all: { hosts: { [HOST]: { ansible_host: hosts.hosts[0].address, ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath } } },
  };
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
