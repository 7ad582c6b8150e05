/**
 * `copy` on a real test host over SSH (`cp1`, reset to fresh first): a tree from the controller with
 * owner and modes (check mode predicts and changes nothing, first run changed, second ok), only the files
 * that differ are sent (an unchanged file keeps its inode), extra files removed only with `delete`, a
 * single file into a directory, `content`, `remoteSrc` for a tree and a file, the ad-hoc module under
 * Ansible's argument names, and bad arguments refused before any host is touched.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testHosts, type TestHosts } from '../hosts/index.ts';
import { copy } from '../../lib/tasks/copy.ts';
import { renderDiff } from '../../lib/report/diff.ts';
import type { Task } from '../../lib/core/task-options.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';
import { hw } from '../support/child.ts';

const HOST = 'cp1';
const dir = mkdtempSync(join(tmpdir(), 'hw-copy-e2e-'));
const src = join(dir, 'site');
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
/** Every path under a folder on the host with type, mode, owner and checksum: the whole state in one string. */
const tree = (path: string) => sh(`cd ${path} && find . -printf '%y %m %u:%g %p\\n' | sort && find . -type f -exec sha256sum {} + | sort`);

test.before(async () => {
  mkdirSync(join(src, 'conf.d/deep'), { recursive: true });
  writeFileSync(join(src, 'index.html'), '<h1>hi</h1>\n');
  writeFileSync(join(src, 'conf.d/a b.conf'), 'a = 1\n');
  writeFileSync(join(src, 'conf.d/deep/key'), 'secret');
  chmodSync(join(src, 'conf.d/deep/key'), 0o600);
  hosts = await testHosts({ names: [HOST] });
  await hosts.reset([HOST]);
  inventory = {
    all: { hosts: { [HOST]: { ansible_host: hosts.hosts[0].address, ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath } } },
  };
  writeFileSync(inventoryPath, JSON.stringify(inventory));
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

const treeTask = () => copy({ src, dest: '/srv', owner: 'nobody', group: 'nogroup', mode: '0640', directoryMode: '0750' });

test('a tree: --check --diff predicts every path and changes nothing', async () => {
  const result = await run([treeTask()], { check: true, diff: true });
  assert.equal(statuses(result, HOST), ['changed']);
  const event = hostResults(result, HOST)[0];
  assert.is(event.message, '/srv/site: send 3 files, create 3 directories');
  assert.equal(renderDiff(event.diff ?? []).slice(0, 3), [
    '/srv/site: (absent) → (directory)',
    '/srv/site/conf.d: (absent) → (directory)',
    '/srv/site/conf.d/a b.conf: (absent) → sha256 cb78bd8a17f7 (6 bytes)',
  ]);
  assert.is(await sh('test -e /srv/site && echo yes || echo no'), 'no');
});

test('a tree: the first run copies it with owner and modes, the second is ok', async () => {
  assert.equal(statuses(await run([treeTask()]), HOST), ['changed']);
  const listing = await tree('/srv/site');
  assert.match(listing, /^d 750 nobody:nogroup \.$/m);
  assert.match(listing, /^d 750 nobody:nogroup \.\/conf\.d\/deep$/m);
  assert.match(listing, /^f 640 nobody:nogroup \.\/conf\.d\/a b\.conf$/m);
  assert.match(listing, /^f 640 nobody:nogroup \.\/conf\.d\/deep\/key$/m);
  assert.is(await sh('cat "/srv/site/conf.d/a b.conf"'), 'a = 1');
  assert.is(await sh('ls -a /srv/site | grep -c hostwright || true'), '0', 'no temporary folder left');
  const second = await run([treeTask()]);
  assert.equal(statuses(second, HOST), ['ok']);
  assert.is(hostResults(second, HOST)[0].message, '/srv/site: all 3 files are the same');
  assert.equal(statuses(await run([treeTask()], { check: true }), HOST), ['ok']);
});

test('only the changed file is sent; an extra file stays without delete and goes with it', async () => {
  const inode = await sh('stat -c %i /srv/site/index.html');
  writeFileSync(join(src, 'conf.d/deep/key'), 'rotated');
  await sh('echo stray > /srv/site/conf.d/stray && mkdir -p /srv/site/old/x && touch /srv/site/old/x/y');
  const check = await run([treeTask()], { check: true, diff: true });
  assert.equal(renderDiff(hostResults(check, HOST)[0].diff ?? []), [
    '/srv/site/conf.d/deep/key: sha256 2bb80d537b1d (6 bytes) → sha256 f42546d5ecdd (7 bytes)',
  ]);
  const result = await run([treeTask()]);
  assert.is(hostResults(result, HOST)[0].message, '/srv/site: send 1 file');
  assert.is(await sh('cat /srv/site/conf.d/deep/key'), 'rotated');
  assert.is(await sh('stat -c %a:%U /srv/site/conf.d/deep/key'), '640:nobody');
  assert.is(await sh('stat -c %i /srv/site/index.html'), inode, 'the unchanged file was not rewritten');
  assert.is(await sh('cat /srv/site/conf.d/stray'), 'stray', 'extra files stay without delete');
  const del = copy({ src, dest: '/srv', owner: 'nobody', group: 'nogroup', mode: '0640', directoryMode: '0750', delete: true });
  const deleted = await run([del], { diff: true });
  assert.is(hostResults(deleted, HOST)[0].message, '/srv/site: delete 2 extra paths');
  assert.equal(renderDiff(hostResults(deleted, HOST)[0].diff ?? []), [
    '/srv/site/conf.d/stray: sha256 43bab6c26bc0 (6 bytes) → (deleted)',
    '/srv/site/old: (directory) → (deleted)',
  ]);
  assert.is(await sh('test -e /srv/site/old || test -e /srv/site/conf.d/stray || echo gone'), 'gone');
  assert.equal(statuses(await run([del]), HOST), ['ok']);
});

test('src with a trailing slash copies the contents; a mode fixed by hand is put back without sending', async () => {
  const task = copy({ src: `${src}/conf.d/`, dest: '/etc/app' });
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(await sh('ls -A /etc/app | tr "\\n" " "'), 'a b.conf deep');
  assert.is(await sh('stat -c %a /etc/app/deep/key'), '600', 'a new file gets its source mode');
  assert.equal(statuses(await run([task]), HOST), ['ok']);
  const withMode = copy({ src: `${src}/conf.d/`, dest: '/etc/app', mode: '0644' });
  const fixed = await run([withMode], { diff: true });
  assert.is(hostResults(fixed, HOST)[0].message, '/etc/app: fix attributes of 1 path');
  assert.equal(renderDiff(hostResults(fixed, HOST)[0].diff ?? []), ['/etc/app/deep/key mode: 0600 → 0644']);
  assert.is(await sh('stat -c %a /etc/app/deep/key'), '644');
});

test('a single file: into an existing directory, then content; check predicts, second run ok', async () => {
  await sh('mkdir -p /opt/dst');
  const task = copy({ src: join(src, 'index.html'), dest: '/opt/dst', mode: '0600' });
  const check = await run([task], { check: true });
  assert.is(hostResults(check, HOST)[0].message, '/opt/dst/index.html: send 1 file');
  assert.is(await sh('test -e /opt/dst/index.html && echo yes || echo no'), 'no');
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(await sh('stat -c %a /opt/dst/index.html; cat /opt/dst/index.html'), '600\n<h1>hi</h1>');
  assert.equal(statuses(await run([task]), HOST), ['ok']);
  const content = copy({ content: 'line\n', dest: '/opt/dst/index.html' });
  assert.equal(statuses(await run([content]), HOST), ['changed']);
  assert.is(await sh('stat -c %a /opt/dst/index.html; cat /opt/dst/index.html'), '600\nline', 'an existing file keeps its mode');
  assert.equal(statuses(await run([content]), HOST), ['ok']);
});

test('remoteSrc: a tree and a file copied on the host', async () => {
  const task = copy({ src: '/srv/site', dest: '/backup/', remoteSrc: true });
  assert.equal(statuses(await run([task], { check: true }), HOST), ['changed']);
  assert.is(await sh('test -e /backup && echo yes || echo no'), 'no');
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(
    await sh('cd /backup/site && find . -type f -exec sha256sum {} + | sort'),
    await sh('cd /srv/site && find . -type f -exec sha256sum {} + | sort'),
  );
  assert.equal(statuses(await run([task]), HOST), ['ok']);
  await sh('echo new > /srv/site/index.html');
  const update = await run([task]);
  assert.is(hostResults(update, HOST)[0].message, '/backup/site: send 1 file');
  assert.is(await sh('cat /backup/site/index.html'), 'new');
  const one = copy({ src: '/srv/site/index.html', dest: '/backup/index.copy', remoteSrc: true, mode: '0444' });
  assert.equal(statuses(await run([one]), HOST), ['changed']);
  assert.is(await sh('stat -c %a /backup/index.copy; cat /backup/index.copy'), '444\nnew');
  assert.equal(statuses(await run([one]), HOST), ['ok']);
  const missing = await run([copy({ src: '/nope', dest: '/backup', remoteSrc: true })]);
  assert.equal(statuses(missing, HOST), ['failed']);
  assert.match(hostResults(missing, HOST)[0].message, /source \/nope does not exist on the host/);
});

test('ad-hoc: -m copy with Ansible argument names', async () => {
  const args = [
    'all',
    '-i',
    inventoryPath,
    '--known-hosts',
    hosts.knownHostsPath,
    '-m',
    'copy',
    '-a',
    `src=/srv/site/ dest=/adhoc remote_src=yes directory_mode=0700`,
  ];
  const check = await hw(...args, '--check');
  assert.is(check.code, 0, check.err);
  assert.match(check.out, /changed/);
  assert.is(await sh('test -e /adhoc && echo yes || echo no'), 'no');
  assert.is((await hw(...args)).code, 0);
  assert.is(await sh('stat -c %a /adhoc; cat /adhoc/index.html'), '700\nnew');
  const again = await hw(...args);
  assert.match(again.out, /ok=1\s+changed=0/);
});

test('bad arguments are refused before any host', async () => {
  const before = await tree('/srv/site');
  assert.throws(() => copy({ src, content: 'x', dest: '/srv' }), /give either src or content/);
  assert.throws(() => copy({ src: join(dir, 'missing'), dest: '/srv' }), /does not exist on this machine/);
  assert.throws(() => copy({ src: join(src, 'index.html'), dest: '/srv', delete: true }), /delete and directoryMode are for folders/);
  assert.throws(() => copy({ src: 'relative', dest: '/srv', remoteSrc: true }), /must be an absolute path on the host/);
  const cli = await hw(
    'all',
    '-i',
    inventoryPath,
    '--known-hosts',
    hosts.knownHostsPath,
    '-m',
    'copy',
    '-a',
    `src=${join(dir, 'missing')} dest=/srv`,
  );
  assert.is(cli.code, 5, cli.err);
  assert.match(cli.err, /does not exist on this machine/);
  assert.is(await tree('/srv/site'), before);
});

test.run();
