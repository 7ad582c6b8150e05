/**
 * `~/.ssh/config` as OpenSSH applies it (first value wins, Host patterns, Include), ProxyJump from the
 * config and from ansible_ssh_common_args / ansible_ssh_extra_args, unsupported ProxyCommand refused
 * naming the host and option, and how the settings combine with inventory variables in createTransport.
 * The expected values are what `ssh -G HOST -F FILE` prints for the same file (checked live when ssh exists).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ValidationError } from '../../lib/core/errors.ts';
import { jumpFromSshArgs, loadSshConfig, parseJumpHop, proxyCommandAsJump } from '../../lib/transport/ssh-config.ts';
import { JumpPool } from '../../lib/transport/jump.ts';
import { inventoryView } from '../../lib/run.ts';
import { inventoryFromObject } from '../../lib/inventory/index.ts';

const home = mkdtempSync(join(tmpdir(), 'hw-ssh-config-'));
mkdirSync(join(home, '.ssh', 'conf.d'), { recursive: true });
const file = join(home, '.ssh', 'config');
writeFileSync(
  file,
  `# team config
Include conf.d/*.conf

Host web*.prod
  User deploy
  Port 2222
  IdentityFile ~/.ssh/prod_ed25519
  ProxyJump ops@bastion.prod:2200
  ConnectTimeout 7

Host db1
  HostName 10.1.0.5
  ProxyJump bastion.prod,inner.prod

Host legacy
  ProxyCommand ssh -W %h:%p -q jump.old

Host weird
  ProxyCommand nc -X connect -x proxy:3128 %h %p

Host *
  User fallback
  ServerAliveInterval 30
  UserKnownHostsFile ~/.ssh/known_hosts.team
`,
);
writeFileSync(join(home, '.ssh', 'conf.d', 'bastion.conf'), 'Host bastion.prod\n  HostName 203.0.113.10\n  User jump\n  IdentitiesOnly yes\n');
const config = loadSshConfig(file, home)!;
test.after(() => rmSync(home, { recursive: true, force: true }));

test('lookups: Host patterns, first value wins, Include, ~ expansion', () => {
  assert.equal(config.lookup('web1.prod'), {
    user: 'deploy',
    port: 2222,
    identityFiles: [join(home, '.ssh/prod_ed25519')],
    proxyJump: 'ops@bastion.prod:2200',
    userKnownHostsFile: join(home, '.ssh/known_hosts.team'),
    connectTimeoutMs: 7000,
    serverAliveIntervalMs: 30000,
  });
  assert.equal(config.lookup('bastion.prod'), {
    hostName: '203.0.113.10',
    user: 'jump',
    identitiesOnly: true,
    userKnownHostsFile: join(home, '.ssh/known_hosts.team'),
    serverAliveIntervalMs: 30000,
  });
  assert.is(config.lookup('db1').proxyJump, 'bastion.prod,inner.prod');
  assert.is(config.lookup('legacy').proxyJump, 'jump.old', 'ProxyCommand ssh -W %h:%p is a ProxyJump');
  assert.throws(
    () => config.lookup('weird'),
    (e: Error) =>
      e instanceof ValidationError && /config: Host weird: ProxyCommand "nc -X connect -x proxy:3128 %h %p" is not supported/.test(e.message),
  );
  assert.is(config.lookup('other').user, 'fallback');
});

test('the same file as OpenSSH reads it (ssh -G), when ssh is installed', () => {
  if (spawnSync('ssh', ['-V']).status !== 0) return;
  const g = (host: string) =>
    new Map(
      execFileSync('ssh', ['-G', '-F', file, host], { encoding: 'utf8', env: { ...process.env, HOME: home } })
        .split('\n')
        .map((l) => [l.split(' ')[0], l.slice(l.indexOf(' ') + 1)] as [string, string]),
    );
  const web = g('web1.prod');
  const mine = config.lookup('web1.prod');
  assert.is(web.get('user'), mine.user);
  assert.is(web.get('port'), String(mine.port));
  assert.is(web.get('proxyjump'), mine.proxyJump);
  assert.is(web.get('connecttimeout'), String(mine.connectTimeoutMs! / 1000));
  const bastion = g('bastion.prod');
  assert.is(bastion.get('hostname'), config.lookup('bastion.prod').hostName);
  assert.is(bastion.get('user'), 'jump');
});

test('ProxyJump from ansible_ssh_common_args / extra_args; other ProxyCommands refused naming host and variable', () => {
  assert.is(jumpFromSshArgs('-o ProxyJump=ops@b1:2200', 'h', 'v'), 'ops@b1:2200');
  assert.is(jumpFromSshArgs('-J b1,b2 -o StrictHostKeyChecking=no', 'h', 'v'), 'b1,b2');
  assert.is(jumpFromSshArgs('-oProxyJump="b1"', 'h', 'v'), 'b1');
  assert.is(jumpFromSshArgs(`-o ProxyCommand="ssh -W %h:%p -q root@b9"`, 'h', 'v'), 'root@b9');
  assert.is(jumpFromSshArgs('-o ServerAliveInterval=5', 'h', 'v'), undefined);
  assert.throws(
    () => jumpFromSshArgs(`-o ProxyCommand="corkscrew proxy 8080 %h %p"`, 'web1', 'ansible_ssh_common_args'),
    /web1: ansible_ssh_common_args: ProxyCommand "corkscrew proxy 8080 %h %p" is not supported/,
  );
  assert.equal(parseJumpHop('ops@[::1]:2200'), { user: 'ops', host: '::1', port: 2200 });
  assert.equal(parseJumpHop('ssh://b1'), { host: 'b1' });
  assert.is(proxyCommandAsJump('ssh -W %h:%p -p 2222 -l admin gw'), 'admin@gw:2222');
  const view = inventoryView(
    inventoryFromObject({
      all: { hosts: { t: { ansible_ssh_common_args: '-o ProxyJump=gw' }, bad: { ansible_ssh_extra_args: '-o ProxyCommand="nc %h %p"' } } },
    }),
  );
  assert.is(view.connectionOf('t').proxyJump, 'gw');
  assert.throws(() => view.connectionOf('bad'), /bad: ansible_ssh_extra_args: ProxyCommand "nc %h %p" is not supported/);
});

test('a chain shares its hops: one bastion connection for every host behind it', () => {
  const pool = new JumpPool();
  const made: string[] = [];
  const make = (_hop: { host: string }, via: unknown, name: string) => {
    made.push(`${name}${via ? ` via ${(via as { name: string }).name}` : ''}`);
    return { name } as never;
  };
  const a = pool.get('b1,b2', make);
  const b = pool.get('b1,b2', make);
  pool.get('b1', make);
  assert.is(a, b);
  assert.equal(made, ['bastion b1', 'bastion b2 via bastion b1']);
});

test.run();
