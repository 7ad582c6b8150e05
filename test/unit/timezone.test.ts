/**
 * timezone: the parser on probe outputs recorded from a test host (test/fixtures/timezone/probe-*.json,
 * with the command), the plan, the apply's commands, argument checks and the ad-hoc module.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures, refuses } from '../support/fixtures.ts';
import { parseTimezone, planTimezone, timezone, timezoneApplyCommand, timezoneType } from '../../lib/tasks/timezone.ts';
import { findModule } from '../../lib/adhoc/modules.ts';

const { files, load } = fixtures('timezone');

for (const f of files) {
  const fx = load(f);
  test(`probe ${f}: ${fx.description}`, () => {
    assert.ok(fx.recorded);
    assert.is(timezoneType.probe(fx.args, {} as never)!.command, fx.command);
    assert.equal(parseTimezone(fx.result), fx.state);
  });
}

test('plans from the recorded states', () => {
  assert.equal(planTimezone({ name: 'Asia/Tokyo' }, load('probe-set.json').state), { status: 'ok', reason: 'time zone is Asia/Tokyo' });
  assert.is(planTimezone({ name: 'Mars/Olympus' }, load('probe-unknown.json').state).status, 'failed');
  const p = planTimezone({ name: 'Europe/Paris' }, load('probe-fresh.json').state) as any;
  assert.is(p.status, 'change');
  assert.is(timezoneApplyCommand('Europe/Paris', p.data), 'PATH=$PATH:/usr/bin:/bin\ntimedatectl set-timezone Europe/Paris');
  assert.match(
    timezoneApplyCommand('Europe/Paris', { systemd: false, etcTimezone: true }),
    /ln -sfn \/usr\/share\/zoneinfo\/Europe\/Paris .*\nprintf '%s\\n' Europe\/Paris > \/etc\/timezone$/,
  );
  assert.is(planTimezone({ name: 'Europe/Paris' }, { ...load('probe-fresh.json').state, current: 'Europe/Paris' }).status, 'ok');
});

test('bad arguments are refused; ad-hoc module', () => {
  refuses(() => timezone({ name: '../x' }), /argument "name"/);
  refuses(() => timezone({ name: 'UTC', hwclock: 'UTC' } as never), /unknown argument "hwclock"/);
  assert.is(findModule('timezone').type.name, 'timezone');
});

test.run();
