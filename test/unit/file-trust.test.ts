/**
 * Ownership, modes and bytes of `file`, `line` and `block` (pure parts; the side effects are in
 * test/e2e/task-file.test.ts): lossless bytes ↔ text, ids compared as ids, chown before chmod, owners
 * beginning with `-` refused, the link built under a mktemp name, `validate` split like Python's shlex
 * (fixture recorded from Python), symlinked paths, attribute-only changes that rewrite nothing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeBytes, displayText, encodeText } from '../../lib/tasks/file-bytes.ts';
import { attrChanges, attrCommands } from '../../lib/tasks/file-attrs.ts';
import { atomicWriteCommand } from '../../lib/tasks/atomic.ts';
import { shellWords, validateCommandText, validateProblem } from '../../lib/tasks/validate-command.ts';
import { file, linkCommand, planFile } from '../../lib/tasks/file.ts';
import { block, line, lineType, planEdit, EDIT_SIZE_LIMIT } from '../../lib/tasks/line.ts';
import { editLines } from '../../lib/tasks/line-edit.ts';
import { parseFileStat, fileStatProbe, type FileState } from '../../lib/probes/file-stat.ts';
import { fixtures, refuses } from '../support/fixtures.ts';

const ctx = { check: false, earlierChangePredicted: false, diff: true };
const fileState = (content: Buffer, extra: Partial<FileState> = {}): FileState => ({
  type: 'file',
  mode: '0644',
  owner: 'root',
  group: 'root',
  uid: '0',
  gid: '0',
  size: content.length,
  content,
  parentExists: true,
  ...extra,
});

test('bytes: every byte sequence survives decode → encode, valid UTF-8 decodes as text', () => {
  const samples = [
    Buffer.from('café\n', 'latin1'),
    Buffer.from('grüße 日本 🚀\n'),
    Buffer.from([0, 0xff, 0xfe, 0xc3, 0x0a, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0xe2, 0x82]),
    Buffer.concat([Buffer.from('🚀'), Buffer.from([0x80, 0xdc])]),
  ];
  for (const b of samples) assert.ok(encodeText(decodeBytes(b)).equals(b), b.toString('hex'));
  assert.is(decodeBytes(Buffer.from('grüße')), 'grüße');
  assert.is(displayText(decodeBytes(Buffer.from('caf\xe9', 'latin1'))), 'caf\\xe9');
  // An edit that adds text keeps the untouched bytes.
  const edited = editLines(decodeBytes(Buffer.from('caf\xe9=1\n', 'latin1')), { line: 'thé=2' }).content!;
  assert.equal(encodeText(edited), Buffer.concat([Buffer.from('caf\xe9=1\n', 'latin1'), Buffer.from('thé=2\n')]));
});

test('probe: numeric uid/gid are read beside the names; follow resolves a link on the host', () => {
  const s = parseFileStat({ code: 0, stdout: 'resolved=/run/real\ntype=file\nattrs=4755 UNKNOWN root 3 54321 0\nparent=yes\n', stderr: '' });
  assert.equal([s.mode, s.owner, s.uid, s.group, s.gid, s.resolved], ['4755', 'UNKNOWN', '54321', 'root', '0', '/run/real']);
  assert.match(fileStatProbe('/etc/x', { follow: true }).command, /readlink -f/);
  assert.not.match(fileStatProbe('/etc/x').command, /readlink -f/);
});

test('owner/group: ids are compared with ids, names with names (no perpetual root → 0, UNKNOWN → 54321)', () => {
  const st = fileState(Buffer.from('x'), { owner: 'UNKNOWN', uid: '54321', group: 'root', gid: '0' });
  assert.equal(attrChanges({ owner: '54321', group: '0' }, st), { diff: [] });
  assert.equal(attrChanges({ owner: '0', group: 'root' }, st).diff, [{ kind: 'state', key: 'owner', before: '54321', after: '0' }]);
  assert.equal(attrChanges({ owner: 'root', group: 'root' }, fileState(Buffer.from('x'))), { diff: [] });
  assert.equal(attrChanges({ mode: '4755' }, fileState(Buffer.from('x'), { mode: '4755' })), { diff: [] });
  const plan = planFile(
    { path: '/srv/x', content: 'x', owner: '0', group: '0', mode: '4755' },
    { ...fileState(Buffer.from('x'), { mode: '4755' }), sha256: '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881' },
    Buffer.from('x'),
    ctx,
  );
  assert.equal(plan, { status: 'ok', reason: '/srv/x is as wanted' });
});

test('attributes: chown before chmod; without a wanted mode the old mode is put back after chown', () => {
  assert.equal(attrCommands('/x', { owner: 'root', mode: '4755' }), ['chown root -- /x', 'chmod 4755 -- /x']);
  assert.equal(attrCommands('/x', { group: 'adm' }), ['m=$(stat -c %a -- /x)', 'chown :adm -- /x', 'chmod "$m" -- /x']);
  assert.equal(attrCommands('/l', { owner: 'root' }, { noDeref: true }), ['chown -h root -- /l']);
  const write = atomicWriteCommand('/srv/x', { content: 'x', mode: '4755', owner: 'root' });
  assert.ok(write.indexOf('chown root "$t"') < write.indexOf('chmod 4755 "$t"'), 'chown first');
  const keep = atomicWriteCommand('/srv/x', { content: 'x' });
  assert.ok(keep.indexOf('chown --reference') < keep.indexOf('chmod --reference'), 'the old mode (setuid too) is applied after the old owner');
});

test('owner/group beginning with "-" are refused as bad input (file, line, block)', () => {
  refuses(() => file({ path: '/x', content: 'a', owner: '--reference=/etc/hostname' }), /argument "owner".*not beginning with "-"/);
  refuses(() => file({ path: '/x', content: 'a', group: '-1' }), /argument "group"/);
  refuses(() => line({ path: '/x', line: 'a', owner: '-R' }), /argument "owner"/);
  refuses(() => block({ path: '/x', block: 'a', group: '--from=0' }), /argument "group"/);
});

test('link: built in a fresh mktemp -d folder beside the path, never under a predictable name', () => {
  const cmd = linkCommand('/etc/x', '/opt/t');
  assert.match(cmd, /mktemp -d "\$d\/\.hostwright-link\.XXXXXX"/);
  assert.match(cmd, /ln -s -- \/opt\/t "\$w\/l" && mv -Tf -- "\$w\/l" "\$p"/);
  assert.not.match(cmd, /\.hostwright-link'/);
});

test('validate: split like Python shlex.split (recorded), %s spliced in as one word, never through a shell', () => {
  const fx = fixtures('validate').load('shlex.json');
  for (const c of fx.cases) assert.equal(shellWords(c.validate), c.words, c.validate);
  for (const e of fx.errors) {
    assert.throws(() => shellWords(e.validate), new RegExp(e.error, 'i'));
    assert.match(validateProblem(e.validate) ?? '', new RegExp(e.error, 'i'));
  }
  assert.is(validateCommandText("test -s '%s'", '"$t"'), 'test -s "$t"');
  assert.is(validateCommandText('grep -q # %s', '"$t"'), 'grep -q \'#\' "$t"');
  assert.is(validateCommandText('x --file=%s.new "" $HOME', '"$t"'), "x --file=\"$t\".new '' '$HOME'");
  assert.is(validateProblem("sh -c 'true' # %"), "validate \"sh -c 'true' # %\" must contain %s (the temporary file's path)");
  refuses(() => file({ path: '/x', content: 'a', validate: "visudo -cf '%s" }), /no closing quotation/);
  refuses(() => line({ path: '/x', line: 'a', validate: 'a "%s' }), /no closing quotation/);
});

test('line: a line holding a newline is refused; state absent + backrefs + line without regexp is allowed', () => {
  refuses(() => line({ path: '/x', line: 'a\nb' }), /line must not contain a newline/);
  refuses(() => line({ path: '/x', line: 'a', backrefs: true }), /backrefs needs regexp/);
  assert.not.throws(() => line({ path: '/x', line: 'a', backrefs: true, state: 'absent' }));
});

test('line/block plan: a symlinked path edits the resolved target and says so in the diff header (check mode too)', () => {
  const state = fileState(Buffer.from('a=1\n'), { resolved: '/run/real.conf' });
  for (const check of [false, true]) {
    const plan = lineType.plan({ path: '/etc/app.conf', regexp: '^a=', line: 'a=2' }, state, { ...ctx, check } as any);
    assert.is(plan.status, 'change');
    if (plan.status !== 'change') return;
    assert.is(plan.summary, '/etc/app.conf -> /run/real.conf: line replaced');
    assert.equal(plan.diff?.[0], { kind: 'file', path: '/etc/app.conf -> /run/real.conf', before: 'a=1\n', after: 'a=2\n' });
    assert.is(plan.data?.target, '/run/real.conf');
  }
  const ok = lineType.plan({ path: '/etc/app.conf', line: 'a=1' }, state, ctx as any);
  assert.equal(ok, { status: 'ok', reason: '/etc/app.conf (link to /run/real.conf) already as wanted' });
});

test('line/block plan: an attribute-only change of a non-UTF-8 file sets attributes in place and rewrites no byte', () => {
  const bytes = Buffer.from('caf\xe9\n', 'latin1');
  const plan = planEdit('/etc/x', fileState(bytes), editLines(decodeBytes(bytes), { line: 'caf\udce9' }), ctx, { mode: '0600' });
  assert.equal(plan, {
    status: 'change',
    summary: '/etc/x: set mode',
    diff: [{ kind: 'state', key: 'mode', before: '0644', after: '0600' }],
    data: { target: '/etc/x', attrsOnly: { mode: '0600' } },
  });
  const change = planEdit('/etc/x', fileState(bytes), editLines(decodeBytes(bytes), { line: 'b' }), ctx);
  assert.is(change.status, 'change');
  if (change.status === 'change') {
    assert.ok(change.data!.content!.equals(Buffer.from('caf\xe9\nb\n', 'latin1')));
    assert.equal(change.diff?.[0], { kind: 'file', path: '/etc/x', before: 'caf\\xe9\n', after: 'caf\\xe9\nb\n' });
  }
});

test('line/block: files up to 64 MiB are edited; a larger one fails naming the limit and the size', () => {
  assert.is(EDIT_SIZE_LIMIT, 64 * 1024 * 1024);
  const plan = lineType.plan({ path: '/var/big', line: 'a' }, { type: 'file', size: 70_000_000, parentExists: true, mode: '0644' }, ctx as any);
  assert.equal(plan, {
    status: 'failed',
    reason:
      '/var/big is larger than 67108864 bytes (70000000 bytes), the most the line and block tasks edit; manage it with file({ content }) or split it into a .d folder',
  });
});

test.run();
