/**
 * group: the parser on probe outputs recorded from a test host (test/fixtures/group/probe-*.json, each
 * with its command), the pure plan on those states (and idempotence: the planned state plans ok), the
 * argument checks, and the ad-hoc module with Ansible's argument names. The differential cases against
 * Ansible run on a test host (test/e2e/task-group.test.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures, refuses } from '../support/fixtures.ts';
import { parseGroupLine, parseGroupState } from '../../lib/probes/account-db.ts';
import { group, groupType, planGroup } from '../../lib/tasks/group.ts';
import { parseModuleArgs } from '../../lib/adhoc/args.ts';
import { findModule } from '../../lib/adhoc/modules.ts';

const { files, load } = fixtures('group');
const state = (f: string) => load(`probe-${f}.json`).state;

for (const f of files) {
  const fx = load(f);
  test(`probe ${f}: ${fx.description}`, () => {
    assert.ok(fx.recorded);
    assert.is(groupType.probe(fx.args, {} as never)!.command, fx.command);
    assert.equal(parseGroupState(fx.result), fx.state);
  });
}

test('recorded states are what the setups made', () => {
  assert.equal(state('missing'), { primaryOf: [] });
  assert.is(state('missing-gid-taken').gidOwner, 'hwg2');
  assert.equal(state('members').group, { name: 'hwg1', gid: 3001, members: ['hwu1', 'hwu2'] });
  assert.equal(state('primary').primaryOf, ['hwu3', 'hwu4']);
  assert.equal(state('system').group, { name: 'adm', gid: 4, members: [] });
});

test('plans: create, gid change, ok, refusals, removal', () => {
  const create = planGroup({ name: 'hwg1', gid: 2000, system: true }, state('missing'));
  assert.equal(create, {
    status: 'change',
    summary: 'create group hwg1 (gid 2000) (system)',
    diff: [{ kind: 'state', key: 'group hwg1', before: '(absent)', after: 'gid 2000' }],
    data: { argv: ['groupadd', '-g', '2000', '-r', 'hwg1'] },
  });
  assert.equal(planGroup({ name: 'hwg1' }, state('missing')), {
    status: 'change',
    summary: 'create group hwg1',
    diff: [{ kind: 'state', key: 'group hwg1', before: '(absent)', after: 'present' }],
    data: { argv: ['groupadd', 'hwg1'] },
  });
  assert.equal(planGroup({ name: 'hwg1', gid: 3000 }, state('missing-gid-taken')), {
    status: 'failed',
    reason: 'gid 3000 is already used by group hwg2; choose another gid or set nonUnique',
  });
  assert.equal((planGroup({ name: 'hwg1', gid: 3000, nonUnique: true }, state('missing-gid-taken')) as any).data.argv, [
    'groupadd',
    '-g',
    '3000',
    '-o',
    'hwg1',
  ]);
  assert.equal(planGroup({ name: 'hwg1', gid: 3001 }, state('members')), { status: 'ok', reason: 'group hwg1 exists (gid 3001)' });
  assert.equal((planGroup({ name: 'hwg1', gid: 3009 }, state('members')) as any).data.argv, ['groupmod', '-g', '3009', 'hwg1']);
  assert.is(planGroup({ name: 'adm', system: true }, state('system')).status, 'ok', 'system is ignored for an existing group');
  assert.equal(planGroup({ name: 'hwg3', state: 'absent' }, state('primary')), {
    status: 'failed',
    reason: 'group hwg3 is the primary group of hwu3, hwu4; remove or change those users first',
  });
  assert.equal((planGroup({ name: 'hwg1', state: 'absent' }, state('members')) as any).data.argv, ['groupdel', 'hwg1']);
  assert.is(planGroup({ name: 'hwg1', state: 'absent' }, state('missing')).status, 'ok');
});

test('idempotence: the state a change leads to plans ok', () => {
  const after = { primaryOf: [], group: { name: 'hwg1', gid: 3009, members: ['hwu1', 'hwu2'] } };
  assert.is(planGroup({ name: 'hwg1', gid: 3009 }, after).status, 'ok');
  assert.is(planGroup({ name: 'hwg1', state: 'absent' }, { primaryOf: [] }).status, 'ok');
});

test('parser refuses failures and garbage', () => {
  assert.throws(() => parseGroupState({ code: 1, stdout: '', stderr: 'x' }), /group probe failed \(exit 1\): x/);
  assert.throws(() => parseGroupState({ code: 0, stdout: 'nothing\n', stderr: '' }), /printed no result/);
  assert.throws(() => parseGroupState({ code: 0, stdout: 'entry=a:b\n', stderr: '' }), /unreadable group entry/);
  assert.is(parseGroupLine('a:x:notanumber:'), undefined);
});

test('bad arguments are refused', () => {
  refuses(() => group({ name: 'bad name' }), /argument "name"/);
  refuses(() => group({ name: 'g', gid: -1 }), /argument "gid"/);
  refuses(() => group({ name: 'g', state: 'absent', system: true }), /not allowed with state "absent"/);
  refuses(() => group({ name: 'g', nonUnique: true }), /nonUnique needs gid/);
  refuses(() => group({ name: 'g', force: true } as never), /unknown argument "force"/);
});

test("ad-hoc: -m group with Ansible's argument names", () => {
  const m = findModule('group');
  assert.equal(parseModuleArgs('name=etcd gid=990 system=yes non_unique=true state=present', m.type, m.args), {
    name: 'etcd',
    gid: 990,
    system: true,
    nonUnique: true,
    state: 'present',
  });
});

test.run();
