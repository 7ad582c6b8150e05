/**
 * The `hostwright` command (run as a process from lib/bin.ts) against a real test host over SSH
 * (`adhoc1`, reset to fresh first): ping, shell and command output, package changed then ok, --check
 * changing nothing, become, --json, unreachable (exit 4), a failed command (exit 2), unknown module or
 * argument refused with the valid ones (exit 5), and `inventory --list / --graph / --host`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testHosts, type TestHosts } from '../hosts/index.ts';
import { hw } from '../support/child.ts';

const HOST = 'adhoc1';
const dir = mkdtempSync(join(tmpdir(), 'hw-adhoc-e2e-'));
const inventory = join(dir, 'inventory.yml');
let hosts: TestHosts;

/** Run the hostwright command; resolve with its exit code and output. */
const adhoc = (...args: string[]) => hw(...args, '-i', inventory, '--known-hosts', hosts.knownHostsPath);
const sh = async (cmd: string) => (await hosts.exec(HOST, cmd)).stdout.trim();

test.before(async () => {
  hosts = await testHosts({ names: [HOST] });
  await hosts.reset([HOST]);
  const address = hosts.hosts[0].address;
  // Our own inventory: `web` holds the host as root; `deploy` reaches it as a user who needs sudo.
  writeFileSync(
    inventory,
    `all:
  vars:
    ansible_ssh_private_key_file: ${hosts.keyPath}
  children:
    web:
      hosts:
        ${HOST}:
          ansible_host: ${address}
          ansible_user: root
    deploy:
      hosts:
        ${HOST}-deploy:
          ansible_host: ${address}
          ansible_user: deploy
          ansible_become_password: deploy-sudo
    down:
      hosts:
        closed-port:
          ansible_host: ${address}
          ansible_port: 1
`,
  );
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('-m ping: ok and pong over SSH; with --become through sudo as deploy', async () => {
  const r = await adhoc('web', '-m', 'ping');
  assert.is(r.code, 0, r.out + r.err);
  assert.match(r.out, new RegExp(`ok: \\[${HOST}\\]\\n {4}pong\\n`));
  assert.match(r.out, new RegExp(`${HOST} : ok=1 changed=0 unreachable=0 failed=0 skipped=0`));
  const become = await adhoc('deploy', '-m', 'shell', '-a', 'id -un', '--become');
  assert.is(become.code, 0, become.out + become.err);
  assert.match(become.out, / {4}root\n/);
});

test('-m shell -a uptime and -m command show the output', async () => {
  const r = await adhoc('web', '-m', 'shell', '-a', 'uptime');
  assert.is(r.code, 0, r.out + r.err);
  assert.match(r.out, new RegExp(`changed: \\[${HOST}\\] => run uptime\\n {4}rc=0 >>\\n {4}.*load average`));
  const cmd = await adhoc(HOST, '-a', 'cat /etc/hostname');
  assert.is(cmd.code, 0, cmd.out + cmd.err);
  assert.match(cmd.out, new RegExp(`\\n {4}${HOST}\\n`));
});

test('-m package: --check predicts and installs nothing, then changed, then ok', async () => {
  assert.match(await sh('rpm -q etcd || true'), /not installed/);
  const check = await adhoc('web', '-m', 'package', '-a', 'name=etcd state=present', '--check');
  assert.is(check.code, 0, check.out + check.err);
  assert.match(check.out, new RegExp(`changed: \\[${HOST}\\] => .*etcd`));
  assert.match(check.out, /check mode/);
  assert.match(await sh('rpm -q etcd || true'), /not installed/, '--check installed nothing');
  const first = await adhoc('web', '-m', 'package', '-a', 'name=etcd state=present');
  assert.is(first.code, 0, first.out + first.err);
  assert.match(first.out, /changed=1/);
  assert.match(await sh('rpm -q etcd'), /^etcd-3\.3\.11-2\.el7\.centos/);
  const second = await adhoc('web', '-m', 'package', '-a', 'name=etcd state=present');
  assert.is(second.code, 0, second.out + second.err);
  assert.match(second.out, new RegExp(`ok: \\[${HOST}\\]\\n {4}.*etcd`));
  assert.match(second.out, /ok=1 changed=0/);
});

test('--json: one event per line, the result carries stdout', async () => {
  const r = await adhoc('web', '-m', 'command', '-a', 'echo from-json', '--json');
  assert.is(r.code, 0, r.out + r.err);
  const events = r.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const result = events.find((e) => e.event === 'host-result');
  assert.equal([result.host, result.status, result.rc, result.stdout], [HOST, 'changed', 0, 'from-json']);
  assert.equal(events.at(-1).hosts[HOST], { ok: 1, changed: 1, unreachable: 0, failed: 0, skipped: 0, ignored: 0 });
});

test('a failing command exits 2, an unreachable host 4', async () => {
  const failed = await adhoc('web', '-m', 'shell', '-a', 'echo broken >&2; exit 7');
  assert.is(failed.code, 2);
  assert.match(failed.out, /FAILED! => .*exit 7/);
  assert.match(failed.out, /stderr: broken/);
  const down = await adhoc('down', '-m', 'ping', '--connect-timeout', '5');
  assert.is(down.code, 4, down.out + down.err);
  assert.match(down.out, /UNREACHABLE!/);
});

test('unknown module or argument: refused before connecting, with the valid ones (exit 5)', async () => {
  const module = await adhoc('web', '-m', 'yum', '-a', 'name=etcd');
  assert.is(module.code, 5);
  assert.match(module.err, /no such module; valid modules: command, shell, ping, facts, file, line, block, package, service, sysctl, wait/);
  const arg = await adhoc('web', '-m', 'service', '-a', 'name=etcd state=started enable=yes');
  assert.is(arg.code, 5);
  assert.match(arg.err, /unknown argument "enable"; allowed: name, state, enabled, masked, daemonReload, ifExists/);
  assert.is(module.out + arg.out, '', 'nothing ran');
});

test('inventory --list / --graph / --host', async () => {
  const list = await hw('inventory', '-i', inventory, '--list');
  assert.is(list.code, 0, list.err);
  const parsed = JSON.parse(list.out);
  assert.equal([...parsed.all.children].sort(), ['deploy', 'down', 'ungrouped', 'web']);
  assert.equal(parsed.web.hosts, [HOST]);
  assert.is(parsed._meta.hostvars[HOST].ansible_user, 'root');
  const graph = await hw('inventory', '-i', inventory, '--graph', 'web');
  assert.is(graph.out, `@web:\n  |--${HOST}\n`);
  const host = await hw('inventory', '-i', inventory, '--host', `${HOST}-deploy`);
  assert.equal(JSON.parse(host.out), {
    ansible_become_password: 'deploy-sudo',
    ansible_host: hosts.hosts[0].address,
    ansible_ssh_private_key_file: hosts.keyPath,
    ansible_user: 'deploy',
  });
});

test.run();
