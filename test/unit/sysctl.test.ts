/**
 * sysctl: the probe parser on recorded outputs (test/fixtures/sysctl/probe-*.json), the pure plan on
 * fixtures (plan-*.json: arguments + probed state in, plan out), the sysctl.d file editing, idempotence
 * (the planned file and value plan ok the second time) and the argument refusals.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures } from '../support/fixtures.ts';
import { PROBE_KINDS, RERECORD } from '../support/probe-recordings.ts';
import {
  canonicalSysctlKey,
  normalizeSysctlValue,
  parseSysctl,
  removeSysctlLine,
  setSysctlLine,
  sysctlFileValues,
  type SysctlState,
} from '../../lib/probes/sysctl-state.ts';
import { planSysctl, sysctl, sysctlApplyCommand, type SysctlArgs, type SysctlPlanData } from '../../lib/tasks/sysctl.ts';
import { isValidationError } from '../../lib/core/errors.ts';
import type { Plan } from '../../lib/core/task-contract.ts';

const { files, load } = fixtures('sysctl');
const real = { check: false, earlierChangePredicted: false };

test('there are sysctl fixtures', () => {
  assert.ok(files.filter((f) => f.startsWith('probe-')).length >= 6);
  assert.ok(files.filter((f) => f.startsWith('plan-')).length >= 15);
});

for (const f of files.filter((f) => f.startsWith('probe-'))) {
  const fx = load(f);
  test(`probe ${f}: ${fx.description}`, () => {
    assert.equal(parseSysctl(fx.result), fx.state);
    // The output was recorded with the probe the code builds now.
    assert.is(PROBE_KINDS.sysctl.command(fx.probe), fx.command, RERECORD);
  });
}

for (const f of files.filter((f) => f.startsWith('plan-'))) {
  const fx = load(f);
  test(`plan ${f}: ${fx.description}`, () => {
    const state: SysctlState = { ...(fx.stateFrom ? load(fx.stateFrom).state : {}), ...(fx.state ?? {}) };
    const plan = planSysctl(fx.args, state, fx.ctx ?? real);
    assert.equal(plan, fx.plan);
    if (plan.status === 'change') {
      // Idempotence: once the plan is applied, the same arguments plan ok.
      const data = plan.data as SysctlPlanData;
      const after: SysctlState = {
        ...state,
        ...(data.content !== undefined ? { content: data.content, fileType: 'file' } : {}),
        ...(data.reload ? { live: data.expect! } : {}),
      };
      assert.is(planSysctl(fx.args, after, real).status, 'ok', 'second run is ok');
    }
  });
}

test('parse: a failing probe and garbage are refused', () => {
  assert.throws(() => parseSysctl({ code: 1, stdout: '', stderr: 'mktemp: failed' }), /sysctl probe failed \(exit 1\): mktemp: failed/);
  assert.throws(() => parseSysctl({ code: 0, stdout: 'hello\n', stderr: '' }), /printed no result/);
});

test('values are compared as the kernel shows them', () => {
  assert.is(normalizeSysctlValue(' 1024\t 65000\n'), '1024 65000');
  assert.is(normalizeSysctlValue(1), '1');
  assert.is(normalizeSysctlValue('010'), '10');
  assert.is(normalizeSysctlValue('18446744073692774399'), '18446744073692774399');
  assert.is(normalizeSysctlValue('cubic'), 'cubic');
});

test('slashed keys are read like sysctl reads them', () => {
  assert.is(canonicalSysctlKey('net/ipv4/ip_forward'), 'net.ipv4.ip_forward');
  assert.is(canonicalSysctlKey('net/ipv4/conf/eth0.10/rp_filter'), 'net.ipv4.conf.eth0/10.rp_filter');
  assert.is(canonicalSysctlKey('net.ipv4.conf.eth0/10.rp_filter'), 'net.ipv4.conf.eth0/10.rp_filter');
  assert.equal(sysctlFileValues('net/ipv4/conf/eth0.10/rp_filter = 2\n', 'net.ipv4.conf.eth0/10.rp_filter'), ['2']);
});

test('file editing keeps other lines byte for byte', () => {
  const text = '# comment = not a key\n\tvm.swappiness=10  \n;net.ipv4.ip_forward = 0\nkernel.x = 1\n';
  assert.equal(sysctlFileValues(text, 'net.ipv4.ip_forward'), [], 'commented lines do not count');
  assert.is(setSysctlLine(text, 'vm.swappiness', '1'), '# comment = not a key\nvm.swappiness = 1\n;net.ipv4.ip_forward = 0\nkernel.x = 1\n');
  assert.is(setSysctlLine('', 'a.b', '1'), 'a.b = 1\n');
  assert.is(setSysctlLine('x.y = 2', 'a.b', '1'), 'x.y = 2\na.b = 1\n');
  assert.is(removeSysctlLine(text, 'vm.swappiness'), '# comment = not a key\n;net.ipv4.ip_forward = 0\nkernel.x = 1\n');
  assert.is(removeSysctlLine(text, 'not.there'), text);
});

test('apply: LANG=C, the new file is loaded from its temporary copy before it replaces the old one, then read back', () => {
  const args: SysctlArgs = { key: 'net.ipv4.ip_forward', value: 1, file: '/etc/sysctl.d/k8s.conf' };
  const write = sysctlApplyCommand(args, { content: 'net.ipv4.ip_forward = 1\n', create: true, reload: true, expect: '1' });
  assert.match(write, /^export LANG=C LC_ALL=C\n/);
  assert.match(write, /sysctl -p "\$t"/, 'validates the temporary file');
  assert.ok(write.indexOf('sysctl -p "$t"') < write.indexOf('mv -f -- "$t" "$p"'), 'loads before moving into place');
  assert.match(write, /chmod 0644 "\$t"/);
  assert.match(write, /sysctl -n net\.ipv4\.ip_forward/);
  const load = sysctlApplyCommand(args, { reload: true, expect: '1' });
  assert.match(load, /sysctl -p \/etc\/sysctl\.d\/k8s\.conf/);
  assert.not.match(load, /mktemp/);
  const only = sysctlApplyCommand({ ...args, reload: false }, { content: 'x\n', reload: false });
  assert.not.match(only, /sysctl -p|sysctl -n/);
});

test('stderr output of sysctl -p fails even with exit 0', async () => {
  const { execFileSync } = await import('node:child_process');
  // A stand-in sysctl that exits 0 but complains, as procps 3.3 does for "permission denied on key".
  const script = sysctlApplyCommand({ key: 'k.x', value: 1, file: '/nonexistent/f' }, { reload: true, expect: '1' }).replace(
    'export LANG=C LC_ALL=C',
    'export LANG=C LC_ALL=C\nsysctl() { echo "sysctl: permission denied on key \'k.x\'" >&2; return 0; }',
  );
  let code = 0;
  let stderr = '';
  try {
    execFileSync('/bin/sh', ['-c', script], { stdio: 'pipe' });
  } catch (error) {
    code = (error as { status: number }).status;
    stderr = String((error as { stderr: Buffer }).stderr);
  }
  assert.is(code, 4);
  assert.match(stderr, /permission denied on key 'k.x'/);
});

test('bad arguments are refused when the task is defined', () => {
  const cases: [unknown, RegExp][] = [
    [{ key: 'net.ipv4.ip_forward' }, /value is required with state "present"/],
    [{ key: 'net.ipv4.ip_forward', value: 1, bogus: 1 }, /unknown argument "bogus"/],
    [{ key: 'net ipv4', value: 1 }, /argument "key"/],
    [{ key: 'net.ipv4.ip_forward', value: '1 # one' }, /comments/],
    [{ key: 'net.ipv4.ip_forward', value: 1, file: 'k8s.conf' }, /argument "file".*absolute path/],
    [{ key: 'net.ipv4.ip_forward', value: 1, state: 'absent' }, /value is not allowed/],
    [{ key: 'net.ipv4.ip_forward', value: true }, /argument "value"/],
  ];
  for (const [args, why] of cases) {
    try {
      sysctl(args as SysctlArgs);
      assert.unreachable(`accepted ${JSON.stringify(args)}`);
    } catch (error) {
      assert.ok(isValidationError(error), `${JSON.stringify(args)}: ${error}`);
      assert.match((error as Error).message, why);
    }
  }
  assert.ok(sysctl({ key: 'net.ipv4.ip_forward', value: 1 }));
});

test('the plan type stays a Plan', () => {
  const p: Plan = planSysctl(
    { key: 'a.b', value: 1 },
    { liveRc: 0, live: '1', liveError: '', fileType: 'absent', content: '', parentExists: true },
    real,
  );
  assert.is(p.status, 'change');
});

test.run();
