/**
 * `mount` on a real test host over SSH (`mt1`, reset to fresh first) with tmpfs, which the container may
 * mount (real mounts in the host's own mount namespace; no block devices): mounted (check predicts and
 * changes nothing, first run changed, second ok), new options remount, unmounted, absent, present, the
 * ad-hoc module with Ansible's `name`, bad arguments refused before any host; and the differential cases
 * against Ansible's recorded answers (test/fixtures/mount/ansible/, re-record with HW_RECORD_ANSIBLE=mount).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testHosts, type TestHosts } from '../hosts/index.ts';
import { mount } from '../../lib/tasks/mount.ts';
import type { Task } from '../../lib/core/task-options.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';
import { hw } from '../support/child.ts';
import { differential } from '../support/ansible-differential.ts';

const HOST = 'mt1';
const dir = mkdtempSync(join(tmpdir(), 'hw-mount-e2e-'));
const inventoryPath = join(dir, 'inventory.json');
let hosts: TestHosts;
let inventory: Record<string, unknown>;

const run = (tasks: Task[], options: { check?: boolean; diff?: boolean } = {}) =>
  runTasks(tasks, { inventory, knownHostsFile: hosts.knownHostsPath, ...options });
const sh = async (cmd: string) => {
  const r = await hosts.exec(HOST, cmd);
  assert.is(r.code, 0, `${HOST}: \`${cmd}\` exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout.trim();
};
const mounted = (path: string) => sh(`awk -v p=${path} '$2 == p { print $1, $3 }' /proc/self/mounts`);

test.before(async () => {
  hosts = await testHosts({ names: [HOST] });
  await hosts.reset([HOST]);
  inventory = {
    all: { hosts: { [HOST]: { ansible_host: hosts.hosts[0].address, ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath } } },
  };
  writeFileSync(inventoryPath, JSON.stringify(inventory));
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

const data = (opts = 'size=1m,mode=0750') => mount({ path: '/mnt/data', src: 'tmpfs', fstype: 'tmpfs', opts, state: 'mounted' });

test('mounted: check predicts and changes nothing; first run writes the line and mounts; second ok', async () => {
  const fstab = await sh('cat /etc/fstab');
  const check = await run([data()], { check: true, diff: true });
  assert.is(hostResults(check, HOST)[0].message, 'add the line in /etc/fstab, mount /mnt/data');
  assert.is(await sh('cat /etc/fstab'), fstab);
  assert.is(await mounted('/mnt/data'), '');
  assert.equal(statuses(await run([data()]), HOST), ['changed']);
  assert.match(await sh('cat /etc/fstab'), /^tmpfs \/mnt\/data tmpfs size=1m,mode=0750 0 0$/m);
  assert.is(await mounted('/mnt/data'), 'tmpfs tmpfs');
  assert.is(await sh('stat -c %a /mnt/data'), '750');
  assert.equal(statuses(await run([data()]), HOST), ['ok']);
  assert.equal(statuses(await run([data('mode=0750,size=1m')]), HOST), ['ok'], 'options compared as a set');
  assert.equal(statuses(await run([data()], { check: true }), HOST), ['ok']);
});

test('new options: the line is updated and the file system remounted with them', async () => {
  const result = await run([data('size=2m,mode=0750')]);
  assert.is(hostResults(result, HOST)[0].message, 'update the line in /etc/fstab, remount /mnt/data');
  assert.match(await sh('awk \'$2 == "/mnt/data" { print $4 }\' /proc/self/mounts'), /size=2048k/);
  assert.equal(statuses(await run([data('size=2m,mode=0750')]), HOST), ['ok']);
});

test('unmounted keeps the line; absent removes it; present writes only the line', async () => {
  const un = mount({ path: '/mnt/data', state: 'unmounted' });
  assert.equal(statuses(await run([un]), HOST), ['changed']);
  assert.is(await mounted('/mnt/data'), '');
  assert.match(await sh('cat /etc/fstab'), /\/mnt\/data/);
  assert.equal(statuses(await run([un]), HOST), ['ok']);
  assert.equal(statuses(await run([data('size=2m,mode=0750')]), HOST), ['changed'], 'mounted again from the line');
  const gone = mount({ path: '/mnt/data', state: 'absent' });
  assert.equal(statuses(await run([gone]), HOST), ['changed']);
  assert.is(await mounted('/mnt/data'), '');
  assert.not.match(await sh('cat /etc/fstab'), /\/mnt\/data/);
  assert.equal(statuses(await run([gone]), HOST), ['ok']);
  const present = mount({ path: '/mnt/later', src: 'tmpfs', fstype: 'tmpfs', state: 'present' });
  assert.equal(statuses(await run([present]), HOST), ['changed']);
  assert.match(await sh('cat /etc/fstab'), /^tmpfs \/mnt\/later tmpfs defaults 0 0$/m);
  assert.is(await mounted('/mnt/later'), '');
  assert.equal(statuses(await run([present]), HOST), ['ok']);
});

test('ad-hoc: -m mount with Ansible names; bad arguments exit 5 before any host', async () => {
  const args = ['all', '-i', inventoryPath, '--known-hosts', hosts.knownHostsPath, '-m', 'mount'];
  const r = await hw(...args, '-a', 'name=/mnt/adhoc src=tmpfs fstype=tmpfs state=mounted');
  assert.is(r.code, 0, r.err);
  assert.is(await mounted('/mnt/adhoc'), 'tmpfs tmpfs');
  const fstab = await sh('cat /etc/fstab');
  const bad = await hw(...args, '-a', 'name=/mnt/bad state=mounted');
  assert.is(bad.code, 5);
  assert.match(bad.err, /needs src and fstype/);
  assert.is(await sh('cat /etc/fstab'), fstab);
});

test("differential: the same arguments give ansible.posix.mount's fstab bytes, mounts and verdicts", async () => {
  const { cases, problems } = await differential('mount', hosts, HOST, mount);
  assert.ok(cases >= 10, `${cases} cases`);
  assert.equal(problems, []);
});

test.run();
