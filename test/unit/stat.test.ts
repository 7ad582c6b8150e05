/**
 * stat: the parser on probe outputs recorded from a test host (test/fixtures/stat/probe-*.json, each with
 * the command that produced it), the plan (always ok, the state registered as `stat`), argument checks
 * and the ad-hoc module with Ansible's argument names.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures, refuses } from '../support/fixtures.ts';
import { parsePathStat, pathStatProbe } from '../../lib/probes/path-stat.ts';
import { planStat, stat, statType } from '../../lib/tasks/stat.ts';
import { parseModuleArgs } from '../../lib/adhoc/args.ts';
import { findModule } from '../../lib/adhoc/modules.ts';

const { files, load } = fixtures('stat');

test('there are recorded stat fixtures', () => {
  assert.ok(files.length >= 10);
  for (const f of files) assert.ok(load(f).recorded, `${f} was recorded on a host`);
});

for (const f of files) {
  const fx = load(f);
  test(`probe ${f}: ${fx.description}`, () => {
    const probe = statType.probe(fx.args, {} as never)!;
    assert.is(probe.command, fx.command, 'the recorded command is the one the probe builds');
    assert.equal(probe.parse(fx.result), fx.state);
    const plan = planStat(fx.args, fx.state);
    assert.is(plan.status, 'ok');
    assert.equal((plan as any).extra.stat, fx.state);
  });
}

test('types and fields', () => {
  const file = load('probe-file.json').state;
  assert.equal(
    [file.exists, file.isreg, file.isdir, file.mode, file.pw_name, file.gr_name, file.size],
    [true, true, false, '0640', 'root', 'adm', 6],
  );
  assert.is(file.checksum, 'f572d396fae9206628714fb2ce00f72e94f2258f', 'sha1 of "hello\\n"');
  assert.is(load('probe-link.json').state.lnk_target, 'target');
  assert.is(load('probe-link.json').state.islnk, true);
  assert.is(load('probe-link-follow.json').state.isreg, true);
  assert.is(load('probe-dangling-link.json').state.exists, false);
  assert.is(load('probe-no-checksum.json').state.checksum, undefined);
  assert.is(load('probe-fifo.json').state.isfifo, true);
  assert.is(load('probe-directory.json').state.mode, '1777');
  assert.equal([load('probe-unknown-owner.json').state.uid, load('probe-unknown-owner.json').state.pw_name], [12345, 'UNKNOWN']);
});

test('parser refuses failures and garbage', () => {
  assert.throws(() => parsePathStat({ code: 2, stdout: '', stderr: 'boom' }, '/x'), /stat probe failed \(exit 2\): boom/);
  assert.throws(() => parsePathStat({ code: 0, stdout: 'nothing\n', stderr: '' }, '/x'), /printed no result/);
  assert.throws(() => parsePathStat({ code: 0, stdout: 'stat=a|b\n', stderr: '' }, '/x'), /unreadable line/);
  assert.match(pathStatProbe("/a'b").command, /p='\/a'"'"'b'|p='\/a'\\''b'/);
});

test('bad arguments are refused', () => {
  refuses(() => stat({ path: 'x' }), /argument "path"/);
  refuses(() => stat({ path: '/x', checksum: false, checksumAlgorithm: 'sha1' }), /checksumAlgorithm is not allowed with checksum: false/);
  refuses(() => stat({ path: '/x', bogus: 1 } as never), /unknown argument "bogus"/);
});

test("ad-hoc: -m stat with Ansible's argument names", () => {
  const m = findModule('stat');
  assert.equal(parseModuleArgs('path=/etc/hosts get_checksum=no checksum_algorithm=sha256 follow=yes', m.type, m.args), {
    path: '/etc/hosts',
    checksum: false,
    checksumAlgorithm: 'sha256',
    follow: true,
  });
});

test.run();
