/**
 * `git` on a real test host over SSH (`gt1`, reset to fresh first), cloning from a repository made on the
 * host itself (no network): check mode predicts and clones nothing, first run changed, second ok, a new
 * commit on the branch updates, a tag detaches, local modifications fail without force and are dropped
 * with it, the ad-hoc module with Ansible's names, bad arguments refused before any host.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testHosts, type TestHosts } from '../hosts/index.ts';
import { git } from '../../lib/tasks/git.ts';
import type { Task } from '../../lib/core/task-options.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';
import { hw } from '../support/child.ts';

const HOST = 'gt1';
const dir = mkdtempSync(join(tmpdir(), 'hw-git-e2e-'));
const inventoryPath = join(dir, 'inventory.json');
const ENV = 'export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t';
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
  await sh(`${ENV}; git init -q -b main /srv/src.git && cd /srv/src.git && echo 1 > f && git add f && git commit -qm one && git tag v1`);
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

const task = git({ repo: '/srv/src.git', dest: '/opt/app', version: 'main' });

test('check predicts and clones nothing; first run clones the branch; second ok; a new commit updates', async () => {
  const check = await run([task], { check: true });
  assert.match(hostResults(check, HOST)[0].message, /^clone \/srv\/src\.git into \/opt\/app at main \([0-9a-f]{10}\)$/);
  assert.is(await sh('test -e /opt/app && echo yes || echo no'), 'no');
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(await sh('cat /opt/app/f; git -C /opt/app rev-parse --abbrev-ref HEAD'), '1\nmain');
  assert.equal(statuses(await run([task]), HOST), ['ok']);
  assert.equal(statuses(await run([task], { check: true }), HOST), ['ok']);
  await sh(`${ENV}; cd /srv/src.git && echo 2 > f && git commit -qam two`);
  const check2 = await run([task], { check: true });
  assert.match(hostResults(check2, HOST)[0].message, /^\/opt\/app: update [0-9a-f]{10} → [0-9a-f]{10} \(main\)$/);
  assert.is(await sh('cat /opt/app/f'), '1');
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(await sh('cat /opt/app/f'), '2');
  assert.equal(statuses(await run([task]), HOST), ['ok']);
});

test('a tag; local modifications fail without force and are dropped with it', async () => {
  const tag = git({ repo: '/srv/src.git', dest: '/opt/app', version: 'v1' });
  assert.equal(statuses(await run([tag]), HOST), ['changed']);
  assert.is(await sh('cat /opt/app/f'), '1');
  await sh('echo local >> /opt/app/f');
  const refused = await run([task]);
  assert.equal(statuses(refused, HOST), ['failed']);
  assert.match(hostResults(refused, HOST)[0].message, /local modifications exist in \/opt\/app \(force: true drops them\)/);
  assert.is(await sh('tail -1 /opt/app/f'), 'local');
  const forced = git({ repo: '/srv/src.git', dest: '/opt/app', version: 'main', force: true });
  assert.equal(statuses(await run([forced]), HOST), ['changed']);
  assert.is(await sh('cat /opt/app/f; git -C /opt/app status --porcelain'), '2');
  assert.equal(statuses(await run([forced]), HOST), ['ok']);
});

test('ad-hoc: -m git with Ansible names; bad arguments exit 5 before any host', async () => {
  const args = ['all', '-i', inventoryPath, '--known-hosts', hosts.knownHostsPath, '-m', 'git'];
  const r = await hw(...args, '-a', 'repo=/srv/src.git dest=/opt/adhoc version=v1');
  assert.is(r.code, 0, r.err);
  assert.is(await sh('cat /opt/adhoc/f'), '1');
  const bad = await hw(...args, '-a', 'repo=/srv/src.git dest=relative');
  assert.is(bad.code, 5);
  assert.is(await sh('test -e relative || test -e /root/relative || echo none'), 'none');
});

test.run();
