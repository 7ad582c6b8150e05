/**
 * authorizedKey on a real test host (`acct1`, reset first): recorded probe fixtures replay to the same
 * state; check mode predicts and changes nothing, the first run writes (~/.ssh 0700, file 0600, owned by
 * the user), the second is ok, and the key really lets the user log in over SSH; bad arguments are
 * refused before any host; and the differential cases against Ansible's recorded answers
 * (test/fixtures/authorized-key/ansible/, re-record with HW_RECORD_ANSIBLE=authorized-key).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { testHosts, type TestHosts } from '../hosts/index.ts';
import { authorizedKey, authorizedKeyType } from '../../lib/tasks/authorized-key.ts';
import { user } from '../../lib/tasks/user.ts';
import type { Task } from '../../lib/core/task-options.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';
import { replayProbeFixtures } from '../support/probe-fixtures.ts';
import { differential } from '../support/ansible-differential.ts';

const HOST = 'acct1';
let hosts: TestHosts;
let inventory: Record<string, unknown>;
const run = (tasks: Task[], options: { check?: boolean; diff?: boolean; inv?: Record<string, unknown> } = {}) =>
  runTasks(tasks, { inventory: options.inv ?? inventory, knownHostsFile: hosts.knownHostsPath, ...options });
const sh = async (cmd: string) => (await hosts.exec(HOST, cmd)).stdout.trim();

test.before(async () => {
  hosts = await testHosts({ names: [HOST] });
  await hosts.reset([HOST]);
  inventory = {
    all: { hosts: { [HOST]: { ansible_host: hosts.hosts[0].address, ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath } } },
  };
});

test('the recorded probe fixtures replay to the same state', async () => {
  const problems = await replayProbeFixtures(
    'authorized-key',
    { name: HOST, exec: (c) => hosts.exec(HOST, c) },
    (args) => authorizedKeyType.probe(args, new Map() as never)!,
  );
  assert.equal(problems, []);
  await hosts.reset([HOST]);
});

test('check predicts and changes nothing; the first run writes with 0700/0600; second ok; the key logs in', async () => {
  const pub = readFileSync(`${hosts.keyPath}.pub`, 'utf8').trim();
  const tasks = [
    user({ name: 'svc1', shell: '/bin/bash', password: '*' }),
    authorizedKey({ user: 'svc1', keyFile: `${hosts.keyPath}.pub`, keyOptions: 'no-pty' }),
  ];
  const check = await run(tasks, { check: true, diff: true });
  assert.equal(statuses(check, HOST), ['changed', 'may-change'], 'the user does not exist yet in check mode');
  await run([tasks[0]]);
  const check2 = await run([tasks[1]], { check: true, diff: true });
  assert.equal(statuses(check2, HOST), ['changed']);
  const diff = hostResults(check2, HOST)[0].diff![0] as { after: string };
  assert.is(diff.after, `no-pty ${pub.split(' ').slice(0, 2).join(' ')} ${pub.split(' ').slice(2).join(' ')}\n`);
  assert.is(await sh('test -e /home/svc1/.ssh && echo yes || echo no'), 'no');
  assert.equal(statuses(await run([tasks[1]]), HOST), ['changed']);
  assert.is(await sh('stat -c "%a %U %G" /home/svc1/.ssh /home/svc1/.ssh/authorized_keys'), '700 svc1 svc1\n600 svc1 svc1');
  assert.is(await sh('cat /home/svc1/.ssh/authorized_keys'), diff.after.trim());
  assert.equal(statuses(await run([tasks[1]]), HOST), ['ok']);
  assert.equal(statuses(await run([tasks[1]], { check: true }), HOST), ['ok']);
  const asSvc1 = {
    all: { hosts: { [HOST]: { ansible_host: hosts.hosts[0].address, ansible_user: 'svc1', ansible_ssh_private_key_file: hosts.keyPath } } },
  };
  const whoami = await runTasks([authorizedKey({ user: 'svc1', keyFile: `${hosts.keyPath}.pub`, keyOptions: 'no-pty' })], {
    inventory: asSvc1,
    knownHostsFile: hosts.knownHostsPath,
  });
  assert.equal(statuses(whoami, HOST), ['ok'], 'svc1 logs in with the key and reads its own file');
});

test('bad arguments are refused before any host', async () => {
  assert.throws(
    () => run([authorizedKey({ user: 'svc1', key: 'ssh-ed25519 AAAA x' }), authorizedKey({ user: 'svc1', key: 'not a key' })]),
    /not an SSH public key line/,
  );
  assert.throws(() => authorizedKey({ user: 'svc1' }), /exactly one of key and keyFile/);
  assert.throws(() => authorizedKey({ user: 'svc1', key: 'ssh-ed25519 AAAA x', state: 'absent', exclusive: true }), /exclusive is only allowed/);
  assert.is(await sh('grep -c "AAAA x" /home/svc1/.ssh/authorized_keys || true'), '0');
});

test("differential: the same arguments give Ansible's authorized_key's file bytes, modes and verdicts", async () => {
  const { cases, problems } = await differential('authorized-key', hosts, HOST, authorizedKey);
  assert.ok(cases >= 10, `${cases} cases`);
  assert.equal(problems, []);
});

test.run();
