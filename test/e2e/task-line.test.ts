/**
 * `line` and `block` on a real test host over SSH (`line1`, reset to fresh first), the side effects of
 * issues 12 §4 and 20: a symlinked path edits its target and keeps the link (check mode changes nothing),
 * bytes that are not UTF-8 survive an edit and a mode-only change, setuid survives an edit, an 11 MiB file
 * is edited, state absent with backrefs and no regexp removes the line, validate with a quoted `'%s'`,
 * the backup path is shown. Each failed before its fix.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testHosts, type TestHosts } from '../hosts/index.ts';
import { block, line } from '../../lib/tasks/line.ts';
import { renderDiff } from '../../lib/report/diff.ts';
import type { Task } from '../../lib/core/task-options.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';

const HOST = 'line1';
let hosts: TestHosts;
let inventory: Record<string, unknown>;

const run = (tasks: Task[], options: { check?: boolean; diff?: boolean } = {}) =>
  runTasks(tasks, { inventory, knownHostsFile: hosts.knownHostsPath, ...options });
const sh = async (cmd: string) => (await hosts.exec(HOST, cmd)).stdout.trim();
/** A file's bytes as hex, to compare byte for byte. */
const hex = (path: string) => sh(`od -An -v -tx1 ${path} | tr -d ' \\n'`);
const toHex = (b: Buffer) => b.toString('hex');

test.before(async () => {
  hosts = await testHosts({ names: [HOST] });
  await hosts.reset([HOST]);
  const address = hosts.hosts[0].address;
  inventory = { all: { hosts: { [HOST]: { ansible_host: address, ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath } } } };
  await sh('mkdir -p /srv/real /srv/etc');
});

test('a symlinked path: check mode predicts and touches nothing; the run edits the target and keeps the link', async () => {
  await sh("printf 'a=1\\nb=2\\n' > /srv/real/app.conf && ln -sfn ../real/app.conf /srv/etc/app.conf");
  const task = line({ path: '/srv/etc/app.conf', regexp: '^a=', line: 'a=9' });
  const check = await run([task], { check: true, diff: true });
  assert.equal(statuses(check, HOST), ['changed']);
  assert.match(renderDiff(hostResults(check, HOST)[0].diff ?? [])[0], /^--- before: \/srv\/etc\/app\.conf -> \/srv\/real\/app\.conf$/);
  assert.is(await sh('cat /srv/real/app.conf'), 'a=1\nb=2');
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(await sh('readlink /srv/etc/app.conf'), '../real/app.conf', 'the link stays');
  assert.is(await sh('cat /srv/real/app.conf'), 'a=9\nb=2');
  assert.equal(statuses(await run([task]), HOST), ['ok']);
  const b = block({ path: '/srv/etc/app.conf', block: 'x=1' });
  assert.equal(statuses(await run([b]), HOST), ['changed']);
  assert.is(await sh('test -L /srv/etc/app.conf && tail -n 2 /srv/real/app.conf'), 'x=1\n# END HOSTWRIGHT MANAGED BLOCK');
  assert.equal(statuses(await run([b]), HOST), ['ok']);
});

test('Latin-1 bytes: an edit and a mode-only change keep every byte they do not change', async () => {
  const latin = Buffer.from('caf\xe9=1\nname=Jos\xe9\nport=80\n', 'latin1');
  await sh(`printf '${[...latin].map((c) => '\\' + c.toString(8).padStart(3, '0')).join('')}' > /srv/latin.conf && chmod 0644 /srv/latin.conf`);
  assert.is(await hex('/srv/latin.conf'), toHex(latin));
  assert.equal(statuses(await run([line({ path: '/srv/latin.conf', line: 'port=80', mode: '0600' })]), HOST), ['changed']);
  assert.is(await sh('stat -c %a /srv/latin.conf'), '600');
  assert.is(await hex('/srv/latin.conf'), toHex(latin), 'a mode-only change rewrites nothing');
  assert.equal(statuses(await run([line({ path: '/srv/latin.conf', regexp: '^port=', line: 'port=8080' })]), HOST), ['changed']);
  assert.is(await hex('/srv/latin.conf'), toHex(Buffer.from('caf\xe9=1\nname=Jos\xe9\nport=8080\n', 'latin1')));
  assert.equal(statuses(await run([block({ path: '/srv/latin.conf', block: 'thé' })]), HOST), ['changed']);
  assert.is(
    await hex('/srv/latin.conf'),
    toHex(
      Buffer.concat([
        Buffer.from('caf\xe9=1\nname=Jos\xe9\nport=8080\n', 'latin1'),
        Buffer.from('# BEGIN HOSTWRIGHT MANAGED BLOCK\nthé\n# END HOSTWRIGHT MANAGED BLOCK\n'),
      ]),
    ),
  );
});

test('setuid survives a line edit without mode; owner 0 converges', async () => {
  await sh("printf 'a\\n' > /srv/suid.sh && chmod 4755 /srv/suid.sh");
  assert.equal(statuses(await run([line({ path: '/srv/suid.sh', line: 'b', owner: '0' })]), HOST), ['changed']);
  assert.is(await sh('stat -c "%a %u" /srv/suid.sh; cat /srv/suid.sh'), '4755 0\na\nb');
  assert.equal(statuses(await run([line({ path: '/srv/suid.sh', line: 'b', owner: '0' })]), HOST), ['ok']);
});

test('an 11 MiB file is edited, not refused', async () => {
  await sh("yes '# filler line of a large generated config file' | head -n 250000 > /srv/big.conf && echo key=old >> /srv/big.conf");
  assert.ok(Number(await sh('stat -c %s /srv/big.conf')) > 11 * 1024 * 1024);
  assert.equal(statuses(await run([line({ path: '/srv/big.conf', regexp: '^key=', line: 'key=new' })]), HOST), ['changed']);
  assert.is(await sh('tail -n 1 /srv/big.conf; wc -l < /srv/big.conf'), 'key=new\n250001');
});

test('state absent with backrefs and line but no regexp removes the line', async () => {
  await sh("printf 'a\\nb\\na\\n' > /srv/abs");
  assert.equal(statuses(await run([line({ path: '/srv/abs', line: 'a', state: 'absent', backrefs: true })]), HOST), ['changed']);
  assert.is(await sh('cat /srv/abs'), 'b');
});

test("validate with a quoted '%s' checks the new file; backup: true shows the backup path", async () => {
  await sh("printf 'x=1\\n' > /srv/val.conf");
  const result = await run([line({ path: '/srv/val.conf', line: 'y=2', validate: "grep -qx y=2 '%s'", backup: true })]);
  assert.equal(statuses(result, HOST), ['changed']);
  assert.is(await sh('cat /srv/val.conf'), 'x=1\ny=2');
  const path = /\(backup: (\/srv\/val\.conf\.\d{14}~)\)$/.exec(hostResults(result, HOST)[0].message)?.[1];
  assert.ok(path, hostResults(result, HOST)[0].message);
  assert.is(await sh(`cat ${path}`), 'x=1');
  const refused = await run([line({ path: '/srv/val.conf', line: 'z=3', validate: "grep -qx nothing '%s'" })]);
  assert.equal(statuses(refused, HOST), ['failed']);
  assert.is(await sh('cat /srv/val.conf'), 'x=1\ny=2');
});

test.run();
