/**
 * modprobe: the parser on probe outputs recorded from a test host (test/fixtures/modprobe/probe-*.json,
 * with the command), the plan (load, built in, persistence files, unload, removal), the apply's commands,
 * argument checks, the ad-hoc module, and the common role's bridge netfilter step being a modprobe task.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures, refuses } from '../support/fixtures.ts';
import { modprobe, modprobeApplyCommand, modprobeType, parseModprobe, planModprobe } from '../../lib/tasks/modprobe.ts';
import { findModule } from '../../lib/adhoc/modules.ts';
import { common } from '../../roles/common/index.ts';

const { files, load } = fixtures('modprobe');

for (const f of files) {
  const fx = load(f);
  test(`probe ${f}: ${fx.description}`, () => {
    assert.ok(fx.recorded);
    assert.is(modprobeType.probe(fx.args, {} as never)!.command, fx.command);
    assert.equal(parseModprobe(fx.result, fx.args.name), fx.state);
  });
}

test('plans from the recorded states', () => {
  const builtin = load('probe-builtin.json').state;
  assert.equal(builtin, { loaded: false, builtin: true });
  assert.equal(planModprobe({ name: 'br_netfilter' }, builtin), { status: 'ok', reason: 'module br_netfilter is built into the kernel' });
  const unknown = load('probe-unknown.json').state;
  const p = planModprobe({ name: 'hw_fake', params: 'a=1 b=2', persistent: true }, unknown) as any;
  assert.equal(p.data, { load: true, writeLoad: 'hw_fake\n', writeOptions: 'options hw_fake a=1 b=2\n' });
  const cmd = modprobeApplyCommand({ name: 'hw_fake', params: 'a=1 b=2' }, p.data);
  assert.match(cmd, /\nmodprobe hw_fake a=1 b=2 \|\| exit 2/);
  assert.ok(cmd.indexOf('modprobe.d/hw_fake.conf') < cmd.indexOf('modprobe hw_fake'), 'options are written before loading');
  const persisted = load('probe-persistent.json').state;
  assert.equal([persisted.loadConf, persisted.optionsConf], ['hw_fake\n', 'options hw_fake a=1\n']);
  assert.equal((planModprobe({ name: 'hw_fake', state: 'absent', persistent: true }, persisted) as any).data, {
    removeLoad: true,
    removeOptions: true,
  });
  assert.is(planModprobe({ name: 'br_netfilter', state: 'absent' }, builtin).status, 'failed');
  assert.is(
    planModprobe(
      { name: 'hw_fake', params: 'a=1', persistent: true },
      { loaded: true, builtin: false, loadConf: 'hw_fake\n', optionsConf: 'options hw_fake a=1\n' },
    ).status,
    'ok',
    'idempotent',
  );
  assert.equal((planModprobe({ name: 'x' }, { loaded: true, builtin: false }) as any).status, 'ok');
  assert.equal((planModprobe({ name: 'x', state: 'absent' }, { loaded: true, builtin: false }) as any).data, { unload: true });
});

test('bad arguments are refused; ad-hoc module; the common role uses modprobe', () => {
  refuses(() => modprobe({ name: 'a b' }), /argument "name"/);
  refuses(() => modprobe({ name: 'x', state: 'absent', params: 'y=1' }), /params is not allowed/);
  assert.is(findModule('modprobe').type.name, 'modprobe');
  assert.is(findModule('community.general.modprobe').type.name, 'modprobe');
  const step = common.tasks.find((t) => t.options.name === 'bridge netfilter available');
  assert.is(step?.type.name, 'modprobe');
  assert.equal(step?.args, { name: 'br_netfilter' });
});

test.run();
