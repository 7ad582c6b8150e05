/**
 * An encrypted private key, against a real OpenSSH server on loopback (test/support/sshd.ts): the
 * passphrase is asked on the terminal (a pseudo-terminal from `script`) once for every host using the
 * key, and without a terminal the key is refused with what to do (exit 4, naming the key file).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd, type TestSshd } from '../support/sshd.ts';

const bin = new URL('../../lib/bin.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'hw-key-pass-'));
let sshd: TestSshd;
const key = join(dir, 'id_encrypted');
const inv = join(dir, 'inventory.yml');
const known = join(dir, 'known_hosts');

test.before(async () => {
  sshd = await startSshd();
  copyFileSync(sshd.clientKeyFile, key);
  chmodSync(key, 0o600);
  execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'open sesame', '-f', key]);
  writeFileSync(known, sshd.knownHostsLine + '\n');
  const host = (n: string) => `    ${n}:\n      ansible_host: 127.0.0.1\n      ansible_port: ${sshd.port}\n`;
  writeFileSync(inv, `all:\n  vars:\n    ansible_user: root\n    ansible_ssh_private_key_file: ${key}\n  hosts:\n${host('one')}${host('two')}`);
});

test.after(async () => {
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the passphrase is asked once on the terminal and used for every host', () => {
  const cmd = `${process.execPath} ${bin} all -i ${inv} --known-hosts ${known} -m shell -a 'echo reached-$(hostname)'`;
  const r = spawnSync('sh', ['-c', `(sleep 2; printf 'open sesame\\n') | script -qec "${cmd}" /dev/null`], { encoding: 'utf8', timeout: 60000 });
  assert.is(r.stdout.match(/Enter passphrase for key '.*id_encrypted': /g)?.length, 1, r.stdout + r.stderr);
  // The command's own output lines (the task header and progress line also name the command).
  assert.is(r.stdout.match(/^\s*reached-\S+\s*$/gm)?.length, 2, r.stdout);
  assert.not.match(r.stdout, /open sesame/, 'not echoed');
});

test('without a terminal the encrypted key is refused, naming it and what to do', () => {
  const r = spawnSync('setsid', ['-w', process.execPath, bin, 'one', '-i', inv, '--known-hosts', known, '-m', 'ping'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60000,
  });
  assert.is(r.status, 4, r.stdout + r.stderr);
  assert.match(
    r.stdout + r.stderr,
    /the SSH key file .*id_encrypted is encrypted and there is no terminal to ask its passphrase: load it into ssh-agent \(ssh-add /,
  );
});

test.run();
