import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { planFile, file } from '../../lib/tasks/file.ts';
import { parseFileStat, fileStatProbe, type FileState } from '../../lib/probes/file-stat.ts';
import { ValidationError } from '../../lib/core/errors.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const ctx = { check: false, earlierChangePredicted: false, diff: true };
const existing = (content: string, extra: Partial<FileState> = {}): FileState => ({
  type: 'file',
  mode: '0644',
  owner: 'root',
  group: 'root',
  size: content.length,
  sha256: sha(content),
  content: Buffer.from(content),
  parentExists: true,
  ...extra,
});

test('probe parser: regular file with attributes, checksum and fetched content', () => {
  const out = `type=file\nattrs=644 root root 6\nparent=yes\nsha256=${sha('hello\n')}\n---content---\n${Buffer.from('hello\n').toString('base64')}\n`;
  const s = parseFileStat({ code: 0, stdout: out, stderr: '' });
  assert.is(s.type, 'file');
  assert.is(s.mode, '0644');
  assert.is(s.owner, 'root');
  assert.is(s.size, 6);
  assert.is(s.sha256, sha('hello\n'));
  assert.is(s.content?.toString(), 'hello\n');
});

test('probe parser: absent path with missing parent; link target', () => {
  assert.equal(parseFileStat({ code: 0, stdout: 'type=absent\nparent=no\n', stderr: '' }), { type: 'absent', parentExists: false });
  const link = parseFileStat({ code: 0, stdout: 'type=link\nattrs=777 root root 4\ntarget=/etc/x y\nparent=yes\n', stderr: '' });
  assert.is(link.target, '/etc/x y');
});

test('probe parser: a failed probe throws with its stderr', () => {
  assert.throws(() => parseFileStat({ code: 2, stdout: '', stderr: 'boom' }), /boom/);
});

test('probe command quotes the path and asks for content only when diffing', () => {
  const p = fileStatProbe("/tmp/it's $(here)", { expectedSha256: 'abc', fetchContent: true });
  assert.ok(p.command.includes(`p='/tmp/it'\\''s $(here)'`));
  assert.ok(p.command.includes('base64'));
  assert.not.ok(fileStatProbe('/etc/x', {}).command.includes('base64'));
});

test('plan: same content and attributes is ok with a reason', () => {
  const plan = planFile({ path: '/etc/motd', content: 'hi\n', mode: '0644' }, existing('hi\n'), Buffer.from('hi\n'), ctx);
  assert.equal(plan, { status: 'ok', reason: '/etc/motd is as wanted' });
});

test('plan: different content is a change with a unified-diff payload', () => {
  const plan = planFile({ path: '/etc/motd', content: 'new\n' }, existing('old\n'), Buffer.from('new\n'), ctx);
  assert.is(plan.status, 'change');
  if (plan.status !== 'change') return;
  assert.is(plan.summary, 'update /etc/motd (4 bytes)');
  assert.equal(plan.diff, [{ kind: 'file', path: '/etc/motd', before: 'old\n', after: 'new\n' }]);
});

test('plan: only the mode differs → chmod, state diff', () => {
  const plan = planFile({ path: '/etc/motd', content: 'hi\n', mode: '600' }, existing('hi\n'), Buffer.from('hi\n'), ctx);
  assert.is(plan.status, 'change');
  if (plan.status !== 'change') return;
  assert.equal(plan.diff, [{ kind: 'state', key: 'mode', before: '0644', after: '0600' }]);
  assert.equal(plan.data, { attrs: { mode: '0600' } });
});

test('plan: new file, missing parent: failure in a real run, may-change in check mode after a predicted change', () => {
  const absent: FileState = { type: 'absent', parentExists: false };
  assert.is(planFile({ path: '/opt/x/y', content: 'a' }, absent, Buffer.from('a'), ctx).status, 'failed');
  assert.is(
    planFile({ path: '/opt/x/y', content: 'a' }, absent, Buffer.from('a'), { ...ctx, check: true, earlierChangePredicted: true }).status,
    'may-change',
  );
});

test('plan: binary content gets a note, not a diff', () => {
  const plan = planFile({ path: '/bin/x', content: 'a\u0000b' }, existing('old'), Buffer.from('a\u0000b'), ctx);
  assert.is(plan.status, 'change');
  if (plan.status === 'change') assert.is(plan.diff?.[0].kind, 'note');
});

test('plan: absent, directory, link, touch', () => {
  assert.is(planFile({ path: '/x', state: 'absent' }, { type: 'absent', parentExists: true }, undefined, ctx).status, 'ok');
  assert.is(planFile({ path: '/x', state: 'absent' }, existing('a'), undefined, ctx).status, 'change');
  assert.is(planFile({ path: '/d', state: 'directory' }, { type: 'directory', mode: '0755', parentExists: true }, undefined, ctx).status, 'ok');
  assert.is(planFile({ path: '/d', state: 'directory' }, existing('a'), undefined, ctx).status, 'failed');
  assert.is(planFile({ path: '/l', state: 'link', target: '/t' }, { type: 'link', target: '/t', parentExists: true }, undefined, ctx).status, 'ok');
  assert.is(
    planFile({ path: '/l', state: 'link', target: '/u' }, { type: 'link', target: '/t', parentExists: true }, undefined, ctx).status,
    'change',
  );
  assert.is(planFile({ path: '/t', state: 'touch' }, { type: 'absent', parentExists: true }, undefined, ctx).status, 'change');
  assert.is(planFile({ path: '/t', state: 'touch' }, existing(''), undefined, ctx).status, 'ok');
});

test('arguments: unknown, ill-typed and inconsistent arguments are refused naming task and argument', () => {
  try {
    file({ path: '/etc/x', content: 'a', colour: 'red' } as any);
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, ValidationError);
    assert.match((e as Error).message, /unknown argument "colour"; allowed: path, state, content/);
  }
  assert.throws(() => file({ path: '/etc/x', mode: 644 as any }), /argument "mode" must be string/);
  assert.throws(() => file({ path: '/etc/x', mode: '0999' as any }), /mode/);
  assert.throws(() => file({ path: 'relative', content: '' }), /absolute path/);
  assert.throws(() => file({ path: '/x', state: 'absent', content: 'a' }), /content is only allowed with state "file"/);
  assert.throws(
    () => file({ path: '/x', content: 'a' }, { name: 'my task' }) && file({ path: '/x', state: 'link' }, 'link it'),
    /task "link it".*needs target/,
  );
});

test.run();
