/**
 * `editBlock` on hostwright's fixtures (test/fixtures/line/block/*.json): insert, replace, remove,
 * positions, markers, create. Each fixture was replayed with ansible-core 2.14.18 blockinfile (marker
 * set to hostwright's) by test/fixtures/line/verify-with-ansible.py; those that differ on purpose say so.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { DEFAULT_BLOCK_MARKER, editBlock } from '../../lib/tasks/block-edit.ts';
import type { BlockEditArgs } from '../../lib/tasks/block-edit.ts';
import { editBytes, fixtureBytes, type EditFixture } from '../support/edit-fixtures.ts';

const dir = fileURLToPath(new URL('../fixtures/line/block/', import.meta.url));

const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
test('there are block fixtures', () => assert.ok(files.length >= 25, `only ${files.length} fixtures in ${dir}`));

for (const file of files) {
  const fx = JSON.parse(readFileSync(join(dir, file), 'utf8')) as EditFixture<BlockEditArgs>;
  test(`${file}: ${fx.description}`, () => {
    const initial = fixtureBytes(fx, fx.initial);
    const after = fixtureBytes(fx, fx.after);
    const { result: r, content } = editBytes((text) => editBlock(text, fx.args), initial);
    assert.ok(
      content === after || (content !== null && after !== null && content.equals(after)),
      `content: ${JSON.stringify(content?.subarray(-200).toString('latin1'))} (last 200 bytes)`,
    );
    assert.is(r.changed, fx.changed, 'changed');
    assert.is(r.message, fx.message, 'message');
    assert.is(Boolean(r.failed), Boolean(fx.failed), `failed: ${r.failed}`);
    assert.is(editBytes((text) => editBlock(text, fx.args), initial).result.changed, fx.checkChanged ?? fx.changed, 'check mode');
    const again = editBytes((text) => editBlock(text, fx.args), after);
    assert.is(again.result.changed, false, 'idempotent: second run');
    assert.ok(again.content === after || again.content!.equals(after!), 'second run keeps the bytes');
  });
}

test("the default marker is hostwright's", () => {
  assert.is(DEFAULT_BLOCK_MARKER, '# {mark} HOSTWRIGHT MANAGED BLOCK');
  assert.is(editBlock('', { block: 'x' }).content, '# BEGIN HOSTWRIGHT MANAGED BLOCK\nx\n# END HOSTWRIGHT MANAGED BLOCK\n');
});

test('insert, replace, remove round trip ends where it started', () => {
  const start = 'a\nb\n';
  const inserted = editBlock(start, { block: 'one', insertAfter: '^a$' });
  assert.is(inserted.content, 'a\n# BEGIN HOSTWRIGHT MANAGED BLOCK\none\n# END HOSTWRIGHT MANAGED BLOCK\nb\n');
  const replaced = editBlock(inserted.content, { block: 'two\nthree' });
  assert.is(replaced.content, 'a\n# BEGIN HOSTWRIGHT MANAGED BLOCK\ntwo\nthree\n# END HOSTWRIGHT MANAGED BLOCK\nb\n');
  const removed = editBlock(replaced.content, { state: 'absent' });
  assert.is(removed.content, start);
  assert.is(removed.message, 'Block removed');
});

test('two blocks with different markers live side by side', () => {
  const one = editBlock('', { block: 'x', marker: '# {mark} one' }).content;
  const two = editBlock(one, { block: 'y', marker: '# {mark} two' }).content;
  const oneAgain = editBlock(two, { block: 'x2', marker: '# {mark} one' });
  assert.is(oneAgain.content, '# BEGIN one\nx2\n# END one\n# BEGIN two\ny\n# END two\n');
});

test('bad arguments fail and leave the content alone', () => {
  const both = editBlock('a\n', { block: 'x', insertAfter: 'a', insertBefore: 'b' });
  assert.match(both.failed ?? '', /mutually exclusive/);
  assert.is(both.content, 'a\n');
  const bad = editBlock('a\n', { block: 'x', insertAfter: '(a' });
  assert.match(bad.failed ?? '', /invalid regular expression "\(a"/);
  assert.is(bad.changed, false);
});

test.run();
