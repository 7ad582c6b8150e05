/**
 * `editLines` on hostwright's own fixtures (test/fixtures/line/*.json): /etc/hosts entries, KEY=value
 * edits, absent, CRLF and missing-newline files, create. Each fixture was replayed with ansible-core
 * 2.14.18 by test/fixtures/line/verify-with-ansible.py; those that differ on purpose say so in `ansible`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { editLines } from '../../lib/tasks/line-edit.ts';
import type { LineEditArgs } from '../../lib/tasks/line-edit.ts';
import { editBytes, fixtureBytes, type EditFixture } from '../support/edit-fixtures.ts';

const dir = fileURLToPath(new URL('../fixtures/line/', import.meta.url));

const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
test('there are line fixtures', () => assert.ok(files.length >= 40, `only ${files.length} fixtures in ${dir}`));

for (const file of files) {
  const fx = JSON.parse(readFileSync(join(dir, file), 'utf8')) as EditFixture<LineEditArgs>;
  test(`${file}: ${fx.description}`, () => {
    const initial = fixtureBytes(fx, fx.initial);
    const after = fixtureBytes(fx, fx.after);
    const { result: r, content } = editBytes((text) => editLines(text, fx.args), initial);
    assert.ok(
      content === after || (content !== null && after !== null && content.equals(after)),
      `content: ${JSON.stringify(content?.subarray(-200).toString('latin1'))} (last 200 bytes)`,
    );
    assert.is(r.changed, fx.changed, 'changed');
    assert.is(r.message, fx.message, 'message');
    assert.is(Boolean(r.failed), Boolean(fx.failed), `failed: ${r.failed}`);
    // Check mode is the same pure call on the same bytes.
    assert.is(editBytes((text) => editLines(text, fx.args), initial).result.changed, fx.checkChanged ?? fx.changed, 'check mode');
    const again = editBytes((text) => editLines(text, fx.args), after);
    assert.is(again.result.changed, fx.changedSecondRun ?? false, 'idempotent: second run');
    if (!fx.changedSecondRun) assert.ok(again.content === after || again.content!.equals(after!), 'second run keeps the bytes');
  });
}

test('argument errors fail with a message and leave the content alone', () => {
  const cases: [LineEditArgs, RegExp][] = [
    [{ line: 'a', insertAfter: 'x', insertBefore: 'y' }, /mutually exclusive: insertBefore\|insertAfter/],
    [{ line: 'a', regexp: 'x', searchString: 'y' }, /mutually exclusive: regexp\|searchString/],
    [{ line: 'a', searchString: 'y', backrefs: true }, /mutually exclusive: backrefs\|searchString/],
    [{ line: 'a', backrefs: true }, /regexp is required with backrefs=true/],
    [{ line: 'a', backrefs: true, state: 'present' }, /regexp is required with backrefs=true/],
    [{ regexp: 'a' }, /line is required with state=present/],
    [{ state: 'absent' }, /one of line, searchString, or regexp is required/],
  ];
  for (const [args, why] of cases) {
    const r = editLines('x\n', args);
    assert.ok(r.failed, JSON.stringify(args));
    assert.match(r.failed!, why);
    assert.is(r.changed, false);
    assert.is(r.content, 'x\n');
  }
});

test('a backrefs template naming a missing group fails instead of writing a wrong line', () => {
  const r = editLines('a=1\n', { regexp: '^(a)=', line: '\\2=2', backrefs: true });
  assert.match(r.failed ?? '', /invalid group reference 2/);
  assert.is(r.content, 'a=1\n');
});

test('an empty regexp warns like Ansible', () => {
  const r = editLines('a\n', { regexp: '', line: 'b' });
  assert.is(r.content, 'b\n');
  assert.match((r.warnings ?? [])[0], /regular expression is an empty string/);
});

test('a line holding a newline is added again on every run in the pure edit (as in Ansible; the task refuses such a line)', () => {
  const once = editLines('a\n', { line: 'b\nc' });
  assert.is(once.content, 'a\nb\nc\n');
  assert.is(editLines(once.content, { line: 'b\nc' }).changed, true);
});

test.run();
