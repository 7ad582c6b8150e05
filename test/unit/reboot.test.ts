/**
 * reboot: the boot-id probe's parser, the plan (always a reboot; "would reboot" in check mode), the
 * scheduling text (a transient timer, else a detached sleep; the asking command returns first), the
 * task is declared not idempotent, refusals and the Ansible argument names.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planReboot, reboot, rebootProbe, scheduleCommand } from '../../lib/tasks/reboot.ts';
import { findModule } from '../../lib/adhoc/modules.ts';
import { parseModuleArgs } from '../../lib/adhoc/args.ts';

const ID = '3f1d2c4b-5a6e-4f70-8192-a3b4c5d6e7f8';

test('probe: the boot id, or a clear error', () => {
  assert.equal(rebootProbe.parse({ code: 0, stdout: `${ID}\n`, stderr: '' }), { bootId: ID });
  assert.throws(() => rebootProbe.parse({ code: 1, stdout: '', stderr: 'No such file' }), /cannot read the boot id \(exit 1\): No such file/);
  assert.is(rebootProbe.command, 'cat /proc/sys/kernel/random/boot_id');
});

test('plan: always a reboot; check mode says it would', () => {
  assert.equal(planReboot({}, { bootId: ID }, { check: false }), { status: 'change', summary: 'reboot', data: { bootId: ID } });
  assert.equal(planReboot({}, { bootId: ID }, { check: true }), {
    status: 'change',
    summary: 'would reboot (boot id 3f1d2c4b)',
    data: { bootId: ID },
  });
  assert.is(reboot.type.idempotent!({}), false);
});

test('schedule text: a transient timer at least 1 s later, else a detached sleep; the command quoted', () => {
  const text = scheduleCommand({ preRebootDelay: 0, rebootCommand: "shutdown -r now 'bye'" });
  assert.match(text, /systemd-run --quiet --on-active=1 --timer-property=AccuracySec=100ms \/bin\/sh -c 'shutdown -r now '\\''bye'\\'''/);
  assert.match(text, /nohup \/bin\/sh -c 'sleep 1; shutdown -r now '\\''bye'\\''' <\/dev\/null >\/dev\/null 2>&1 &/);
  assert.match(scheduleCommand({ preRebootDelay: 5 }), /--on-active=5 .*systemctl reboot/);
});

test('refusals; Ansible names', () => {
  assert.throws(() => reboot({ rebootTimeout: 0 }), /rebootTimeout/);
  assert.throws(() => reboot({ msg: 'x' } as any), /msg/);
  const m = findModule('reboot');
  assert.equal(parseModuleArgs('reboot_timeout=120 test_command=uptime post_reboot_delay=2', m.type, m.args), {
    rebootTimeout: 120,
    testCommand: 'uptime',
    postRebootDelay: 2,
  });
});

test.run();
