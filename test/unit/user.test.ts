/**
 * user: the parser on probe outputs recorded from a test host (test/fixtures/user/probe-*.json, each
 * with its command), the pure plan on those states (Ansible's rules: only differing fields, exact or
 * appended groups, home creation, hash/lock/expiry), idempotence, that the hash never appears in a plan's
 * summary or diff nor on the apply's command line, argument checks, and the ad-hoc module.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures, refuses } from '../support/fixtures.ts';
import { parsePasswdLine, parseUserState, type UserState } from '../../lib/probes/account-db.ts';
import { planUser, user, userApplyCommand, userType, type UserArgs } from '../../lib/tasks/user.ts';
import { parseModuleArgs } from '../../lib/adhoc/args.ts';
import { findModule } from '../../lib/adhoc/modules.ts';
import { secretArgValues } from '../../lib/engine/secrets.ts';

const { files, load } = fixtures('user');
const state = (f: string): UserState => load(`probe-${f}.json`).state;
const H1 = '$6$hwsalt1$YFH9.bokvJHiGlBl0GV2GlsEhbILewQfCynDJLzOWm/f0Yr3SXVclLOsUE6ywGmycQ.tGgDm3/DpIXWVv6lHu/';
const H2 = '$6$hwsalt2$uFpK9zP7PQvoq8PLUQBf0esa.jXaPIoWv5WkxMpwQ2Sg/fjt0DgI1AKznVJboqITMnD5kpjWucjdf2e7rwFLW1';
const plan = (args: UserArgs, s: UserState) => planUser(args, s);
const argv = (args: UserArgs, s: UserState) => (plan(args, s) as any).data?.argv;

for (const f of files) {
  const fx = load(f);
  test(`probe ${f}: ${fx.description}`, () => {
    assert.ok(fx.recorded);
    assert.is(userType.probe(fx.args, {} as never)!.command, fx.command);
    assert.equal(parseUserState(fx.result), fx.state);
  });
}

test('recorded states are what the setups made', () => {
  const full = state('full');
  assert.equal(full.user, { name: 'hwu2', uid: 2700, gid: 3001, comment: 'A B', home: '/home/hwu2', shell: '/bin/bash' });
  assert.equal(full.shadow, { hash: H1, expireDays: 21915 });
  assert.equal(full.memberOf, ['hwg2', 'hwg3']);
  assert.equal([full.homeExists, full.oldHomeExists], [true, true]);
  const missing = state('missing');
  assert.is(missing.user, undefined);
  assert.equal(missing.groups, { hwu1: null, hwg1: { name: 'hwg1', gid: 3001 }, hwg2: { name: 'hwg2', gid: 3002 }, nosuch: null });
  assert.equal([state('locked-no-home').shadow!.hash.startsWith('!'), state('locked-no-home').homeExists], [true, false]);
  assert.equal([state('other-home').homeExists, state('other-home').homeParentExists, state('other-home').oldHomeExists], [false, false, true]);
});

test("create: useradd with Ansible's flags; a missing group fails (may change in check mode after a change)", () => {
  const s = { ...state('missing'), groups: { ...state('missing').groups, nosuch: { name: 'nosuch', gid: 9 } } };
  assert.equal(
    argv(
      {
        name: 'hwu1',
        uid: 2000,
        group: 'hwg1',
        groups: ['hwg2'],
        comment: 'c',
        home: '/srv/h/hwu1',
        shell: '/bin/sh',
        expires: 1893456000,
        password: H1,
        passwordLock: true,
        system: true,
      },
      s,
    ),
    [
      'useradd',
      '-u',
      '2000',
      '-g',
      'hwg1',
      '-G',
      'hwg2',
      '-c',
      'c',
      '-d',
      '/srv/h/hwu1',
      '-s',
      '/bin/sh',
      '-e',
      '2030-01-01',
      '-p',
      '$PW',
      '-m',
      '-r',
      'hwu1',
    ],
  );
  assert.equal((plan({ name: 'hwu1', password: H1, passwordLock: true }, s) as any).data.password, `!${H1}`);
  assert.equal(argv({ name: 'hwu1', createHome: false }, s), ['useradd', '-M', 'hwu1']);
  assert.equal(
    argv({ name: 'hwu1' }, { ...s, groups: { hwu1: { name: 'hwu1', gid: 5 } } }),
    ['useradd', '-N', '-m', 'hwu1'],
    'a group named like the user: -N',
  );
  assert.equal(plan({ name: 'hwu1', groups: ['nosuch'] }, state('missing')), { status: 'failed', reason: 'group nosuch does not exist' });
  assert.is(
    planUser({ name: 'hwu1', groups: ['nosuch'] }, state('missing'), { check: true, earlierChangePredicted: true, sensitive: true }).status,
    'may-change',
  );
});

test('modify: only what differs, groups exact or appended, lock, hash, expiry, home', () => {
  // The recorded probe asked about hwg2 only; the plans below also name hwg3.
  const full: UserState = { ...state('full'), groups: { ...state('full').groups, hwg3: { name: 'hwg3', gid: 3003 } } };
  assert.equal(plan({ name: 'hwu2', uid: 2700, shell: '/bin/bash', comment: 'A B', groups: ['hwg3', 'hwg2'] }, full), {
    status: 'ok',
    reason: 'user hwu2 is as wanted (uid 2700)',
  });
  assert.equal(argv({ name: 'hwu2', groups: ['hwg2'] }, full), ['usermod', '-G', 'hwg2', 'hwu2']);
  assert.is(plan({ name: 'hwu2', groups: ['hwg2'], append: true }, full).status, 'ok');
  assert.equal(argv({ name: 'hwu2', groups: [] }, full), ['usermod', '-G', '', 'hwu2']);
  assert.equal(argv({ name: 'hwu2', group: 'hwg2', groups: ['hwg2'] }, { ...full, groups: { hwg2: { name: 'hwg2', gid: 3002 } } }), [
    'usermod',
    '-g',
    '3002',
    '-G',
    'hwg2',
    'hwu2',
  ]);
  assert.equal(argv({ name: 'hwu2', passwordLock: true }, full), ['usermod', '-L', 'hwu2']);
  assert.is(plan({ name: 'hwu2', passwordLock: false }, full).status, 'ok');
  assert.is(plan({ name: 'hwu2', password: H1 }, full).status, 'ok');
  assert.is(plan({ name: 'hwu2', password: H2, updatePassword: 'onCreate' }, full).status, 'ok');
  const p = plan({ name: 'hwu2', password: H2, passwordLock: true }, full) as any;
  assert.equal(p.data, { argv: ['usermod', '-p', '$PW', 'hwu2'], password: `!${H2}` }, 'a new hash replaces -L');
  assert.is(plan({ name: 'hwu2', expires: 1893456000 + 3600 }, full).status, 'ok', 'same UTC day');
  assert.equal(argv({ name: 'hwu2', expires: -1 }, full), ['usermod', '-e', '', 'hwu2']);
  assert.equal(argv({ name: 'hwu2', home: '/srv/n', moveHome: true }, { ...full, homeExists: false }), ['usermod', '-d', '/srv/n', '-m', 'hwu2']);
  assert.equal((plan({ name: 'hwu2', home: '/srv/n' }, { ...full, homeExists: false }) as any).data, {
    argv: ['usermod', '-d', '/srv/n', 'hwu2'],
    createHome: '/srv/n',
  });
  assert.equal((plan({ name: 'hwu3' }, state('locked-no-home')) as any).data, { createHome: '/home/hwu3' });
  assert.is(plan({ name: 'hwu3', createHome: false }, state('locked-no-home')).status, 'ok');
  assert.equal(plan({ name: 'hwu2', password: H2 }, { ...full, shadow: undefined, shadowReadable: false }), {
    status: 'failed',
    reason: 'cannot read /etc/shadow to compare the password, expiry or lock: run the task with become',
  });
});

test('absent: userdel with -f/-r; ok when missing', () => {
  assert.equal(argv({ name: 'hwu2', state: 'absent', remove: true, force: true }, state('full')), ['userdel', '-f', '-r', 'hwu2']);
  assert.is(plan({ name: 'hwu1', state: 'absent' }, state('missing')).status, 'ok');
});

test('the hash never appears in a summary, a diff or the command line', () => {
  for (const [args, s] of [
    [{ name: 'hwu1', password: H2 }, state('missing')],
    [{ name: 'hwu2', password: H2 }, state('full')],
  ] as const) {
    const p = plan(args, s) as any;
    assert.is(p.status, 'change');
    assert.not.ok(JSON.stringify([p.summary, p.diff]).includes('hwsalt'));
    const cmd = userApplyCommand(args.name, p.data);
    assert.not.ok(cmd.includes('hwsalt'));
    assert.match(cmd, /-p "\$pw"/);
  }
});

test('the hash is a secret argument of the type: masked in every output even without sensitive', () => {
  assert.equal(userType.secretArgs, ['password']);
  assert.equal(secretArgValues(userType.secretArgs, { name: 'u', password: H1 }), [H1]);
  assert.equal(secretArgValues(userType.secretArgs, { name: 'u' }), []);
});

test('idempotence: a planned change leads to a state that plans ok', () => {
  const full = state('full');
  const after: UserState = { ...full, user: { ...full.user!, shell: '/bin/sh' }, memberOf: ['hwg2'], shadow: { hash: `!${H2}`, expireDays: -1 } };
  assert.is(plan({ name: 'hwu2', shell: '/bin/sh', groups: ['hwg2'], password: H2, passwordLock: true, expires: -1 }, after).status, 'ok');
});

test('parser refuses failures and garbage', () => {
  assert.throws(() => parseUserState({ code: 1, stdout: '', stderr: 'x' }), /user probe failed \(exit 1\): x/);
  assert.throws(() => parseUserState({ code: 0, stdout: 'x\n', stderr: '' }), /printed no result/);
  assert.throws(() => parseUserState({ code: 0, stdout: 'passwd=a:b\n', stderr: '' }), /unreadable passwd entry/);
  assert.equal(parsePasswdLine('a:x:1:2:c:/h:/bin/sh'), { name: 'a', uid: 1, gid: 2, comment: 'c', home: '/h', shell: '/bin/sh' });
  assert.is(parseUserState({ code: 0, stdout: 'passwd=\nshadow=unreadable\n', stderr: '' }).shadowReadable, false);
});

test('bad arguments are refused', () => {
  refuses(() => user({ name: 'u', password: 'secret' }), /crypt\(3\) hash/);
  refuses(() => user({ name: 'u', state: 'absent', uid: 1, shell: '/bin/sh' }), /uid, shell are not allowed with state "absent"/);
  refuses(() => user({ name: 'u', remove: true }), /remove and force are only allowed with state "absent"/);
  refuses(() => user({ name: 'u', append: true }), /append needs groups/);
  refuses(() => user({ name: 'u', moveHome: true }), /moveHome needs home/);
  refuses(() => user({ name: 'u', comment: 'a:b' }), /argument "comment"/);
  refuses(() => user({ name: 'u', home: 'rel' }), /argument "home"/);
  refuses(() => user({ name: 'u', generateSshKey: true } as never), /unknown argument "generateSshKey"/);
});

test("ad-hoc: -m user with Ansible's argument names", () => {
  const m = findModule('user');
  assert.equal(
    parseModuleArgs(
      'name=deploy groups=wheel,adm append=yes create_home=no move_home=no password_lock=yes update_password=on_create non_unique=no uid=5',
      m.type,
      m.args,
    ),
    {
      name: 'deploy',
      groups: ['wheel', 'adm'],
      append: true,
      createHome: false,
      moveHome: false,
      passwordLock: true,
      updatePassword: 'on_create',
      nonUnique: false,
      uid: 5,
    },
  );
});

test.run();
