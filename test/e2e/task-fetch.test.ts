/**
 * `fetch` from a real test host over SSH (`ft1`, reset to fresh first): check mode predicts and writes
 * nothing, the first run writes `dest/HOST/PATH`, the second is ok, a change on the host is fetched
 * again, `flat`, a missing file fails (or is ok with failOnMissing: false), the ad-hoc module with
 * Ansible's argument names, bad arguments refused before any host.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testHosts, type TestHosts } from '../hosts/index.ts';
import { fetch } from '../../lib/tasks/fetch.ts';
import type { Task } from '../../lib/core/task-options.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';
import { hw } from '../support/child.ts';

const HOST = 'ft1';
const dir = mkdtempSync(join(tmpdir(), 'hw-fetch-e2e-'));
const out = join(dir, 'out');
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

test.before(async () => {
  hosts = await testHosts({ names: [HOST] });
  await hosts.reset([HOST]);
  inventory = {
    all: { hosts: { [HOST]: { ansible_host: hosts.hosts[0].address, ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath } } },
  };
  writeFileSync(inventoryPath, JSON.stringify(inventory));
  await sh('mkdir -p /etc/kubernetes && printf "apiVersion: v1\\n" > /etc/kubernetes/admin.conf && head -c 300000 /dev/urandom > /var/tmp/blob');
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('check mode predicts and writes nothing; first run fetches to dest/HOST/PATH; second is ok', async () => {
  const task = fetch({ src: '/etc/kubernetes/admin.conf', dest: out });
  const local = join(out, HOST, 'etc/kubernetes/admin.conf');
  const check = await run([task], { check: true });
  assert.equal(statuses(check, HOST), ['changed']);
  assert.is(existsSync(local), false);
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(readFileSync(local, 'utf8'), 'apiVersion: v1\n');
  assert.equal(statuses(await run([task]), HOST), ['ok']);
  assert.equal(statuses(await run([task], { check: true }), HOST), ['ok']);
  await sh('echo changed >> /etc/kubernetes/admin.conf');
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(readFileSync(local, 'utf8'), 'apiVersion: v1\nchanged\n');
});

test('a binary file of 300 kB arrives byte for byte; flat puts it at dest', async () => {
  const task = fetch({ src: '/var/tmp/blob', dest: join(dir, 'blob.bin'), flat: true });
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(
    await sh('sha256sum < /var/tmp/blob | cut -d" " -f1'),
    (await import('node:crypto'))
      .createHash('sha256')
      .update(readFileSync(join(dir, 'blob.bin')))
      .digest('hex'),
  );
  assert.equal(statuses(await run([task]), HOST), ['ok']);
});

test('a missing file fails, or is ok with failOnMissing: false', async () => {
  const failed = await run([fetch({ src: '/nope', dest: out })]);
  assert.equal(statuses(failed, HOST), ['failed']);
  assert.match(hostResults(failed, HOST)[0].message, /\/nope does not exist on the host/);
  assert.equal(statuses(await run([fetch({ src: '/nope', dest: out, failOnMissing: false })]), HOST), ['ok']);
});

test('ad-hoc: -m fetch with Ansible argument names; bad arguments exit 5 before any host', async () => {
  const args = ['all', '-i', inventoryPath, '--known-hosts', hosts.knownHostsPath, '-m', 'fetch'];
  const r = await hw(...args, '-a', `src=/etc/hostname dest=${join(dir, 'adhoc')}/ flat=yes fail_on_missing=yes`);
  assert.is(r.code, 0, r.err);
  assert.is(readFileSync(join(dir, 'adhoc/hostname'), 'utf8').trim(), HOST);
  const bad = await hw(...args, '-a', 'src=relative dest=x');
  assert.is(bad.code, 5);
  assert.match(bad.err, /src/);
  assert.throws(() => fetch({ src: '/a', dest: 'x', bogus: 1 } as any), /bogus/);
});

test.run();
