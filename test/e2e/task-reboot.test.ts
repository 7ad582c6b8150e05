/**
 * `reboot` on real test hosts over SSH (`rb1`, `rb2`; their container restarts when they reboot, see
 * test/hosts): check mode says "would reboot" and the boot id stays; a real run reboots both in parallel
 * and each comes back with a new boot id and answers the next task over the same run; a host that does not
 * come back in time fails; bad arguments are refused before any host.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testHosts, type TestHosts } from '../hosts/index.ts';
import { reboot } from '../../lib/tasks/reboot.ts';
import { command } from '../../lib/tasks/command.ts';
import type { Task } from '../../lib/core/task-options.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';

const HOSTS = ['rb1', 'rb2'];
let hosts: TestHosts;
let inventory: Record<string, unknown>;

const run = (tasks: Task[], options: { check?: boolean } = {}) => runTasks(tasks, { inventory, knownHostsFile: hosts.knownHostsPath, ...options });
const bootId = async (h: string) => (await hosts.exec(h, 'cat /proc/sys/kernel/random/boot_id')).stdout.trim();

test.before(async () => {
  hosts = await testHosts({ names: HOSTS });
  await hosts.reset(HOSTS);
  inventory = {
    all: {
      hosts: Object.fromEntries(
        hosts.hosts.map((h) => [h.name, { ansible_host: h.address, ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath }]),
      ),
    },
  };
});

test('check mode: "would reboot", nothing happens', async () => {
  const before = await bootId('rb1');
  const check = await run([reboot({})], { check: true });
  assert.equal(statuses(check, 'rb1'), ['changed']);
  assert.match(hostResults(check, 'rb1')[0].message, /^would reboot \(boot id [0-9a-f]{8}\)$/);
  assert.is(await bootId('rb1'), before);
});

test('a real run reboots both hosts in parallel; each is back with a new boot id and runs the next task', async () => {
  const before = await Promise.all(HOSTS.map(bootId));
  const started = Date.now();
  const result = await run([reboot({ rebootTimeout: 120 }), command({ cmd: 'cat /proc/sys/kernel/random/boot_id' }, { register: 'b' })]);
  const seconds = (Date.now() - started) / 1000;
  for (const [i, h] of HOSTS.entries()) {
    assert.equal(statuses(result, h), ['changed', 'changed'], h);
    assert.match(hostResults(result, h)[0].message, /^reboot \(back after [\d.]+ s, boot id [0-9a-f]{8}\)$/);
    const after = await bootId(h);
    assert.is.not(after, before[i], `${h} has a new boot id`);
  }
  console.log(`reboot of 2 hosts: ${seconds.toFixed(1)} s`);
  assert.ok(seconds < 60, `both were back within a minute (${seconds.toFixed(1)} s)`);
});

test('a host that does not come back in time fails with the reason', async () => {
  // The reboot command does nothing: the boot id never changes.
  const result = await run([reboot({ rebootTimeout: 3, rebootCommand: 'true' })]);
  assert.equal(statuses(result, 'rb1'), ['failed']);
  assert.match(hostResults(result, 'rb1')[0].message, /did not come back with a new boot id within 3 s \(last: still the old boot id/);
});

test('bad arguments are refused before any host', async () => {
  const before = await bootId('rb2');
  assert.throws(() => run([reboot({ rebootTimeout: -1 })]), /rebootTimeout/);
  assert.is(await bootId('rb2'), before);
});

test.run();
