/**
 * cron: the parser on probe outputs recorded from a test host (test/fixtures/cron/probe-*.json, each
 * with its command), the port of Ansible's cron module's editing (markers, adoption of an identical
 * unmarked line, env lines, special times, absent, the final newline rule), the plan, argument checks
 * and the ad-hoc module. The byte-for-byte comparison with Ansible runs on a test host
 * (test/e2e/task-cron.test.ts, 18 recorded cases).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures, refuses } from '../support/fixtures.ts';
import { cronJobLine, editCron, parseCron } from '../../lib/probes/crontab.ts';
import { cron, cronType, planCron } from '../../lib/tasks/cron.ts';
import { parseModuleArgs } from '../../lib/adhoc/args.ts';
import { findModule } from '../../lib/adhoc/modules.ts';

const { files, load } = fixtures('cron');
const ed = (text: string, args: object, file = false) =>
  editCron(text, { name: 'x', ...args } as never, file) as { changed: boolean; content: string; removeFile?: boolean };

for (const f of files) {
  const fx = load(f);
  test(`probe ${f}: ${fx.description}`, () => {
    assert.ok(fx.recorded);
    assert.is(cronType.probe(fx.args, {} as never)!.command, fx.command);
    assert.equal(parseCron(fx.result), fx.state);
  });
}

test('recorded states', () => {
  assert.equal(load('probe-no-crontab.json').state, { kind: 'crontab', existing: '', exists: false });
  assert.is(load('probe-crontab.json').state.existing, 'MAILTO=root\n#Ansible: a\n0 3 * * * /bin/true\n');
  assert.match(load('probe-no-user.json').state.error, /nosuchuser/);
  assert.equal(load('probe-cron-file.json').state, { kind: 'file', existing: '#Ansible: a\n@reboot root /bin/true\n', exists: true });
  assert.equal(load('probe-cron-file-missing.json').state, { kind: 'file', existing: '', exists: false });
});

test('entry lines as Ansible writes them', () => {
  assert.is(cronJobLine({ name: 'a', job: 'x\n' }, false), '* * * * * x');
  assert.is(cronJobLine({ name: 'a', job: 'x', minute: '0', hour: '3', user: 'root' }, true), '0 3 * * * root x');
  assert.is(cronJobLine({ name: 'a', job: 'x', specialTime: 'reboot', disabled: true }, false), '#@reboot x');
});

test("Ansible's editing rules", () => {
  assert.equal(ed('', { job: '/bin/x', minute: '5' }), { changed: true, content: '#Ansible: x\n5 * * * * /bin/x\n' });
  assert.equal(ed('#Ansible: x\n5 * * * * /bin/x\n', { job: '/bin/x', minute: '5' }), { changed: false, content: '#Ansible: x\n5 * * * * /bin/x\n' });
  assert.is(
    ed('a=1\n#Ansible: x\n5 * * * * /bin/x\nb\n', { job: '/bin/x', minute: '6' }).content,
    'a=1\n#Ansible: x\n6 * * * * /bin/x\nb\n',
    'updated in place',
  );
  assert.is(
    ed('5 * * * * /bin/x\n', { job: '/bin/x', minute: '5' }).content,
    '#Ansible: x\n5 * * * * /bin/x\n',
    'an identical unmarked line is adopted',
  );
  assert.equal(
    ed('#Ansible: x\n5 * * * * /bin/x', { job: '/bin/x', minute: '5' }),
    { changed: true, content: '#Ansible: x\n5 * * * * /bin/x\n' },
    'no final newline: rewritten',
  );
  assert.is(ed('#Ansible: a\n* * * * * t\n', { name: 'PATH', env: true, job: '/bin' }).content, 'PATH="/bin"\n#Ansible: a\n* * * * * t\n');
  assert.is(ed('A=1\nB=2\n', { name: 'C', env: true, job: '3', insertAfter: 'A' }).content, 'A=1\nC="3"\nB=2\n');
  assert.equal(editCron('A=1\n', { name: 'C', env: true, job: '3', insertBefore: 'Z' }, false), { error: "variable named 'Z' not found" });
  assert.is(ed('#Ansible: x\n* * * * * t\n#Ansible: y\n* * * * * u\n', { state: 'absent' }).content, '#Ansible: y\n* * * * * u\n');
  assert.equal(ed('#Ansible: x\n* * * * * root t\n', { state: 'absent' }, true), { changed: true, content: '', removeFile: true });
  assert.equal(ed('', { state: 'absent' }), { changed: false, content: '' });
});

test('plan: diff, idempotence, a crontab that cannot be read', () => {
  const st = { kind: 'crontab' as const, existing: '', exists: false };
  const p = planCron({ name: 'b', user: 'u', job: 'j', hour: '1' }, st) as any;
  assert.equal(p.data, { content: '#Ansible: b\n* 1 * * * j\n' });
  assert.equal(p.diff, [{ kind: 'file', path: 'crontab of u', before: '', after: '#Ansible: b\n* 1 * * * j\n' }]);
  assert.is(planCron({ name: 'b', user: 'u', job: 'j', hour: '1' }, { ...st, existing: p.data.content, exists: true }).status, 'ok');
  assert.equal(planCron({ name: 'b', user: 'u', job: 'j' }, { ...st, error: 'user nobody2 unknown' }), {
    status: 'failed',
    reason: 'cannot read the crontab of u: user nobody2 unknown',
  });
});

test('bad arguments are refused', () => {
  refuses(() => cron({ name: 'a' }), /job is required with state "present"/);
  refuses(() => cron({ name: 'a', job: 'x', specialTime: 'daily', hour: '1' }), /either specialTime or the time fields/);
  refuses(() => cron({ name: 'a', job: 'x', cronFile: 'f' }), /cronFile needs user/);
  refuses(() => cron({ name: 'a', job: 'x', cronFile: '/etc/crontab', user: 'root' }), /must not be \/etc\/crontab/);
  refuses(() => cron({ name: 'a b', env: true, job: 'x' }), /env name must not contain spaces/);
  refuses(() => cron({ name: 'a', job: 'x', minute: '1 2' }), /argument "minute"/);
  refuses(() => cron({ name: 'a', job: 'x\ny' }), /argument "job"/);
});

test("ad-hoc: -m cron with Ansible's argument names", () => {
  const m = findModule('cron');
  assert.equal(parseModuleArgs('name=a job=/bin/true special_time=reboot cron_file=x user=root insertafter=PATH env=no', m.type, m.args), {
    name: 'a',
    job: '/bin/true',
    specialTime: 'reboot',
    cronFile: 'x',
    user: 'root',
    insertAfter: 'PATH',
    env: false,
  });
});

test.run();
