/**
 * `unarchive` on a real test host over SSH (`ua1`, reset to fresh first): a tar.gz from the controller
 * (check mode predicts and unpacks nothing, first run changed, second ok, a member edited by hand is put
 * back), owner/group, a tar.xz and a zip already on the host (`remoteSrc`), `creates`, a missing dest,
 * the ad-hoc module with Ansible's names, bad arguments refused before any host.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testHosts, type TestHosts } from '../hosts/index.ts';
import { unarchive } from '../../lib/tasks/unarchive.ts';
import type { Task } from '../../lib/core/task-options.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';
import { hw } from '../support/child.ts';

const HOST = 'ua1';
const dir = mkdtempSync(join(tmpdir(), 'hw-unarchive-e2e-'));
const tgz = join(dir, 'etcd-v3.tar.gz');
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
  mkdirSync(join(dir, 'b/etcd-v3/docs'), { recursive: true });
  writeFileSync(join(dir, 'b/etcd-v3/etcd'), '#!/bin/sh\necho etcd\n', { mode: 0o755 });
  writeFileSync(join(dir, 'b/etcd-v3/docs/README.md'), '# etcd\n');
  execFileSync('tar', ['-C', join(dir, 'b'), '-czf', tgz, 'etcd-v3']);
  hosts = await testHosts({ names: [HOST] });
  await hosts.reset([HOST]);
  inventory = {
    all: { hosts: { [HOST]: { ansible_host: hosts.hosts[0].address, ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath } } },
  };
  writeFileSync(inventoryPath, JSON.stringify(inventory));
  await sh(
    'mkdir -p /opt/ctl /opt/remote /var/tmp/src/app && printf "1" > /var/tmp/src/app/one && cd /var/tmp/src && tar -cJf /var/tmp/app.tar.xz app && python3 -c \'import zipfile; z = zipfile.ZipFile("/var/tmp/app.zip", "w"); z.write("app/one"); z.close()\'',
  );
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a controller tar.gz: check predicts and unpacks nothing; first run changed; second ok; an edited member is put back', async () => {
  const task = unarchive({ src: tgz, dest: '/opt/ctl', owner: 'nobody', group: 'nogroup' });
  const check = await run([task], { check: true, diff: true });
  assert.equal(statuses(check, HOST), ['changed']);
  assert.is(hostResults(check, HOST)[0].message, `unpack ${tgz} into /opt/ctl (4 of 4 members missing or different)`);
  assert.is(await sh('ls -A /opt/ctl | wc -l'), '0');
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(await sh('/opt/ctl/etcd-v3/etcd'), 'etcd');
  assert.is(await sh('stat -c %U:%G /opt/ctl/etcd-v3/docs/README.md /opt/ctl/etcd-v3 | sort -u'), 'nobody:nogroup');
  assert.is(await sh('ls -A /tmp | grep -c hostwright-archive || true'), '0', 'the sent archive is removed');
  const second = await run([task]);
  assert.equal(statuses(second, HOST), ['ok']);
  assert.is(hostResults(second, HOST)[0].message, `all 4 members of ${tgz} are in /opt/ctl`);
  assert.equal(statuses(await run([task], { check: true }), HOST), ['ok']);
  await sh('echo edited >> /opt/ctl/etcd-v3/docs/README.md');
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(await sh('cat /opt/ctl/etcd-v3/docs/README.md'), '# etcd');
});

test('remoteSrc: a tar.xz and a zip on the host; creates decides alone', async () => {
  for (const src of ['/var/tmp/app.tar.xz', '/var/tmp/app.zip']) {
    await sh('rm -rf /opt/remote/app');
    const task = unarchive({ src, dest: '/opt/remote', remoteSrc: true });
    assert.equal(statuses(await run([task], { check: true }), HOST), ['changed'], src);
    assert.equal(statuses(await run([task]), HOST), ['changed'], src);
    assert.is(await sh('cat /opt/remote/app/one'), '1');
    assert.equal(statuses(await run([task]), HOST), ['ok'], src);
  }
  await sh('rm -rf /opt/remote/app');
  const guarded = unarchive({ src: '/var/tmp/app.zip', dest: '/opt/remote', remoteSrc: true, creates: '/var/tmp/src' });
  assert.equal(statuses(await run([guarded]), HOST), ['ok']);
  assert.is(await sh('test -e /opt/remote/app && echo yes || echo no'), 'no');
});

test('a missing dest or archive fails with the path', async () => {
  const noDest = await run([unarchive({ src: tgz, dest: '/opt/none' })]);
  assert.equal(statuses(noDest, HOST), ['failed']);
  assert.match(hostResults(noDest, HOST)[0].message, /destination \/opt\/none is not a folder on the host/);
  const noArchive = await run([unarchive({ src: '/var/tmp/none.tgz', dest: '/opt/remote', remoteSrc: true })]);
  assert.match(hostResults(noArchive, HOST)[0].message, /archive \/var\/tmp\/none.tgz does not exist on the host/);
});

test('ad-hoc: -m unarchive with remote_src; bad arguments exit 5 before any host', async () => {
  await sh('rm -rf /opt/remote/app');
  const args = ['all', '-i', inventoryPath, '--known-hosts', hosts.knownHostsPath, '-m', 'unarchive'];
  const r = await hw(...args, '-a', 'src=/var/tmp/app.tar.xz dest=/opt/remote remote_src=yes');
  assert.is(r.code, 0, r.err);
  assert.is(await sh('cat /opt/remote/app/one'), '1');
  const bad = await hw(...args, '-a', `src=${join(dir, 'none.tgz')} dest=/opt`);
  assert.is(bad.code, 5);
  assert.match(bad.err, /does not exist on this machine/);
});

test.run();
