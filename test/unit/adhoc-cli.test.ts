/**
 * The `hostwright` command on this machine's own shell (`ansible_connection: local` in a temp dir): the
 * bin itself, ad-hoc runs and their output, JSON, exit codes, `inventory`, `run PLAYBOOK.ts`, and the
 * refusals (exit 5) that name what is valid.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hw } from '../support/in-process.ts';

const root = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'hw-adhoc-cli-'));
const inv = join(dir, 'inventory.yml');
writeFileSync(
  inv,
  `all:\n  vars:\n    color: blue\n  hosts:\n    here:\n      ansible_connection: local\n  children:\n    web:\n      hosts:\n        here:\n      vars:\n        port: 8080\n`,
);

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('the bin runs from source: --version, --help, and exit 5 without arguments', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const version = execFileSync(process.execPath, [join(root, 'lib/bin.ts'), '--version'], { encoding: 'utf8' });
  assert.match(version, new RegExp(`^hostwright ${pkg.version.replace(/\./g, '\\.')} \\(node `));
  const help = spawnSync(process.execPath, [join(root, 'lib/bin.ts'), '--help'], { encoding: 'utf8' });
  assert.is(help.status, 0);
  assert.match(help.stdout, /hostwright PATTERN -i INVENTORY/);
  const none = spawnSync(process.execPath, [join(root, 'lib/bin.ts')], { encoding: 'utf8' });
  assert.is(none.status, 5);
  assert.match(none.stderr, /Usage:/);
});

test('ping: ok, pong, recap', async () => {
  const r = await hw('all', '-i', inv, '-m', 'ping');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /TASK \[ping\]/);
  assert.match(r.out, /ok: \[here\]\n {4}pong\n/);
  assert.match(r.out, /here : ok=1 changed=0 unreachable=0 failed=0 skipped=0/);
});

test('shell and the default module (command) show rc and output under the host line', async () => {
  const sh = await hw('web', '-i', inv, '-m', 'shell', '-a', 'echo hi | tr a-z A-Z; echo oops >&2');
  assert.is(sh.code, 0, sh.err);
  assert.match(sh.out, /changed: \[here\] => run echo hi \| tr a-z A-Z; echo oops >&2\n {4}rc=0 >>\n {4}HI\n {4}stderr: oops\n/);
  const cmd = await hw('here', '-i', inv, '-a', 'printf "%s-%s" a b');
  assert.is(cmd.code, 0, cmd.err);
  assert.match(cmd.out, /TASK \[command: printf "%s-%s" a b\]/);
  assert.match(cmd.out, / {4}a-b\n/);
});

test('a failing command exits 2 and names the exit code; --check does not run it', async () => {
  const r = await hw('all', '-i', inv, '-m', 'shell', '-a', 'echo bad >&2; exit 3');
  assert.is(r.code, 2);
  assert.match(r.out, /fatal: \[here\]: FAILED! => .*exit 3/);
  assert.match(r.out, /failed=1/);
  const marker = join(dir, 'ran');
  const check = await hw('all', '-i', inv, '-m', 'shell', '-a', `touch ${marker}`, '--check');
  assert.is(check.code, 0);
  assert.match(check.out, /may change: \[here\]/);
  assert.not.ok(spawnSync('test', ['-e', marker]).status === 0, 'check mode ran nothing');
});

test('file: changed with a diff, then ok; --check --diff predicts without writing', async () => {
  const path = join(dir, 'motd');
  const args = `path=${path} content="hello\\nworld\\n" mode=0600`;
  const check = await hw('all', '-i', inv, '-m', 'file', '-a', args, '--check', '--diff');
  assert.is(check.code, 0, check.err);
  assert.match(check.out, /changed: \[here\]/);
  assert.match(check.out, /\+hello\n\+world\n/);
  assert.not.ok(spawnSync('test', ['-e', path]).status === 0, 'nothing written in check mode');
  const first = await hw('all', '-i', inv, '-m', 'file', '-a', args);
  assert.is(first.code, 0, first.err);
  assert.match(first.out, /changed=1/);
  assert.is(readFileSync(path, 'utf8'), 'hello\nworld\n');
  const second = await hw('all', '-i', inv, '-m', 'file', '-a', args);
  assert.match(second.out, /ok=1 changed=0/);
});

test('--json: one event per line; the host result carries rc and stdout', async () => {
  const r = await hw('all', '-i', inv, '-m', 'command', '-a', 'echo json', '--json');
  assert.is(r.code, 0, r.err);
  const events = r.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const result = events.find((e) => e.event === 'host-result');
  assert.is(result.status, 'changed');
  assert.is(result.rc, 0);
  assert.is(result.stdout, 'json');
  assert.is(events.at(-1).event, 'recap');
});

test('--list-hosts and --limit select without connecting', async () => {
  const r = await hw('all', '-i', inv, '-m', 'ping', '--list-hosts', '--limit', 'web');
  assert.is(r.code, 0);
  assert.is(r.out, '  hosts (1):\n    here\n');
});

test('bad input exits 5 with what is valid: module, argument, option, pattern, inventory', async () => {
  const module = await hw('all', '-i', inv, '-m', 'yumm');
  assert.is(module.code, 5);
  assert.match(
    module.err,
    /ERROR: -m "yumm": no such module; valid modules: command, shell, ping, facts, file, line, block, package, service, sysctl, wait/,
  );
  const arg = await hw('all', '-i', inv, '-m', 'package', '-a', 'name=etcd colour=red');
  assert.is(arg.code, 5);
  assert.match(arg.err, /unknown argument "colour"; allowed: name, state, manager/);
  const option = await hw('all', '-i', inv, '--bogus');
  assert.is(option.code, 5);
  assert.match(option.err, /Unknown option '--bogus'/);
  assert.is((await hw('-i', inv, '-m', 'ping')).code, 5, 'no pattern');
  const noInv = await hw('all', '-m', 'ping');
  assert.is(noInv.code, 5);
  assert.match(noInv.err, /no inventory given/);
  assert.is((await hw('all', '-i', join(dir, 'missing.yml'), '-m', 'ping')).code, 5);
  assert.is((await hw('all', '-i', inv, '--forks', '0', '-m', 'ping')).code, 5);
});

test('inventory --list / --graph / --host like ansible-inventory', async () => {
  const list = await hw('inventory', '-i', inv, '--list');
  assert.is(list.code, 0, list.err);
  assert.ok(list.out.startsWith('{\n    "_meta": {'), '4-space indentation');
  const parsed = JSON.parse(list.out);
  assert.equal(parsed.web, { hosts: ['here'] });
  assert.equal(parsed._meta.hostvars.here, { ansible_connection: 'local', color: 'blue', port: 8080 });
  const graph = await hw('inventory', '-i', inv, '--graph');
  assert.is(graph.out, '@all:\n  |--@ungrouped:\n  |--@web:\n  |  |--here\n');
  assert.is((await hw('inventory', '-i', inv, '--graph', 'web')).out, '@web:\n  |--here\n');
  const host = await hw('inventory', '-i', inv, '--host', 'here');
  assert.equal(JSON.parse(host.out), { ansible_connection: 'local', color: 'blue', port: 8080 });
  const missing = await hw('inventory', '-i', inv, '--host', 'nope');
  assert.is(missing.code, 5);
  assert.match(missing.err, /no host "nope" in the inventory; hosts: here/);
  assert.is((await hw('inventory', '-i', inv)).code, 5, 'one of --list, --graph, --host is required');
  assert.match((await hw('inventory', '-i', inv, '--graph', 'nogroup')).err, /no group "nogroup" in the inventory; groups: all, ungrouped, web/);
});

test('run PLAYBOOK.ts: the default export runs with the playbook options', async () => {
  const target = join(dir, 'from-playbook');
  const playbook = join(dir, 'site.ts');
  writeFileSync(
    playbook,
    `import { definePlaybook, file } from ${JSON.stringify(join(root, 'lib/index.ts'))};\nexport default definePlaybook({ name: 'site', plays: [{ name: 'files', hosts: 'all', tasks: [file({ path: ${JSON.stringify(target)}, content: 'x\\n' })] }] });\n`,
  );
  const tasks = await hw('run', playbook, '-i', inv, '--list-tasks');
  assert.is(tasks.code, 0, tasks.err);
  assert.match(tasks.out, /file: .*from-playbook/);
  const r = await hw('run', playbook, '-i', inv);
  assert.is(r.code, 0, r.err);
  assert.is(readFileSync(target, 'utf8'), 'x\n');
  const named = join(dir, 'named.ts');
  writeFileSync(
    named,
    `import { definePlaybook } from ${JSON.stringify(join(root, 'lib/index.ts'))};\nexport const site = definePlaybook({ name: 's', plays: [] });\n`,
  );
  const noDefault = await hw('run', named, '-i', inv);
  assert.is(noDefault.code, 5);
  assert.match(noDefault.err, /no playbook as its default export \(it has a playbook exported as site\)/);
  assert.is((await hw('run', join(dir, 'nothere.ts'))).code, 5);
});

test.run();
