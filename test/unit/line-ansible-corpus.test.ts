/**
 * `editLines` against Ansible's own answers: the lineinfile corpus in
 * ../shared/reference/ansible-corpus/lineinfile/cases/ (read in place, never copied into the project).
 * For each case: bytes after the run, changed, failed, message, warnings, idempotence (second run on
 * `after`) and check mode (the same pure call on `initial`).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { editLines } from '../../lib/tasks/line-edit.ts';
import type { LineEditArgs } from '../../lib/tasks/line-edit.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const casesDir = join(repoRoot, '..', 'shared', 'reference', 'ansible-corpus', 'lineinfile', 'cases');

interface CorpusCase {
  initial: string | null;
  args: Record<string, string | boolean>;
  after: string | null;
  changed: boolean;
  failed: boolean;
  msg: string;
  warnings: string[];
  changed_second_run: boolean;
  check_changed: boolean;
}

/** Ansible's snake_case module arguments -> LineEditArgs; any argument we do not know fails the case. */
function toLineArgs(args: CorpusCase['args']): LineEditArgs {
  const names: Record<string, keyof LineEditArgs> = {
    line: 'line', regexp: 'regexp', search_string: 'searchString', state: 'state', insertafter: 'insertAfter',
    insertbefore: 'insertBefore', create: 'create', backrefs: 'backrefs', firstmatch: 'firstMatch', path: 'path',
  };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) {
    if (!(k in names)) throw new Error(`corpus argument ${k} has no LineEditArgs equivalent`);
    out[names[k]] = k === 'path' ? `<dir>/${v}` : v; // the corpus writes the scratch folder as <dir>
  }
  return out as LineEditArgs;
}

if (!existsSync(casesDir)) {
  test('ansible lineinfile corpus is present', () => {
    assert.unreachable(`corpus folder ${casesDir} is absent: the conformance cases cannot run`);
  });
} else {
  const files = readdirSync(casesDir).filter((f) => f.endsWith('.json')).sort();
  test('the corpus has cases', () => assert.ok(files.length > 0, `no *.json in ${casesDir}`));
  for (const file of files) {
    const c = JSON.parse(readFileSync(join(casesDir, file), 'utf8')) as CorpusCase;
    test(file.replace(/\.json$/, ''), () => {
      const args = toLineArgs(c.args);
      const r = editLines(c.initial, args);
      assert.is(Boolean(r.failed), c.failed, `failed: ${r.failed}`);
      assert.is(r.changed, c.changed, 'changed');
      assert.is(r.message, c.msg, 'msg');
      assert.equal(r.warnings ?? [], c.warnings, 'warnings');
      assert.is(r.content, c.after, 'bytes after the run');
      const second = editLines(c.after, args);
      assert.is(second.changed, c.changed_second_run, 'changed on the second run');
      const check = editLines(c.initial, args);
      assert.is(check.changed, c.check_changed, 'changed in check mode');
    });
  }
  test.after(() => console.log(`ansible lineinfile corpus: ${files.length} cases ran from ${casesDir}`));
}

test.run();
