/**
 * ansible.cfg and ANSIBLE_* variables, compared with what Ansible itself reads from the same file
 * (`ansible-config dump --only-changed`, recorded by scripts/record-ansible-fixtures.ts into
 * test/fixtures/ansible/config/): which file is found, values, origins, env over file, relative paths;
 * then the settings taking effect on a command line (inventory, forks, vault, become method, notes).
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hostwrightMain } from '../../lib/cli/main.ts';
import { findAnsibleConfig, loadAnsibleConfig, type AnsibleSettings } from '../../lib/config/ansible-cfg.ts';
import { applyAnsibleConfig } from '../../lib/config/apply.ts';
import { inventoryView } from '../../lib/run.ts';
import { inventoryFromObject } from '../../lib/inventory/index.ts';

const fixtures = new URL('../fixtures/ansible/', import.meta.url).pathname.replace(/\/$/, '');
const cfgDir = join(fixtures, 'config');
const tmp = mkdtempSync(join(tmpdir(), 'hw-ansible-cfg-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

/** `NAME(origin) = value` lines of ansible-config dump. */
function readDump(file: string): Map<string, { origin: string; value: string }> {
  const map = new Map<string, { origin: string; value: string }>();
  for (const line of readFileSync(join(cfgDir, file), 'utf8').split('\n')) {
    const m = /^(\w+)\((.*?)\) = (.*)$/.exec(line);
    if (m) map.set(m[1], { origin: m[2].replace('<FIXTURES>', fixtures), value: m[3].split('<FIXTURES>').join(fixtures) });
  }
  return map;
}

const ANSIBLE_NAMES: Record<keyof AnsibleSettings, string> = {
  inventory: 'DEFAULT_HOST_LIST',
  remoteUser: 'DEFAULT_REMOTE_USER',
  privateKeyFile: 'DEFAULT_PRIVATE_KEY_FILE',
  forks: 'DEFAULT_FORKS',
  timeout: 'DEFAULT_TIMEOUT',
  hostKeyChecking: 'HOST_KEY_CHECKING',
  vaultPasswordFile: 'DEFAULT_VAULT_PASSWORD_FILE',
  vaultIdentityList: 'DEFAULT_VAULT_IDENTITY_LIST',
  become: 'DEFAULT_BECOME',
  becomeUser: 'DEFAULT_BECOME_USER',
  becomeMethod: 'DEFAULT_BECOME_METHOD',
  becomeAskPass: 'DEFAULT_BECOME_ASK_PASS',
};
const pythonRepr = (v: unknown) =>
  typeof v === 'boolean' ? (v ? 'True' : 'False') : Array.isArray(v) ? `[${v.map((x) => `'${x}'`).join(', ')}]` : String(v);

for (const [dump, env] of [
  ['dump.txt', {}],
  ['dump-env.txt', { ANSIBLE_FORKS: '9', ANSIBLE_REMOTE_USER: 'envuser', ANSIBLE_BECOME: 'false', ANSIBLE_INVENTORY: 'a.yml,b.yml' }],
] as const) {
  test(`settings, values and origins equal ansible-config dump (${dump})`, () => {
    const expected = readDump(dump);
    const config = loadAnsibleConfig({
      env: { ANSIBLE_CONFIG: join(cfgDir, 'ansible.cfg'), ...env },
      cwd: cfgDir,
      home: tmp,
      systemFile: join(tmp, 'none'),
    });
    assert.is(config.file, expected.get('CONFIG_FILE')!.value);
    for (const [key, name] of Object.entries(ANSIBLE_NAMES) as [keyof AnsibleSettings, string][]) {
      const want = expected.get(name);
      assert.ok(want, `${name} recorded`);
      assert.is(pythonRepr(config.settings[key]), want!.value, name);
      assert.is(config.origins[key], want!.origin.replace(/^env: /, ''), `${name} origin`);
    }
    assert.equal(config.ignored, [
      'defaults.gathering',
      'defaults.retry_files_enabled',
      'defaults.stdout_callback',
      'ssh_connection.pipelining',
      'ssh_connection.ssh_args',
    ]);
  });
}

test('the first config found: ANSIBLE_CONFIG (file or folder), ./ansible.cfg unless world-writable, ~/.ansible.cfg, /etc', () => {
  const home = join(tmp, 'home');
  const cwd = join(tmp, 'project');
  const system = join(tmp, 'etc-ansible.cfg');
  mkdirSync(home, { recursive: true });
  mkdirSync(cwd, { recursive: true });
  chmodSync(cwd, 0o755);
  const lookup = { env: {}, cwd, home, systemFile: system };
  assert.is(findAnsibleConfig(lookup), undefined);
  writeFileSync(system, '[defaults]\n');
  assert.equal(findAnsibleConfig(lookup), { file: system, foundBy: '/etc/ansible/ansible.cfg' });
  writeFileSync(join(home, '.ansible.cfg'), '[defaults]\n');
  assert.is(findAnsibleConfig(lookup)!.foundBy, '~/.ansible.cfg');
  writeFileSync(join(cwd, 'ansible.cfg'), '[defaults]\n');
  assert.is(findAnsibleConfig(lookup)!.file, join(cwd, 'ansible.cfg'));
  chmodSync(cwd, 0o777);
  assert.is(findAnsibleConfig(lookup)!.foundBy, '~/.ansible.cfg', 'a world-writable working directory is not trusted');
  chmodSync(cwd, 0o755);
  assert.equal(findAnsibleConfig({ ...lookup, env: { ANSIBLE_CONFIG: cfgDir } }), { file: join(cfgDir, 'ansible.cfg'), foundBy: 'ANSIBLE_CONFIG' });
  writeFileSync(join(cwd, 'ansible.cfg'), '[defaults]\nforks = many\n');
  assert.throws(() => loadAnsibleConfig(lookup), /ansible\.cfg line 2: \[defaults\] forks: must be an integer, got "many"/);
});

