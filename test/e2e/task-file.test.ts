/**
 * `file` ownership, modes, links, validate and backup on a real test host over SSH (`file1`, reset to
 * fresh first). Each test failed before the fix it covers (issue 12 §4): setuid lost (chmod before chown),
 * numeric owner/group never converging, an owner beginning with `-` reaching chown as an option, a
 * directory planted at the link's old predictable temp name moved into place, `validate` pasted into
 * shell text (`#`, `'%s'`), the backup path never shown.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testHosts, type TestHosts } from '../hosts/index.ts';
import { file } from '../../lib/tasks/file.ts';
import { renderDiff } from '../../lib/report/diff.ts';
import type { Task } from '../../lib/core/task-options.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';
import { hw } from '../support/child.ts';

const HOST = 'file1';
const dir = mkdtempSync(join(tmpdir(), 'hw-file-e2e-'));
const inventoryPath = join(dir, 'inventory.yml');
let hosts: TestHosts;
let inventory: Record<string, unknown>;

const run = (tasks: Task[], options: { check?: boolean; diff?: boolean } = {}) =>
  runTasks(tasks, { inventory, knownHostsFile: hosts.knownHostsPath, ...options });
const sh = async (cmd: string) => (await hosts.exec(HOST, cmd)).stdout.trim();

/** The hostwright command as a process; resolves with its exit code and output. */

test.before(async () => {
  hosts = await testHosts({ names: [HOST] });
  await hosts.reset([HOST]);
  const address = hosts.hosts[0].address;
  inventory = { all: { hosts: { [HOST]: { ansible_host: address, ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath } } } };
  writeFileSync(inventoryPath, JSON.stringify(inventory));
  await sh('mkdir -p /srv');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('setuid: content with mode 4755 and owner root keeps 4755; the second run is ok', async () => {
  const task = file({ path: '/srv/suid', content: 'x', mode: '4755', owner: 'root' });
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(await sh('stat -c %a /srv/suid'), '4755');
  assert.equal(statuses(await run([task]), HOST), ['ok']);
});

test('setuid/setgid: new content without mode keeps the existing 6755; an owner change without mode keeps it too', async () => {
  await sh('printf old > /srv/keep && chmod 6755 /srv/keep');
  assert.equal(statuses(await run([file({ path: '/srv/keep', content: 'new' })]), HOST), ['changed']);
  assert.is(await sh('cat /srv/keep; echo; stat -c %a /srv/keep'), 'new\n6755');
  assert.equal(statuses(await run([file({ path: '/srv/keep', owner: 'deploy' })]), HOST), ['changed']);
  assert.is(await sh('stat -c "%a %U" /srv/keep'), '6755 deploy');
});

test('numeric owner/group: owner 0 group 0 and a uid without a name converge (compared as ids)', async () => {
  await sh('printf x > /srv/ids && chown 54321:54321 /srv/ids');
  const first = await run([file({ path: '/srv/ids', owner: '0', group: '0' })], { diff: true });
  assert.equal(statuses(first, HOST), ['changed']);
  assert.equal(renderDiff(hostResults(first, HOST)[0].diff ?? []), ['owner: 54321 → 0', 'group: 54321 → 0']);
  assert.equal(statuses(await run([file({ path: '/srv/ids', owner: '0', group: '0' })]), HOST), ['ok']);
  await sh('chown 54321:54321 /srv/ids');
  assert.equal(statuses(await run([file({ path: '/srv/ids', owner: '54321', group: '54321' })]), HOST), ['ok'], 'UNKNOWN is 54321');
});

test('owner beginning with "-" is refused before any host is touched (exit 5)', async () => {
  const r = await hw(
    'all',
    '-i',
    inventoryPath,
    '--known-hosts',
    hosts.knownHostsPath,
    '-m',
    'file',
    '-a',
    'path=/srv/opt content=x owner=--reference=/etc/hostname',
  );
  assert.is(r.code, 5, r.out + r.err);
  assert.match(r.out + r.err, /owner/);
  assert.match(r.out + r.err, /not beginning with "-"/);
  assert.is(await sh('test -e /srv/opt && echo yes || echo no'), 'no');
});

test('link: a directory planted at the old temp name is not moved into place', async () => {
  await sh('mkdir -p /srv/l.hostwright-link/planted');
  assert.equal(statuses(await run([file({ path: '/srv/l', state: 'link', target: '/etc/hostname' })]), HOST), ['changed']);
  assert.is(await sh('readlink /srv/l'), '/etc/hostname');
  assert.is(await sh('test -d /srv/l.hostwright-link/planted && echo kept'), 'kept');
  assert.is(await sh('ls -A /srv | grep -c "^\\.hostwright" || true'), '0', 'no temp folder left');
  assert.equal(statuses(await run([file({ path: '/srv/l', state: 'link', target: '/etc/hosts' })]), HOST), ['changed']);
  assert.is(await sh('readlink /srv/l'), '/etc/hosts');
});

test('validate: a # in the command works, a quoted %s validates the new file, a failure keeps the old file', async () => {
  await sh("printf 'old\\n' > /srv/v");
  assert.equal(statuses(await run([file({ path: '/srv/v', content: '# new\n', validate: 'grep -q # %s' })]), HOST), ['changed']);
  assert.is(await sh('cat /srv/v'), '# new');
  assert.equal(statuses(await run([file({ path: '/srv/v', content: 'quoted\n', validate: "grep -qx quoted '%s'" })]), HOST), ['changed']);
  assert.is(await sh('cat /srv/v'), 'quoted');
  const bad = await run([file({ path: '/srv/v', content: 'refused\n', validate: "grep -q '#' %s" })]);
  assert.equal(statuses(bad, HOST), ['failed']);
  assert.match(hostResults(bad, HOST)[0].message, /validation failed: grep -q '#' %s/);
  assert.is(await sh('cat /srv/v'), 'quoted');
});

test('backup: the backup path is shown in the result message (console and JSON) and exists', async () => {
  const result = await run([file({ path: '/srv/v', content: 'with backup\n', backup: true })]);
  const message = hostResults(result, HOST)[0].message;
  const path = /\(backup: (\/srv\/v\.\d{14}~)\)$/.exec(message)?.[1];
  assert.ok(path, message);
  assert.is(await sh(`cat ${path}`), 'quoted');
  const cli = await hw(
    'all',
    '-i',
    inventoryPath,
    '--known-hosts',
    hosts.knownHostsPath,
    '-m',
    'file',
    '-a',
    'path=/srv/v content=again backup=true',
    '--json',
  );
  assert.is(cli.code, 0, cli.err);
  assert.match(cli.out, /"message":"[^"]*\(backup: \/srv\/v\.\d{14}~\)"/);
});

test.run();
