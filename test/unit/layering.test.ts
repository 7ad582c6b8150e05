/**
 * The layering of lib/ (README, "Design notes"): every import points down or stays in its folder. Reads
 * every import of every file under lib/ (static, `import type`, and dynamic `import('…')`) and fails on
 * an arrow that points up, naming the file, the import and the rule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = fileURLToPath(new URL('../../', import.meta.url));
const lib = join(root, 'lib');

/**
 * Layers, bottom first. A file may import files of its own folder and of lower layers only. Folders
 * sharing a layer do not import each other. Root files of lib/ are layers of their own.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['core'],
  ['vault'],
  ['transport'],
  ['inventory', 'probes'],
  ['vars'],
  ['tasks'],
  ['play'],
  ['engine'],
  ['report'],
  ['run.ts', 'interrupt.ts'],
  ['plan', 'config', 'adhoc', 'playbook-listing.ts'],
  ['cli'],
  ['bin.ts', 'index.ts'],
];

/** Narrower rules than the ranks, each with the reason it exists. */
const RULES: { from: string; forbidden: RegExp; why: string }[] = [
  { from: 'core', forbidden: /^(?!core\/)/, why: 'the core layer imports nothing of the rest of lib/' },
  { from: 'probes', forbidden: /^(tasks|engine|play)\//, why: 'probes never import tasks (a probe is read-only data for any task type)' },
  {
    from: 'tasks',
    forbidden: /^(engine|play|plan|report|adhoc|cli)\/|^(run|index|bin)\.ts$/,
    why: 'tasks never import the engine (a task type is data the engine runs)',
  },
  { from: 'report', forbidden: /^(?!(core|report)\/)/, why: 'reporters only see events (lib/core/run-events.ts)' },
];

/** The unit of layering of a path relative to lib/: its first folder, or the file itself at the root. */
const unitOf = (rel: string): string => (rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : rel);
const rankOf = (unit: string): number => LAYERS.findIndex((layer) => layer.includes(unit));

function libFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'assets' ? [] : libFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Every relative import of a file, with its path relative to lib/ (or `../x` when outside lib/). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
  return specs.map((s) => relative(lib, resolve(dirname(file), s)));
}

/** Every violation of the layering, as one line each. */
export function layeringViolations(): string[] {
  const problems: string[] = [];
  for (const file of libFiles(lib)) {
    const from = relative(lib, file);
    const fromUnit = unitOf(from);
    const fromRank = rankOf(fromUnit);
    if (fromRank < 0) {
      problems.push(`lib/${from}: its folder is in no layer; add it to LAYERS in test/unit/layering.test.ts and the README's picture`);
      continue;
    }
    for (const to of importsOf(file)) {
      if (to.startsWith('..')) {
        problems.push(`lib/${from} imports ${to.slice(3)}: nothing in lib/ imports roles/, playbooks/ or anything outside lib/`);
        continue;
      }
      const toUnit = unitOf(to);
      for (const rule of RULES) if (fromUnit === rule.from && rule.forbidden.test(to)) problems.push(`lib/${from} imports lib/${to}: ${rule.why}`);
      if (toUnit === fromUnit) continue;
      const toRank = rankOf(toUnit);
      if (toRank > fromRank) problems.push(`lib/${from} imports lib/${to}: an arrow pointing up (${fromUnit} is below ${toUnit})`);
      else if (toRank === fromRank)
        problems.push(`lib/${from} imports lib/${to}: ${fromUnit} and ${toUnit} share a layer and must not import each other`);
    }
  }
  return [...new Set(problems)];
}

test('no import in lib/ points up the layers, and the narrower rules hold', () => {
  const problems = layeringViolations();
  assert.ok(libFiles(lib).length > 100, 'lib/ was found and read');
  assert.equal(problems, [], problems.join('\n'));
});

test('the check catches what it is for: an upward arrow, a probe importing a task, a reporter reaching into the engine', () => {
  // The rules themselves, applied to made-up edges, so a rule that matched nothing would fail here.
  const verdict = (from: string, to: string): boolean => {
    const fromUnit = unitOf(from);
    const toUnit = unitOf(to);
    return RULES.some((r) => r.from === fromUnit && r.forbidden.test(to)) || (toUnit !== fromUnit && rankOf(toUnit) >= rankOf(fromUnit));
  };
  assert.ok(verdict('probes/file-stat.ts', 'tasks/file.ts'));
  assert.ok(verdict('tasks/file.ts', 'engine/runner.ts'));
  assert.ok(verdict('report/console.ts', 'engine/runner.ts'));
  assert.ok(verdict('core/errors.ts', 'transport/quote.ts'));
  assert.ok(verdict('engine/runner.ts', 'cli/main.ts'));
  assert.ok(verdict('adhoc/playbook.ts', 'cli/parse.ts'));
  assert.ok(verdict('vault/options.ts', 'cli/options.ts'));
  assert.ok(!verdict('tasks/file.ts', 'core/task-contract.ts'));
  assert.ok(!verdict('engine/runner.ts', 'tasks/file.ts'));
  assert.ok(!verdict('report/console.ts', 'core/run-events.ts'));
});

test.run();