test('on a command line: inventory, vault passwords from the config; the file named; ignored settings listed once; -i wins', async () => {
  let out = '';
  let err = '';
  const sink = (add: (s: string) => void) =>
    new Writable({
      write(chunk, _e, done) {
        add(String(chunk));
        done();
      },
    });
  process.env.ANSIBLE_CONFIG = join(cfgDir, 'ansible.cfg');
  // vault_identity_list sources are relative to the working directory, as in Ansible.
  process.chdir(cfgDir);
  try {
    const code = await hostwrightMain(
      ['all', '-m', 'ping', '--list-hosts'],
      sink((s) => (out += s)),
      sink((s) => (err += s)),
    );
    assert.is(code, 0, err);
    assert.match(out, /hosts \(4\):\n {4}web1\n {4}db1\n {4}z1\n {4}extra1/);
    assert.ok(err.startsWith(`Using ${join(cfgDir, 'ansible.cfg')} as config file\n`));
    assert.is(err.match(/ignoring 5 ansible\.cfg setting\(s\) it does not use: defaults\.gathering, defaults\.retry_files_enabled/g)?.length, 1);
    out = '';
    assert.is(
      await hostwrightMain(
        ['extra1', '-i', join(cfgDir, 'extra-hosts.yml'), '-m', 'ping', '--list-hosts'],
        sink((s) => (out += s)),
        sink(() => {}),
      ),
      0,
    );
    assert.match(out, /hosts \(1\)/, '-i replaces the configured inventory');
    out = '';
    assert.is(
      await hostwrightMain(
        ['inventory', '--list', '-i', join(fixtures, 'inventories/vaulted/hosts.yml')],
        sink((s) => (out += s)),
        sink(() => {}),
      ),
      0,
      'vault passwords from vault_password_file and vault_identity_list',
    );
    assert.is(JSON.parse(out)._meta.hostvars.web2.ansible_become_password, 'dev-become-pw');
  } finally {
    delete process.env.ANSIBLE_CONFIG;
  }
});

test('connection settings: remote_user, key, become as defaults under inventory variables; unsupported become_method refused', async () => {
  const cfg = join(tmp, 'conn.cfg');
  writeFileSync(cfg, '[defaults]\nremote_user = deploy\nprivate_key_file = ~/k\n[privilege_escalation]\nbecome = true\nbecome_user = app\n');
  const sink = new Writable({
    write(_c, _e, done) {
      done();
    },
  });
  const applied = await applyAnsibleConfig({}, sink, { lookup: { env: { ANSIBLE_CONFIG: cfg }, home: '/home/me' } });
  assert.equal(applied.connectionDefaults, { user: 'deploy', keyFile: '/home/me/k', become: true, becomeUser: 'app' });
  const view = inventoryView(
    inventoryFromObject({ all: { hosts: { a: null, b: { ansible_user: 'root', ansible_become: false } } } }),
    {},
    applied.connectionDefaults,
  );
  assert.equal(view.connectionOf('a'), {
    address: 'a',
    port: 22,
    connection: 'ssh',
    local: false,
    user: 'deploy',
    keyFile: '/home/me/k',
    become: true,
    becomeUser: 'app',
  });
  assert.is(view.connectionOf('b').user, 'root', 'an inventory variable beats remote_user');
  assert.is(view.connectionOf('b').become, false);
  const values: Record<string, unknown> = { forks: '2' };
  writeFileSync(cfg, '[defaults]\nforks = 7\ntimeout = 3\nhost_key_checking = false\n');
  await applyAnsibleConfig(values, sink, { lookup: { env: { ANSIBLE_CONFIG: cfg } } });
  assert.equal(values, { forks: '2', 'connect-timeout': '3', 'accept-new-host-keys': true }, 'the command line wins');
  writeFileSync(cfg, '[privilege_escalation]\nbecome_method = su\n');
  try {
    await applyAnsibleConfig({}, sink, { lookup: { env: { ANSIBLE_CONFIG: cfg } } });
    assert.unreachable('su is refused');
  } catch (e) {
    assert.match((e as Error).message, /become_method "su" \(.*conn\.cfg\): hostwright becomes another user with sudo only/);
  }
  writeFileSync(cfg, '[privilege_escalation]\nbecome_ask_pass = true\n');
  const asked = await applyAnsibleConfig({}, sink, {
    lookup: { env: { ANSIBLE_CONFIG: cfg } },
    prompt: async (q) => (q === 'BECOME password: ' ? 'sudo-pw' : ''),
  });
  assert.is(asked.connectionDefaults.becomePassword, 'sudo-pw');
});

test.run();
