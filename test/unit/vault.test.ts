/**
 * ansible-vault compatibility: files and strings written by Debian's `ansible-vault` (recorded by
 * scripts/record-ansible-fixtures.ts into test/fixtures/ansible/) decrypted by hostwright, hostwright's
 * own output re-derived byte for byte with the same salt, vaulted inventories listed as
 * `ansible-inventory --list` lists them, password sources, refusals (exit 5 naming file and line), and
 * masking of decrypted values. When ansible-vault is installed, hostwright's output is also read back by it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hw } from '../support/in-process.ts';
import { ValidationError } from '../../lib/core/errors.ts';
import { hostVars, loadInventory } from '../../lib/inventory/index.ts';
import { readYaml } from '../../lib/inventory/yaml-format.ts';
import { parseExtraVars } from '../../lib/vars/index.ts';
import { decryptBody, encryptVault, parseEnvelope } from '../../lib/vault/cipher.ts';
import { vaultSources } from '../../lib/vault/options.ts';
import { loadVaultSecrets, splitVaultId } from '../../lib/vault/secrets.ts';
import { Vault } from '../../lib/vault/vault.ts';
import { runCli } from '../../lib/cli/playbook-command.ts';
import { definePlaybook } from '../../lib/play/define.ts';
import { shell } from '../../lib/tasks/command.ts';

const fx = new URL('../fixtures/ansible/', import.meta.url).pathname;
const vdir = join(fx, 'vault');
const pw = (n: string) => join(vdir, n);
const plain = readFileSync(pw('plain.yml'), 'utf8');
const PW1 = Buffer.from('hw-vault-pass-1');
const PW2 = Buffer.from('hw-dev-pass-2');
const both = () =>
  new Vault([
    { id: 'default', password: PW1, source: 'pw-default' },
    { id: 'dev', password: PW2, source: 'pw-dev' },
  ]);
const tmp = mkdtempSync(join(tmpdir(), 'hw-vault-'));
const hasAnsibleVault = spawnSync('ansible-vault', ['--version']).status === 0;

test.after(() => rmSync(tmp, { recursive: true, force: true }));

test('files written by ansible-vault decrypt: format 1.1, 1.2 with a vault id, a full padding block', () => {
  const v11 = readFileSync(pw('ansible-1.1.vault'), 'utf8');
  const v12 = readFileSync(pw('ansible-1.2-dev.vault'), 'utf8');
  assert.equal(parseEnvelope(v11).id, undefined);
  assert.is(parseEnvelope(v12).id, 'dev');
  assert.is(both().decryptFile(v11, 'f'), plain);
  assert.is(both().decryptFile(v12, 'f'), plain);
  assert.is(both().decrypt(v12, 'f').id, 'dev', 'the vault id named in the file is tried first');
  assert.is(both().decryptFile(readFileSync(pw('ansible-block.vault'), 'utf8'), 'f'), '0123456789abcdef');
  assert.is(decryptBody(parseEnvelope(v11).body, PW2), undefined, 'a wrong password does not match the HMAC');
});

test('hostwright encrypts byte for byte as ansible-vault does (same salt), 80-column lines, 1.2 for a label', () => {
  for (const [file, password, id] of [
    ['ansible-1.1.vault', PW1, undefined],
    ['ansible-1.2-dev.vault', PW2, 'dev'],
  ] as const) {
    const theirs = readFileSync(pw(file), 'utf8');
    const salt = Buffer.from(Buffer.from(parseEnvelope(theirs).body, 'hex').toString('latin1').split('\n')[0], 'hex');
    assert.is(encryptVault(plain, password, id, salt), theirs, file);
  }
  const mine = encryptVault('x', PW1, 'default');
  assert.ok(mine.startsWith('$ANSIBLE_VAULT;1.1;AES256\n'), 'the default id writes 1.1');
  assert.ok(
    mine
      .split('\n')
      .slice(1, -2)
      .every((l) => l.length === 80),
  );
  assert.is(new Vault([{ id: 'x', password: PW1, source: 's' }]).decryptFile(mine, 'f'), 'x');
});

test('inline !vault values in YAML vars files; whole encrypted -e @file; values remembered as secrets', () => {
  const vault = both();
  const read = readYaml(readFileSync(pw('ansible-string.yml'), 'utf8'), 'ansible-string.yml', false, vault);
  assert.equal(read.kind === 'mapping' && read.data, { db_pass: 'inline-secret-1' });
  const extra = parseExtraVars([`@${pw('ansible-1.1.vault')}`], '/', vault);
  assert.is(extra.db_password, 'S3cr3t-from-vault');
  assert.is(extra.port, 5432);
  assert.ok(vault.revealed.includes('inline-secret-1') && vault.revealed.includes('tok_0123456789'));
  assert.not.ok(vault.revealed.includes(5432 as never), 'numbers are not masked');
});

test('hostwright inventory --list equals ansible-inventory --list on the vaulted inventory', async () => {
  const recorded = JSON.parse(readFileSync(join(fx, 'inventories/recorded/vaulted.json'), 'utf8'));
  const r = await hw(
    'inventory',
    '-i',
    join(fx, 'inventories/vaulted/hosts.yml'),
    '--list',
    '--vault-password-file',
    pw('pw-default'),
    '--vault-id',
    `dev@${pw('pw-dev')}`,
  );
  assert.is(r.err, '');
  assert.equal(JSON.parse(r.out), recorded);
  const inv = loadInventory([join(fx, 'inventories/vaulted/hosts.yml')], { vault: both() });
  assert.is(hostVars(inv, 'web1').db_pass, 'inline-secret-1');
  assert.is(hostVars(inv, 'web2').app_token, 'dev-token-42');
  assert.is(hostVars(inv, 'web2').ansible_become_password, 'dev-become-pw');
});

test('refusals name the file (and line for inline values): no password, wrong password, missing vault id, damaged', async () => {
  const inv = join(fx, 'inventories/vaulted/hosts.yml');
  let r = await hw('inventory', '-i', inv, '--list');
  assert.is(r.code, 5);
  assert.match(r.err, /group_vars\/all\/vault\.yml: encrypted with ansible-vault, but no vault password was given: pass --vault-password-file/);
  r = await hw('web1', '-i', inv, '-m', 'ping', '--vault-password-file', pw('pw-dev'));
  assert.is(r.code, 5);
  assert.match(r.err, /hosts\.yml \(line 5\): wrong vault password/);
  assert.throws(
    () => loadInventory([inv], { vault: new Vault([{ id: 'default', password: PW1, source: 's' }]) }),
    (e: Error) => e instanceof ValidationError && /hosts\.yml \(line 18\).*vault id "dev", which no --vault-id names/.test(e.message),
  );
  const damaged = join(tmp, 'damaged.yml');
  writeFileSync(damaged, readFileSync(pw('ansible-1.1.vault'), 'utf8').replace(/\n[0-9a-f]/, '\nz'));
  assert.throws(() => parseExtraVars([`@${damaged}`], '/', both()), /damaged\.yml: damaged vault data/);
  writeFileSync(damaged, '$ANSIBLE_VAULT;1.1;AES128\n00\n');
  assert.throws(() => parseExtraVars([`@${damaged}`], '/', both()), /damaged\.yml: unsupported vault cipher AES128/);
});

test('password sources: file, executable, *-client script with --vault-id, env, prompt; order as Ansible', async () => {
  assert.equal(splitVaultId('dev@x'), { id: 'dev', source: 'x' });
  assert.equal(splitVaultId('x'), { id: 'default', source: 'x' });
  const s = await loadVaultSecrets(
    { ids: [`dev@${pw('pw-dev-client.sh')}`], passwordFiles: [pw('pw-script.sh'), pw('pw-default')], ask: true },
    async (q) => (q === 'Vault password: ' ? 'typed' : 'bad'),
  );
  assert.equal(
    s.map((x) => [x.id, x.password.toString()]),
    [
      ['dev', 'hw-dev-pass-2'],
      ['default', 'hw-vault-pass-1'],
      ['default', 'hw-vault-pass-1'],
      ['default', 'typed'],
    ],
  );
  const fails = async (sources: Parameters<typeof loadVaultSecrets>[0], re: RegExp) => {
    try {
      await loadVaultSecrets(sources, undefined);
      assert.unreachable('should refuse');
    } catch (e) {
      assert.ok(e instanceof ValidationError && re.test(e.message), (e as Error).message);
    }
  };
  await fails({ ids: [`qa@${pw('pw-dev-client.sh')}`] }, /pw-dev-client\.sh: vault password script failed \(exit 2\): unknown id qa/);
  await fails({ passwordFiles: [join(tmp, 'nope')] }, /--vault-password-file .*nope: vault password file not found/);
  await fails({ ask: true }, /--ask-vault-pass: a vault password prompt needs a terminal/);
  const env = vaultSources({ 'vault-id': ['b@y'] }, { ANSIBLE_VAULT_PASSWORD_FILE: '/p', ANSIBLE_VAULT_IDENTITY_LIST: 'a@x' });
  assert.equal(env, { ids: ['a@x', 'b@y'], passwordFiles: ['/p'], ask: false });
});

test('decrypted values are masked in run output like inventory passwords', async () => {
  const inv = join(fx, 'inventories/vaulted/hosts.yml');
  const r = await hw(
    'web2',
    '-i',
    inv,
    '--vault-password-file',
    pw('pw-default'),
    '--vault-id',
    `dev@${pw('pw-dev')}`,
    '-m',
    'shell',
    '-a',
    'echo token=dev-token-42 key=key-from-whole-file',
  );
  assert.is(r.code, 0, r.err + r.out);
  assert.match(r.out, /token=\*\*\*\*\*\*\*\* key=\*\*\*\*\*\*\*\*/);
  assert.not.match(r.out, /dev-token-42|key-from-whole-file/);
});

