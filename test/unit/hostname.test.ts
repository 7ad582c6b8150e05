/**
 * hostname: the parser on probe outputs recorded from a test host (test/fixtures/hostname/probe-*.json,
 * with the command), the plan (both names, either name, the strategy), the apply's commands (Ansible's
 * hostnamectl calls), argument checks and the ad-hoc module.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures, refuses } from '../support/fixtures.ts';
import { hostname, hostnameApplyCommand, hostnameType, parseHostname, planHostname } from '../../lib/tasks/hostname.ts';
import { findModule } from '../../lib/adhoc/modules.ts';
import { parseModuleArgs } from '../../lib/adhoc/args.ts';

const { files, load } = fixtures('hostname');

for (const f of files) {
  const fx = load(f);
  test(`probe ${f}: ${fx.description}`, () => {
    assert.ok(fx.recorded);
    assert.is(hostnameType.probe(fx.args, {} as never)!.command, fx.command);
    assert.equal(parseHostname(fx.result), fx.state);
  });
}

test('recorded states', () => {
  assert.equal(load('probe-fresh.json').state, { systemd: true, current: 'acct1', permanent: 'acct1' });
  assert.equal(load('probe-static-differs.json').state, { systemd: true, current: 'acct1', permanent: 'other' });
});

test('plans and commands', () => {
  const fresh = load('probe-fresh.json').state;
  assert.equal(planHostname({ name: 'acct1' }, fresh), { status: 'ok', reason: 'hostname is acct1' });
  const p = planHostname({ name: 'web1' }, fresh) as any;
  assert.equal(p.data, { strategy: 'systemd', setPermanent: true, setCurrent: true });
  assert.is(
    hostnameApplyCommand('web1', p.data),
    'PATH=$PATH:/usr/bin:/bin:/usr/sbin:/sbin\nset -e\nhostnamectl --pretty --static set-hostname web1\nhostnamectl --transient set-hostname web1',
  );
  const s = planHostname({ name: 'acct1' }, load('probe-static-differs.json').state) as any;
  assert.equal(
    [s.summary, s.data],
    ['hostname other → acct1 (persistent name only)', { strategy: 'systemd', setPermanent: true, setCurrent: false }],
  );
  const file = planHostname({ name: 'web1' }, { systemd: false, current: 'a', permanent: 'a' }) as any;
  assert.match(
    hostnameApplyCommand('web1', file.data),
    /> \/etc\/hostname\.hostwright && mv -f \/etc\/hostname\.hostwright \/etc\/hostname\nhostname web1$/,
  );
  assert.is(planHostname({ name: 'web1', use: 'systemd' }, { systemd: false, current: 'a', permanent: 'a' }).status, 'failed');
  assert.is(planHostname({ name: 'web1' }, { systemd: true, current: 'web1', permanent: 'web1' }).status, 'ok', 'idempotent');
  assert.throws(() => parseHostname({ code: 0, stdout: '', stderr: '' }), /printed no result/);
});

test('bad arguments are refused', () => {
  refuses(() => hostname({ name: '-bad' }), /argument "name"/);
  refuses(() => hostname({ name: 'a..b' }), /argument "name"/);
  refuses(() => hostname({ name: 'a b' }), /argument "name"/);
});

test('ad-hoc: -m hostname', () => {
  const m = findModule('hostname');
  assert.equal(parseModuleArgs('name=web1 use=systemd', m.type, m.args), { name: 'web1', use: 'systemd' });
});

test.run();
