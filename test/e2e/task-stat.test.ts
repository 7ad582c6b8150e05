/**
 * stat on a real test host (`acct1`, reset first): the recorded probe fixtures replay to the same state,
 * a registered result drives `when`, check mode and a real run are both ok and change nothing, and bad
 * arguments are refused before any host.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testHosts, type TestHosts } from '../hosts/index.ts';
import { stat, statType } from '../../lib/tasks/stat.ts';
import { file } from '../../lib/tasks/file.ts';
import type { Task } from '../../lib/core/task-options.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';
import { replayProbeFixtures } from '../support/probe-fixtures.ts';

const HOST = 'acct1';
let hosts: TestHosts;
let inventory: Record<string, unknown>;
const run = (tasks: Task[], options: { check?: boolean } = {}) => runTasks(tasks, { inventory, knownHostsFile: hosts.knownHostsPath, ...options });

test.before(async () => {
  hosts = await testHosts({ names: [HOST] });
  await hosts.reset([HOST]);
  inventory = {
    all: { hosts: { [HOST]: { ansible_host: hosts.hosts[0].address, ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath } } },
  };
});

test('the recorded probe fixtures replay to the same state (mtime and inode aside)', async () => {
  const problems = await replayProbeFixtures(
    'stat',
    { name: HOST, exec: (c) => hosts.exec(HOST, c) },
    (args) => statType.probe(args, {} as never)!,
    (s) => (s && typeof s === 'object' ? { ...s, mtime: undefined, inode: undefined } : s),
  );
  assert.equal(problems, []);
});

test('a registered stat drives when; ok in check mode and in a real run', async () => {
  await hosts.exec(HOST, 'rm -rf /srv/st; mkdir -p /srv/st; printf abc > /srv/st/a');
  const tasks = [
    stat({ path: '/srv/st/a', checksumAlgorithm: 'sha256' }, { register: 'a' }),
    stat({ path: '/srv/st/none' }, { register: 'none' }),
    file(
      { path: '/srv/st/flag', content: 'x' },
      {
        when: (v) =>
          (v.vars as any).a.stat.exists &&
          (v.vars as any).a.stat.checksum === 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' &&
          !(v.vars as any).none.stat.exists,
      },
    ),
  ];
  const check = await run(tasks, { check: true });
  assert.equal(
    statuses(check, HOST),
    ['ok', 'ok', 'changed'],
    hostResults(check, HOST)
      .map((e) => e.message)
      .join('; '),
  );
  assert.is((await hosts.exec(HOST, 'test -e /srv/st/flag && echo yes || echo no')).stdout.trim(), 'no');
  const real = await run(tasks);
  assert.equal(statuses(real, HOST), ['ok', 'ok', 'changed']);
  assert.is(hostResults(real, HOST)[0].message, '/srv/st/a is a file of 3 bytes (0644 root:root)');
  assert.is(hostResults(real, HOST)[1].message, '/srv/st/none does not exist');
  assert.equal(statuses(await run(tasks), HOST), ['ok', 'ok', 'ok']);
});

test('bad arguments are refused before any host', () => {
  assert.throws(() => stat({ path: 'relative' }), /argument "path"/);
  assert.throws(() => stat({ path: '/x', checksum: false, checksumAlgorithm: 'md5' }), /checksumAlgorithm is not allowed/);
  assert.throws(() => stat({ path: '/x', checksumAlgorithm: 'crc32' as never }), /checksumAlgorithm/);
});

test.run();
