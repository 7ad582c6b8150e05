/**
 * Bastion hosts on the real test hosts: `behind17` answers only `jump17` (its routes are cut down to the
 * bastion's address, so the controller's packets get no reply), and is converged through ProxyJump from
 * an SSH config (`-F`) and from `ansible_ssh_common_args`. The target sees the bastion as the client
 * (SSH_CONNECTION); the bastion's host key is checked like any host's.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testHosts, type TestHosts } from '../hosts/index.ts';

const JUMP = 'jump17';
const BEHIND = 'behind17';
const bin = new URL('../../lib/bin.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'hw-bastion-e2e-'));
let hosts: TestHosts;
let jumpAddress: string;
let behindAddress: string;

function hw(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', HOME: dir } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, out, err }));
  });
}

test.before(async () => {
  hosts = await testHosts({ names: [JUMP, BEHIND] });
  await hosts.reset([JUMP, BEHIND]);
  jumpAddress = hosts.hosts.find((h) => h.name === JUMP)!.address;
  behindAddress = hosts.hosts.find((h) => h.name === BEHIND)!.address;
  // behind17 keeps a route to the bastion only: the controller (10.77.0.1) can no longer reach it.
  const cut = await hosts.exec(BEHIND, `ip route del 10.77.0.0/24 dev host0 && ip route add ${jumpAddress}/32 dev host0 && ip route`);
  assert.is(cut.code, 0, cut.stderr);
});

test.after(async () => {
  await hosts?.reset([JUMP, BEHIND]);
  await hosts?.stop([JUMP, BEHIND]);
  rmSync(dir, { recursive: true, force: true });
});

test('without the bastion the host is unreachable (exit 4)', async () => {
  const inv = join(dir, 'direct.yml');
  writeFileSync(
    inv,
    `all:\n  hosts:\n    ${BEHIND}:\n      ansible_host: ${behindAddress}\n      ansible_user: root\n      ansible_ssh_private_key_file: ${hosts.keyPath}\n`,
  );
  const r = await hw(BEHIND, '-i', inv, '-m', 'ping', '--known-hosts', hosts.knownHostsPath, '--connect-timeout', '3');
  assert.is(r.code, 4, r.out + r.err);
});

test('ProxyJump from an SSH config (-F): converged through the bastion, which the target sees as the client', async () => {
  const cfg = join(dir, 'ssh_config');
  writeFileSync(
    cfg,
    `Host inner\n  HostName ${behindAddress}\n  User root\n  IdentityFile ${hosts.keyPath}\n  ProxyJump gw\n\nHost gw\n  HostName ${jumpAddress}\n  User root\n  IdentityFile ${hosts.keyPath}\n\nHost *\n  UserKnownHostsFile ${hosts.knownHostsPath}\n`,
  );
  const inv = join(dir, 'config.yml');
  writeFileSync(inv, `all:\n  hosts:\n    ${BEHIND}:\n      ansible_host: inner\n`);
  let r = await hw(BEHIND, '-i', inv, '-F', cfg, '-m', 'file', '-a', 'path=/tmp/hw-bastion content=through-the-bastion');
  assert.is(r.code, 0, r.out + r.err);
  assert.match(r.out, /changed: \[behind17\]/);
  assert.is((await hosts.exec(BEHIND, 'cat /tmp/hw-bastion')).stdout, 'through-the-bastion');
  r = await hw(BEHIND, '-i', inv, '-F', cfg, '-m', 'shell', '-a', 'hostname; echo "$SSH_CONNECTION"');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`${BEHIND}\\n\\s+${jumpAddress.replace(/\./g, '\\.')} \\d+ ${behindAddress.replace(/\./g, '\\.')} 22`));
});

test('ProxyJump from ansible_ssh_common_args; the bastion host key is checked', async () => {
  const inv = join(dir, 'args.yml');
  writeFileSync(
    inv,
    `all:\n  vars:\n    ansible_user: root\n    ansible_ssh_private_key_file: ${hosts.keyPath}\n    ansible_ssh_common_args: '-o ProxyJump=root@${jumpAddress}'\n  hosts:\n    ${BEHIND}:\n      ansible_host: ${behindAddress}\n`,
  );
  let r = await hw(BEHIND, '-i', inv, '--known-hosts', hosts.knownHostsPath, '-m', 'shell', '-a', 'echo "$SSH_CONNECTION"');
  assert.is(r.code, 0, r.out + r.err);
  assert.match(r.out, new RegExp(`\\s${jumpAddress.replace(/\./g, '\\.')} \\d+ `));
  // A known_hosts with the target's key but not the bastion's: refused, naming the bastion.
  const partial = join(dir, 'known_hosts');
  writeFileSync(
    partial,
    readFileSync(hosts.knownHostsPath, 'utf8')
      .split('\n')
      .filter((l) => !l.includes(jumpAddress) && !l.startsWith(JUMP))
      .join('\n') + '\n',
  );
  r = await hw(BEHIND, '-i', inv, '--known-hosts', partial, '-m', 'ping');
  assert.is(r.code, 4, r.out + r.err);
  assert.match(r.out + r.err, /bastion root@.*unknown host key for/);
});

test.run();
