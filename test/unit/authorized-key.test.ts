/**
 * authorizedKey: the parser on probe outputs recorded from a test host (test/fixtures/authorized-key/
 * probe-*.json, each with its command), the port of Ansible's authorized_key rules (matching by blob,
 * replacement moves to the end, re-serialisation on a write, kept comment lines, exclusive), the plan,
 * idempotence, argument checks and the ad-hoc module. The byte-for-byte comparison with Ansible itself
 * runs on a test host (test/e2e/task-authorized-key.test.ts, 16 recorded cases).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures, refuses } from '../support/fixtures.ts';
import { parseAuthorizedKeys, parseKeyFile, parseKeyLine, parseKeyOptions, sameOptions } from '../../lib/probes/authorized-keys.ts';
import { authorizedKey, authorizedKeyType, editAuthorizedKeys, planAuthorizedKey } from '../../lib/tasks/authorized-key.ts';
import { parseModuleArgs } from '../../lib/adhoc/args.ts';
import { findModule } from '../../lib/adhoc/modules.ts';

const { files, load } = fixtures('authorized-key');
const K1 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGu2NGSsZTjXfAoODAFYiWrrAAAA k1@test';
const K2 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILEr7G5BBBB k2@test';
const K3 = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDCCCC rsa@test';
const edit = (content: string, keys: string[], args = {}) => editAuthorizedKeys(content, keys, args) as { write: boolean; content: string };

for (const f of files) {
  const fx = load(f);
  test(`probe ${f}: ${fx.description}`, () => {
    assert.ok(fx.recorded);
    assert.is(authorizedKeyType.probe(fx.args, new Map() as never)!.command, fx.command);
    assert.equal(parseAuthorizedKeys(fx.result), fx.state);
  });
}

test('recorded states', () => {
  assert.equal(load('probe-no-dir.json').state.dirExists, false);
  assert.match(load('probe-file.json').state.content, /^# c\nno-pty ssh-ed25519 /);
  assert.is(load('probe-missing-user.json').state.user, undefined);
  assert.is(load('probe-path.json').state.path, '/srv/keys/hwu5');
});

test('options parse as Ansible parses them, and compare as dicts', () => {
  assert.equal(parseKeyOptions('from="10.0.0.0/8,192.168.0.1",no-pty,command="echo a"'), [
    ['from', '"10.0.0.0/8,192.168.0.1"'],
    ['no-pty', null],
    ['command', '"echo a"'],
  ]);
  assert.ok(sameOptions(parseKeyOptions('no-pty,from="a"'), parseKeyOptions('from="a",no-pty')));
  assert.not.ok(sameOptions(parseKeyOptions('permitopen="a",permitopen="b"'), parseKeyOptions('permitopen="b",permitopen="a"')));
  assert.equal(parseKeyLine('# ssh-ed25519 AAAA c\n', 0)!.type, 'skipped');
  assert.is(parseKeyLine('garbage\n', 0), undefined);
  assert.equal(parseKeyLine('no-pty  ssh-ed25519 AAAA a  b\n', 3), {
    id: 'AAAA',
    type: 'ssh-ed25519',
    options: [['no-pty', null]],
    comment: 'a b',
    rank: 3,
  });
});

test("Ansible's rewrite rules", () => {
  assert.equal(edit(`${K1}\n`, [K1]), { write: false, content: `${K1}\n` });
  assert.equal(edit('', [K1]), { write: true, content: `${K1}\n` });
  const noComment = K2.replace(' k2@test', '').replace(' ', '  ');
  assert.is(
    edit(`${noComment}\n`, [K1]).content,
    `${K2.replace(' k2@test', '')} \n${K1}\n`,
    'a rewrite normalises other key lines (trailing space kept from the empty comment)',
  );
  assert.is(edit(`${K1.replace('k1@test', 'old')}\n${K2}\n`, [K1]).content, `${K2}\n${K1}\n`, 'a replaced key moves to the end');
  assert.is(edit(`# hand\n${K1}\n\n${K2}\n`, [K2], { exclusive: true }).content, `${K2}\n`, 'exclusive drops comments and blank lines too');
  assert.is(edit(`${K1}\n# last`, [K2]).content, `${K1}\n# last${K2}\n`, 'a last line without newline is kept as is');
  assert.is(edit(`${K1}\n${K2}\n`, [K2], { state: 'absent' }).content, `${K1}\n`);
  assert.equal(edit(`${K1}\n`, [K3], { state: 'absent' }), { write: false, content: `${K1}\n` });
  assert.is(edit(`${K1}\n`, [K1], { keyOptions: 'no-pty' }).content, `no-pty ${K1}\n`);
  assert.is(edit(`${K1}\n`, [K1], { comment: 'deploy key' }).content, `${K1.replace('k1@test', 'deploy key')}\n`);
  assert.is(
    edit(`${K1}\n\n${K2}\n\n${K1} dup\n`, [K3]).content,
    `${K2}\n\n${K3}\n${K1} dup\n`,
    'duplicates collapse to the last one, as in a Python dict',
  );
  assert.equal(parseKeyFile(`${K1}\n${K1}\n`).size, 1);
  assert.equal(editAuthorizedKeys('', ['nonsense'], {}), { error: 'invalid key: nonsense' });
});

test('plan: diff of the file, idempotence, missing user', () => {
  const st = {
    user: { uid: 1000, gid: 1000, home: '/home/u' },
    path: '/home/u/.ssh/authorized_keys',
    fileExists: false,
    content: '',
    dirExists: false,
  };
  const p = planAuthorizedKey({ user: 'u', key: K1 }, [K1], st) as any;
  assert.equal(p.data, { path: st.path, content: `${K1}\n`, uid: 1000, gid: 1000, dir: '/home/u/.ssh' });
  assert.equal(p.diff, [{ kind: 'file', path: st.path, before: '', after: `${K1}\n` }]);
  assert.is(planAuthorizedKey({ user: 'u', key: K1 }, [K1], { ...st, content: p.data.content, fileExists: true }).status, 'ok');
  assert.is((planAuthorizedKey({ user: 'u', key: K1, manageDir: false }, [K1], st) as any).data.dir, undefined);
  assert.equal(planAuthorizedKey({ user: 'u', key: K1 }, [K1], { ...st, user: undefined }), { status: 'failed', reason: 'user u does not exist' });
  assert.is(
    planAuthorizedKey({ user: 'u', key: K1 }, [K1], { ...st, user: undefined }, { check: true, earlierChangePredicted: true }).status,
    'may-change',
  );
});

test('bad arguments are refused', () => {
  refuses(() => authorizedKey({ user: 'u' }), /exactly one of key and keyFile/);
  refuses(() => authorizedKey({ user: 'u', key: K1, keyFile: '/x' }), /exactly one of key and keyFile/);
  refuses(() => authorizedKey({ user: 'u', key: 'hello' }), /not an SSH public key line: hello/);
  refuses(() => authorizedKey({ user: 'u', key: K1, state: 'absent', exclusive: true }), /exclusive is only allowed/);
  refuses(() => authorizedKey({ user: 'u', key: K1, path: 'rel' }), /argument "path"/);
});

test("ad-hoc: -m authorized_key with Ansible's argument names", () => {
  const m = findModule('authorized_key');
  assert.is(m.type.name, 'authorizedKey');
  assert.equal(parseModuleArgs(`user=deploy key="${K1}" key_options=no-pty manage_dir=no exclusive=yes`, m.type, m.args), {
    user: 'deploy',
    key: K1,
    keyOptions: 'no-pty',
    manageDir: false,
    exclusive: true,
  });
});

test.run();
