/**
 * The shared playbook command line, without connecting anywhere: option errors, inventory errors, typed
 * variables refused before the run, --list-hosts / --list-tasks, and the console's live progress on a TTY.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../lib/cli/playbook-command.ts';
import cluster from '../../playbooks/cluster.ts';
import { definePlaybook, handler } from '../../lib/play/define.ts';
import { file } from '../../lib/tasks/file.ts';
import { shell } from '../../lib/tasks/command.ts';
import { consoleReporter } from '../../lib/report/console.ts';

const dir = mkdtempSync(join(tmpdir(), 'hw-cli-'));
// Addresses on the test bridge that no host owns: nothing here may connect anyway.
const inv = join(dir, 'inv.yml');
writeFileSync(
  inv,
  'all:\n  children:\n    etcd: {hosts: {m: {ansible_host: 10.77.0.250}}}\n    masters: {hosts: {m: }}\n    nodes: {hosts: {n1: {ansible_host: 10.77.0.251}, n2: {ansible_host: 10.77.0.252}}}\n',
);

async function cli(args: string[], playbook = cluster) {
  let out = '';
  let err = '';
  const o = { write: (s: string) => ((out += s), true) } as any;
  const e = { write: (s: string) => ((err += s), true) } as any;
  const code = await runCli(playbook, args, o, e);
  return { code, out, err };
}

test('an unknown option is refused with the list of valid ones', async () => {
  const r = await cli(['-i', inv, '--chekc']);
  assert.is(r.code, 5);
  assert.match(r.err, /Unknown option '--chekc'/);
  assert.match(r.err, /Valid options: .*--check.*--diff/);
});

test('no inventory: a message that says how to give one, never a guess', async () => {
  const r = await cli(['--check']);
  assert.is(r.code, 5);
  assert.match(r.err, /no inventory given\. Pass one with -i/);
});

test('a malformed inventory is refused with the file, the path inside it and what is wrong', async () => {
  const bad = join(dir, 'bad.yml');
  writeFileSync(bad, 'all:\n  hosts:\n    h1:\n      ansible_port: 99999\n');
  const r = await cli(['-i', bad]);
  assert.is(r.code, 5);
  assert.match(r.err, /bad\.yml: all\.hosts\.h1\.ansible_port: must be an integer from 1 to 65535/);
});

test('--list-hosts shows the effect of --limit, without connecting', async () => {
  const started = Date.now();
  const r = await cli(['-i', inv, '--list-hosts', '--limit', 'nodes:!n1']);
  assert.is(r.code, 0);
  assert.match(
    r.out,
    /play #1 \(etcd:masters:nodes\): prerequisites on every cluster host\s+TAGS: \[\]\n {4}pattern: \['etcd:masters:nodes'\]\n {4}hosts \(1\):\n {6}n2\n/,
  );
  assert.match(r.out, /play #2 \(etcd\): etcd\s+TAGS: \[\]\n {4}pattern: \['etcd'\]\n {4}hosts \(0\):/);
  assert.ok(Date.now() - started < 3000);
});

test('--list-tasks lists role tasks and marks unguarded commands as not idempotent', async () => {
  const pb = definePlaybook({
    name: 'l',
    plays: [{ name: 'p', hosts: 'all', tasks: [shell({ cmd: 'date' }, 'stamp'), shell({ cmd: 'x', creates: '/x' }, 'guarded')] }],
  });
  const r = await cli(['-i', inv, '--list-tasks'], pb);
  assert.match(r.out, /stamp\tTAGS: \[\]\t\(not idempotent: always reports changed\)/);
  assert.match(r.out, /guarded\tTAGS: \[\]\n/);
  const c = await cli(['-i', inv, '--list-tasks']);
  assert.match(c.out, /etcd : \/etc\/etcd\/etcd\.conf/);
});

test('a wrong variable type is refused before any host is touched, naming the variable and its file', async () => {
  const d = join(dir, 'typed');
  mkdirSync(join(d, 'group_vars'), { recursive: true });
  writeFileSync(
    join(d, 'inv.yml'),
    'all:\n  children:\n    etcd: {hosts: {m: {ansible_host: 10.77.0.250}}}\n    masters: {hosts: {m: }}\n    nodes: {hosts: {n: {ansible_host: 10.77.0.251}}}\n',
  );
  writeFileSync(join(d, 'group_vars', 'nodes.yml'), 'kube_allow_privileged: maybe\n');
  const r = await cli(['-i', join(d, 'inv.yml'), '--check']);
  assert.is(r.code, 5);
  assert.match(r.err, /n: role common: kube_allow_privileged: must be boolean \(from inventory .*group_vars\/nodes\.yml\)/);
  assert.is(r.out, '', 'nothing ran');
  const e = await cli(['-i', inv, '--check', '-e', 'etcd_client_port=abc']);
  assert.is(e.code, 5);
  assert.match(e.err, /etcd_client_port: must be integer \(from extra vars \(-e\)\)/);
});

test('a notified handler that does not exist is refused before the run', async () => {
  const pb = definePlaybook({
    name: 'h',
    plays: [
      {
        name: 'p',
        hosts: 'all',
        tasks: [file({ path: '/tmp/x', content: '' }, { notify: 'restart nginx' })],
        handlers: [handler('reload nginx', file({ path: '/tmp/y', content: '' }))],
      },
    ],
  });
  const r = await cli(['-i', inv, '--check'], pb);
  assert.is(r.code, 5);
  assert.match(r.err, /notifies handler "restart nginx", which the play does not define; defined: reload nginx/);
});

test('the console draws a live progress line only on a TTY', () => {
  let tty = '';
  const report = consoleReporter({ stream: { write: (s: string) => ((tty += s), true), isTTY: true, columns: 80 } as any, color: false });
  report({ event: 'task-start', play: 'p', task: 'slow task', handler: false, hosts: ['a', 'b'] });
  report({ event: 'host-result', host: 'a', task: 'slow task', handler: false, status: 'ok', message: 'fine', startedAt: 0, durationMs: 1 });
  assert.match(tty, /\r\x1b\[2K {2}… slow task: 1\/2 hosts/);
  let plain = '';
  const quiet = consoleReporter({ stream: { write: (s: string) => ((plain += s), true), isTTY: false } as any });
  quiet({ event: 'task-start', play: 'p', task: 'slow task', handler: false, hosts: ['a', 'b'] });
  quiet({ event: 'host-result', host: 'a', task: 'slow task', handler: false, status: 'ok', message: 'fine', startedAt: 0, durationMs: 1 });
  assert.not.match(plain, /\r|\x1b/);
  report({ event: 'recap', hosts: {} });
});

test.run();