test('a playbook run: vaulted -e @file and inventory values masked in JSON events; a wrong password stops before connecting', async () => {
  const pb = definePlaybook({
    name: 'v',
    plays: [{ name: 'p', hosts: 'web2', tasks: [shell({ cmd: 'echo inline=dev-token-42 extra=S3cr3t-from-vault' }, 'show')] }],
  });
  let out = '';
  let err = '';
  const sink = { write: (s: string) => ((out += s), true) } as any;
  const esink = { write: (s: string) => ((err += s), true) } as any;
  const inv = join(fx, 'inventories/vaulted/hosts.yml');
  const auth = ['--vault-password-file', pw('pw-default'), '--vault-id', `dev@${pw('pw-dev')}`];
  assert.is(await runCli(pb, ['-i', inv, ...auth, '-e', `@${pw('ansible-1.1.vault')}`, '--json'], sink, esink), 0, err);
  assert.match(out, /inline=\*{8} extra=\*{8}/);
  assert.not.match(out, /dev-token-42|S3cr3t-from-vault/);
  out = '';
  assert.is(await runCli(pb, ['-i', inv, '--vault-password-file', pw('pw-dev'), '--json'], sink, esink), 5);
  assert.is(out, '', 'no event: nothing was started');
  assert.match(err, /wrong vault password/);
});

