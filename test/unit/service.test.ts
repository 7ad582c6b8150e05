/**
 * `service` without a host: `systemctl show` outputs recorded on a real test host
 * (test/fixtures/service/*.json, re-record with test/fixtures/service/record.ts) go through the real
 * parser and the pure plan; plus unit names, no-systemd hosts, check-mode memory and argument refusals.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { refuses } from '../support/fixtures.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { planService, service, serviceType, type ServiceArgs } from '../../lib/tasks/service.ts';
import { parseUnitShow, unitName, unitProbe, type UnitState } from '../../lib/probes/systemd-unit.ts';
import type { TaskContext } from '../../lib/core/task-contract.ts';
import type { HostMemory } from '../../lib/core/run-memory.ts';

const dir = fileURLToPath(new URL('../fixtures/service/', import.meta.url));

interface Fixture {
  description: string;
  args: ServiceArgs;
  ctx: { check: boolean; earlierChangePredicted: boolean; memory: { startedUnits?: string[]; startPredictedUnits?: string[] } };
  probe: { code: number; stdout: string; stderr: string };
  expect: { status: string; reason?: string; summary?: string; diff?: unknown; data?: unknown };
}

const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
test('there are service fixtures', () => assert.ok(files.length >= 12, `only ${files.length} fixtures in ${dir}`));

for (const file of files) {
  const fx = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Fixture;
  test(`${file}: ${fx.description}`, () => {
    assert.ok(fx.probe, `${file} has no recorded probe output`);
    const state = serviceType.probe(fx.args, {} as never)!.parse(fx.probe);
    const { startedUnits, startPredictedUnits } = fx.ctx.memory;
    const memory: HostMemory = {
      ...(startedUnits ? { startedUnits: new Set(startedUnits) } : {}),
      ...(startPredictedUnits ? { startPredictedUnits: new Set(startPredictedUnits) } : {}),
    };
    const plan = planService(fx.args, state, { ...fx.ctx, memory });
    assert.is(plan.status, fx.expect.status, JSON.stringify(plan));
    if (plan.status === 'change') {
      assert.is(plan.summary, fx.expect.summary);
      assert.equal(plan.diff, fx.expect.diff);
      assert.equal(plan.data, fx.expect.data);
    } else assert.is(plan.reason, fx.expect.reason);
  });
}

const loaded = (over: Partial<UnitState> = {}): UnitState => ({
  systemd: true,
  id: 'etcd.service',
  loadState: 'loaded',
  activeState: 'active',
  subState: 'running',
  unitFileState: 'enabled',
  canReload: false,
  needDaemonReload: false,
  ...over,
});
const ctx = (over: Partial<Pick<TaskContext, 'check' | 'earlierChangePredicted' | 'memory'>> = {}) => ({
  check: false,
  earlierChangePredicted: false,
  memory: {} as HostMemory,
  ...over,
});

test('unit names: .service implied, other suffixes and templates kept', () => {
  assert.is(unitName('etcd'), 'etcd.service');
  assert.is(unitName('docker.socket'), 'docker.socket');
  assert.is(unitName('getty@tty1'), 'getty@tty1.service');
  assert.is(unitName('kube-proxy'), 'kube-proxy.service');
  assert.match(
    unitProbe('etcd.service').command,
    /systemctl show -p Id,LoadState,ActiveState,SubState,UnitFileState,CanReload,NeedDaemonReload -- etcd.service/,
  );
});

test('parser: the real key=value output, an alias Id, and refusal of anything else', () => {
  // Recorded: `systemctl show ... sshd.service` on a test host answers for the unit it aliases.
  const s = parseUnitShow(
    {
      code: 0,
      stdout: 'Id=ssh.service\nLoadState=loaded\nActiveState=active\nSubState=running\nUnitFileState=enabled\nCanReload=yes\nNeedDaemonReload=no\n',
      stderr: '',
    },
    'sshd.service',
  );
  assert.equal(s, {
    systemd: true,
    id: 'ssh.service',
    loadState: 'loaded',
    activeState: 'active',
    subState: 'running',
    unitFileState: 'enabled',
    canReload: true,
    needDaemonReload: false,
  });
  assert.throws(
    () => parseUnitShow({ code: 1, stdout: '', stderr: 'Failed to connect to bus: No such file or directory' }, 'x.service'),
    /Failed to connect to bus/,
  );
  assert.throws(() => parseUnitShow({ code: 0, stdout: 'hello\n', stderr: '' }, 'x.service'), /unexpected output/);
});

test('a host without systemd fails clearly', () => {
  const state = parseUnitShow({ code: 0, stdout: 'systemd=no\n', stderr: '' }, 'etcd.service');
  const plan = planService({ name: 'etcd', state: 'started' }, state, ctx());
  assert.equal(plan, { status: 'failed', reason: 'this host does not run systemd (no /run/systemd/system)' });
});

test('check mode: a predicted start makes a later restart of the same unit ok, as the real run would', () => {
  const memory: HostMemory = {};
  const c = { ...ctx({ check: true, memory }), diff: false, host: 'h', vars: {}, sensitive: false } as unknown as TaskContext;
  const start = serviceType.plan({ name: 'etcd', state: 'started' }, loaded({ activeState: 'inactive', subState: 'dead' }), c);
  assert.is(start.status, 'change');
  assert.ok(memory.startPredictedUnits?.has('etcd.service'));
  const restart = serviceType.plan({ name: 'etcd', state: 'restarted' }, loaded({ activeState: 'inactive', subState: 'dead' }), c);
  assert.equal(restart, { status: 'ok', reason: 'etcd.service was started in this run; not restarting it again' });
  // A real run ignores check-mode predictions.
  assert.is(planService({ name: 'etcd', state: 'restarted' }, loaded(), { ...ctx(), memory }).status, 'change');
  assert.is(planService({ name: 'etcd', state: 'reloaded' }, loaded(), ctx({ memory: { startedUnits: new Set(['etcd.service']) } })).status, 'ok');
});

test('stopped, reloaded on a stopped unit, masking a missing unit, daemonReload with nothing to reload', () => {
  assert.equal(planService({ name: 'etcd', state: 'reloaded' }, loaded({ activeState: 'inactive' }), ctx()), {
    status: 'change',
    summary: 'etcd.service: start',
    diff: [{ kind: 'state', key: 'active', before: 'inactive', after: 'active' }],
    data: { unit: 'etcd.service', steps: ['start'] },
  });
  assert.equal(planService({ name: 'etcd', state: 'reloaded' }, loaded({ canReload: true }), ctx()).status, 'change');
  assert.equal((planService({ name: 'etcd', state: 'reloaded' }, loaded({ canReload: true }), ctx()) as { data: unknown }).data, {
    unit: 'etcd.service',
    steps: ['reload'],
  });
  const missing = loaded({ loadState: 'not-found', activeState: 'inactive', subState: 'dead', unitFileState: '' });
  assert.equal((planService({ name: 'etcd', masked: true }, missing, ctx()) as { data: unknown }).data, { unit: 'etcd.service', steps: ['mask'] });
  assert.equal(planService({ name: 'etcd', daemonReload: true, state: 'started' }, loaded(), ctx()), {
    status: 'ok',
    reason: 'etcd.service is active (running)',
  });
  assert.equal((planService({ name: 'etcd', state: 'stopped', masked: true }, loaded(), ctx()) as { data: unknown }).data, {
    unit: 'etcd.service',
    steps: ['stop', 'mask'],
  });
});

test('bad arguments are refused when the task is defined, naming the argument', () => {
  const refuse = refuses;
  refuse(
    () => service({ name: 'etcd', state: 'running' } as never),
    /argument "state" .*allowed: "started" or "stopped" or "restarted" or "reloaded"/,
  );
  refuse(
    () => service({ name: 'etcd', enable: true } as never),
    /unknown argument "enable"; allowed: name, state, enabled, masked, daemonReload, ifExists/,
  );
  refuse(() => service({ name: 'etcd' }), /give at least one of state, enabled, masked, daemonReload/);
  refuse(() => service({ name: 'etcd', masked: true, enabled: true }), /masked and enabled are both true/);
  refuse(() => service({ name: 'etcd', masked: true, state: 'started' }), /a masked unit cannot be started/);
  refuse(() => service({ name: 'etcd; reboot', state: 'started' }), /argument "name"/);
  refuse(() => service({ name: '--all', state: 'started' }), /not a unit name/);
});

test.run();
