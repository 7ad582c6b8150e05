/**
 * `line` against Ansible's lineinfile answers. The project's own cases
 * (test/fixtures/conformance/lineinfile/cases/: hand-written inputs, answers recorded by
 * test/fixtures/conformance/record.py with Debian's ansible) always run; the shared corpus
 * (../shared/reference/ansible-corpus/lineinfile/cases/, read in place) runs in addition when present, and
 * the file prints `shared conformance corpus: N/N` or `shared conformance corpus not found: N cases not run`.
 * For each case: the editor's bytes after the run, changed, failed, message, warnings and idempotence
 * (second run on `after`); and check mode through the task type on a real file (the engine's probe →
 * plan with check, local transport): the predicted status, and the file left byte-identical.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { editLines } from '../../lib/tasks/line-edit.ts';
import type { LineEditArgs } from '../../lib/tasks/line-edit.ts';
import { line } from '../../lib/tasks/line.ts';
import { localInventory, runTasks, statuses } from '../support/run.ts';
import { ownCorpus, sharedCorpus, sharedCorpusLine } from '../support/conformance.ts';
import { refuses } from '../support/fixtures.ts';

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
function toLineArgs(args: CorpusCase['args'], dir: string): LineEditArgs {
  const names: Record<string, keyof LineEditArgs> = {
    line: 'line',
    regexp: 'regexp',
    search_string: 'searchString',
    state: 'state',
    insertafter: 'insertAfter',
    insertbefore: 'insertBefore',
    create: 'create',
    backrefs: 'backrefs',
    firstmatch: 'firstMatch',
    path: 'path',
  };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) {
    if (!(k in names)) throw new Error(`corpus argument ${k} has no LineEditArgs equivalent`);
    out[names[k]] = k === 'path' ? `${dir}/${v}` : v;
  }
  return out as LineEditArgs;
}

const scratch = mkdtempSync(join(tmpdir(), 'hw-line-corpus-'));
let n = 0;

/** One case: the pure editor, then check mode through the engine on a real file. */
async function checkCase(c: CorpusCase): Promise<void> {
  const args = toLineArgs(c.args, '<dir>'); // the corpus writes the scratch folder as <dir>
  const r = editLines(c.initial, args);
  assert.is(Boolean(r.failed), c.failed, `failed: ${r.failed}`);
  assert.is(r.changed, c.changed, 'changed');
  assert.is(r.message, c.msg, 'msg');
  assert.equal(r.warnings ?? [], c.warnings, 'warnings');
  assert.is(r.content, c.after, 'bytes after the run');
  assert.is(editLines(c.after, args).changed, c.changed_second_run, 'changed on the second run');

  const dir = join(scratch, String(n++));
  mkdirSync(dir);
  const taskArgs = toLineArgs(c.args, dir) as LineEditArgs & { path: string };
  if (c.initial !== null) {
    mkdirSync(dirname(taskArgs.path), { recursive: true });
    writeFileSync(taskArgs.path, c.initial);
  }
  // Deliberate difference (README, line and block vs Ansible): the task refuses a line holding a newline.
  if (taskArgs.line?.includes('\n')) return refuses(() => line(taskArgs as never), /line must not contain a newline/);
  const result = await runTasks([line(taskArgs as never)], { inventory: localInventory(['corpus']), check: true });
  const [status] = statuses(result, 'corpus');
  assert.is(status, c.failed ? 'failed' : c.check_changed ? 'changed' : 'ok', 'check mode through the task type');
  if (c.initial === null) assert.not.ok(existsSync(taskArgs.path), 'check mode created nothing');
  else assert.is(readFileSync(taskArgs.path, 'utf8'), c.initial, 'check mode left the file byte-identical');
}

function cases(dir: string): [string, CorpusCase][] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(dir, f), 'utf8')) as CorpusCase]);
}

// The project's own cases: every input has a recorded answer.
const ownDir = join(ownCorpus, 'lineinfile');
const own = cases(join(ownDir, 'cases'));
test('own lineinfile cases: one recorded answer per input', () => {
  const inputs = (JSON.parse(readFileSync(join(ownDir, 'inputs.json'), 'utf8')) as { name: string }[]).map((i) => i.name).sort();
  assert.equal(
    own.map(([name]) => name),
    inputs,
    'rerun test/fixtures/conformance/record.py after changing inputs.json',
  );
  assert.ok(own.length >= 15, `only ${own.length} own cases`);
});
for (const [name, c] of own) test(`own: ${name}`, () => checkCase(c));

// The shared corpus, in addition, when it is beside the repository.
const sharedDir = join(sharedCorpus, 'lineinfile', 'cases');
if (existsSync(sharedDir)) {
  const shared = cases(sharedDir);
  let passed = 0;
  for (const [name, c] of shared)
    test(`shared: ${name}`, async () => {
      await checkCase(c);
      passed++;
    });
  test.after(() => console.log(sharedCorpusLine('lineinfile', shared.length, passed)));
} else {
  test.after(() => console.log(sharedCorpusLine('lineinfile', undefined)));
}
test.after(() => rmSync(scratch, { recursive: true, force: true }));

test.run();