test('hostwright vault view / decrypt / encrypt / encrypt-string', async () => {
  const auth = ['--vault-password-file', pw('pw-default')];
  let r = await hw('vault', 'view', pw('ansible-1.1.vault'), ...auth);
  assert.is(r.code, 0, r.err);
  assert.is(r.out, plain);
  const file = join(tmp, 'secret.yml');
  copyFileSync(pw('plain.yml'), file);
  r = await hw('vault', 'encrypt', file, '--vault-id', `dev@${pw('pw-dev')}`);
  assert.is(r.code, 0, r.err);
  assert.ok(readFileSync(file, 'utf8').startsWith('$ANSIBLE_VAULT;1.2;AES256;dev\n'));
  r = await hw('vault', 'encrypt', file, '--vault-id', `dev@${pw('pw-dev')}`);
  assert.is(r.code, 5, 'already encrypted');
  r = await hw('vault', 'decrypt', file, ...auth);
  assert.is(r.code, 5, 'wrong password');
  assert.match(r.err, /secret\.yml: wrong vault password.*vault id "dev"/);
  r = await hw('vault', 'decrypt', file, '--vault-id', `dev@${pw('pw-dev')}`);
  assert.is(r.code, 0, r.err);
  assert.is(readFileSync(file, 'utf8'), plain);
  r = await hw('vault', 'encrypt-string', 'p@ss word', '--name', 'db_pass', ...auth);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^db_pass: !vault \|\n {10}\$ANSIBLE_VAULT;1\.1;AES256\n( {10}[0-9a-f]{1,80}\n)+$/);
  const read = readYaml(r.out, 'out', false, new Vault([{ id: 'default', password: PW1, source: 's' }]));
  assert.equal(read.kind === 'mapping' && read.data, { db_pass: 'p@ss word' });
  r = await hw('vault', 'explode', file, ...auth);
  assert.is(r.code, 5);
});

