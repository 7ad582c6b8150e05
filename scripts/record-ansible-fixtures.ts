/**
 * Records Ansible's own answers into test/fixtures/ansible/ so the conformance tests run without
 * Ansible installed: vault files and strings written by `ansible-vault`, and `ansible-inventory --list`
 * for vaulted, scripted, comma-list, folder and YAML 1.1 scalar inventories.
 *
 *   apt-get install -y --no-install-recommends ansible   # Debian's ansible (ansible-core 2.14)
 *   node scripts/record-ansible-fixtures.ts
 *
 * Encrypted fixtures get a new random salt on every run: commit them together with the listings.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const fx = join(root, 'test/fixtures/ansible');
const vaultDir = join(fx, 'vault');
// An empty config: the recorded answers are Ansible's defaults, whatever this machine has configured.
const emptyConfig = join(tmpdir(), 'hw-record-empty-ansible.cfg');
writeFileSync(emptyConfig, '');
const env = { ...process.env, ANSIBLE_CONFIG: emptyConfig, ANSIBLE_NOCOLOR: '1', ANSIBLE_INVENTORY_UNPARSED_WARNING: 'False', LC_ALL: 'C.UTF-8' };

const sh = (cmd: string, args: string[], cwd = fx): string =>
  execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
const pw = (name: string) => join(vaultDir, name);
const encryptString = (value: string, name: string, ...auth: string[]) => sh('ansible-vault', ['encrypt_string', ...auth, '--name', name, value]);
const indent = (text: string, by: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((l, i) => (i === 0 ? l : by + l))
    .join('\n');

// 1. Vault files and strings.
sh('ansible-vault', [
  'encrypt',
  '--vault-password-file',
  pw('pw-default'),
  '--output',
  join(vaultDir, 'ansible-1.1.vault'),
  join(vaultDir, 'plain.yml'),
]);
sh('ansible-vault', [
  'encrypt',
  '--vault-id',
  `dev@${pw('pw-dev')}`,
  '--output',
  join(vaultDir, 'ansible-1.2-dev.vault'),
  join(vaultDir, 'plain.yml'),
]);
writeFileSync(join(vaultDir, 'block.txt'), '0123456789abcdef');
sh('ansible-vault', [
  'encrypt',
  '--vault-password-file',
  pw('pw-default'),
  '--output',
  join(vaultDir, 'ansible-block.vault'),
  join(vaultDir, 'block.txt'),
]);
writeFileSync(join(vaultDir, 'ansible-string.yml'), encryptString('inline-secret-1', 'db_pass', '--vault-password-file', pw('pw-default')));

// 2. A vaulted inventory: inline values (1.1 and 1.2), whole encrypted group_vars and host_vars.
const vaulted = join(fx, 'inventories/vaulted');
rmSync(vaulted, { recursive: true, force: true });
mkdirSync(join(vaulted, 'group_vars/all'), { recursive: true });
mkdirSync(join(vaulted, 'host_vars'), { recursive: true });
writeFileSync(
  join(vaulted, 'hosts.yml'),
  `all:
  hosts:
    web1:
      ansible_host: 10.0.0.1
      ${indent(encryptString('inline-secret-1', 'db_pass', '--vault-password-file', pw('pw-default')), '      ')}
  children:
    app:
      hosts:
        web2:
          ansible_connection: local
      vars:
        ${indent(encryptString('dev-token-42', 'app_token', '--vault-id', `dev@${pw('pw-dev')}`), '        ')}
`,
);
writeFileSync(join(vaulted, 'group_vars/all/vault.yml'), 'vault_api_key: key-from-whole-file\nvault_port: 8443\n');
sh('ansible-vault', ['encrypt', '--vault-password-file', pw('pw-default'), join(vaulted, 'group_vars/all/vault.yml')]);
writeFileSync(join(vaulted, 'group_vars/all/plain.yml'), 'api_key: "{{ vault_api_key }}"\n');
writeFileSync(join(vaulted, 'host_vars/web2.yml'), 'ansible_become_password: dev-become-pw\n');
sh('ansible-vault', ['encrypt', '--vault-id', `dev@${pw('pw-dev')}`, join(vaulted, 'host_vars/web2.yml')]);

// 3. ansible-inventory --list for every inventory under inventories/ (vault passwords for all).
const auth = ['--vault-password-file', pw('pw-default'), '--vault-id', `dev@${pw('pw-dev')}`];
const cases = JSON.parse(readFileSync(join(fx, 'inventories/cases.json'), 'utf8')) as { name: string; inventory: string[] }[];
// Kept as printed: Python's json writes Infinity and NaN, which JSON.parse refuses.
const out = join(fx, 'inventories/recorded');
rmSync(out, { recursive: true, force: true });
mkdirSync(out);
writeFileSync(join(out, 'VERSION'), sh('ansible', ['--version']).split('\n')[0] + '\n');
for (const c of cases) {
  const args = ['--list', ...c.inventory.flatMap((i) => ['-i', i]), ...auth];
  writeFileSync(join(out, `${c.name}.json`), sh('ansible-inventory', args, join(fx, 'inventories')));
}
// 4. What Ansible reads from an ansible.cfg, alone and with ANSIBLE_* variables over it (paths relative to the fixture).
const cfgDir = join(fx, 'config');
const dump = (extra: Record<string, string>) =>
  execFileSync('ansible-config', ['dump', '--only-changed'], {
    cwd: cfgDir,
    env: { ...env, ANSIBLE_CONFIG: join(cfgDir, 'ansible.cfg'), ...extra },
    encoding: 'utf8',
  })
    .split(fx.replace(/\/$/, '') + '/')
    .join('<FIXTURES>/');
writeFileSync(join(cfgDir, 'dump.txt'), dump({}));
writeFileSync(
  join(cfgDir, 'dump-env.txt'),
  dump({ ANSIBLE_FORKS: '9', ANSIBLE_REMOTE_USER: 'envuser', ANSIBLE_BECOME: 'false', ANSIBLE_INVENTORY: 'a.yml,b.yml' }),
);

console.log(`recorded vault fixtures and ${cases.length} listings (${readdirSync(join(fx, 'inventories')).length} entries in inventories/)`);