test('--ask-vault-pass prompts on the terminal without echo; without a terminal it is refused (exit 5)', () => {
  const bin = new URL('../../lib/bin.ts', import.meta.url).pathname;
  const cmd = `${process.execPath} ${bin} vault view --ask-vault-pass ${pw('ansible-1.1.vault')}`;
  // `script` gives the command a pseudo-terminal; the password is typed into it after the prompt (typed
  // before it, the terminal would still echo it: leave the process ample time to start on a busy machine).
  const typed = spawnSync('sh', ['-c', `(sleep 6; printf 'hw-vault-pass-1\\n') | script -qec "${cmd}" /dev/null`], {
    encoding: 'utf8',
    timeout: 30000,
  });
  assert.match(typed.stdout, /^Vault password: /);
  assert.match(typed.stdout, /S3cr3t-from-vault/);
  assert.not.match(typed.stdout, /hw-vault-pass-1/, 'the typed password is not echoed');
  const batch = spawnSync('setsid', ['-w', process.execPath, bin, 'vault', 'view', '--ask-vault-pass', pw('ansible-1.1.vault')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  assert.is(batch.status, 5);
  assert.match(batch.stderr, /--ask-vault-pass: a vault password prompt needs a terminal/);
});

test('live: ansible-vault reads what hostwright writes, and the reverse', () => {
  if (!hasAnsibleVault) {
    // Without Ansible the recorded fixtures above carry the comparison; nothing live to check.
    assert.ok(readFileSync(pw('ansible-1.1.vault'), 'utf8').startsWith('$ANSIBLE_VAULT;1.1;AES256'));
    return;
  }
  const env = { ...process.env, ANSIBLE_CONFIG: join(tmp, 'none.cfg') };
  writeFileSync(join(tmp, 'none.cfg'), '');
  const mine = join(tmp, 'mine.vault');
  writeFileSync(mine, encryptVault(plain, PW2, 'dev'));
  assert.is(execFileSync('ansible-vault', ['view', '--vault-id', `dev@${pw('pw-dev')}`, mine], { env, encoding: 'utf8' }), plain);
  const theirs = join(tmp, 'theirs.vault');
  writeFileSync(theirs, 'fresh ✓ secret\n');
  execFileSync('ansible-vault', ['encrypt', '--vault-password-file', pw('pw-default'), theirs], { env, stdio: 'ignore' });
  assert.is(both().decryptFile(readFileSync(theirs, 'utf8'), theirs), 'fresh ✓ secret\n');
});

test.run();
