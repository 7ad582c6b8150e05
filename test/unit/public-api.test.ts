/**
 * The public API's rules that the API report (api/hostwright.api.md, checked by `npm test`) does not
 * cover: roles, playbooks and the example consumer use hostwright only through its public entry points,
 * and the errors a task raises are the project's own.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HostwrightError } from '../../lib/core/errors.ts';
import * as publicApi from '../../lib/index.ts';
import { pythonRegExp, PythonRegexError } from '../../lib/tasks/line-edit-regex.ts';

const root = resolve(import.meta.dirname, '../..');

/** Every TypeScript and JavaScript file under a folder (no node_modules). */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === 'node_modules') return [];
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|js)$/.test(entry) ? [path] : [];
  });
}

/** The module specifiers a file imports or re-exports (static and dynamic). */
function specifiers(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map((m) => m[1]);
}

/** Imports of a file that reach into lib/ past its public entry point. */
function internalImports(file: string): string[] {
  return specifiers(readFileSync(file, 'utf8')).filter((spec) => {
    if (spec === 'hostwright' || spec === 'hostwright/roles') return false;
    if (spec.startsWith('hostwright/')) return true;
    if (!spec.startsWith('.')) return false;
    const target = relative(root, resolve(dirname(file), spec));
    return target.startsWith('lib/') && target !== 'lib/index.ts';
  });
}

test('the import scan sees internal imports (self-check on a fixture text)', () => {
  assert.equal(
    specifiers(
      `import { a } from '../../lib/tasks/file.ts';\nexport { b } from "./x.ts";\nconst m = await import('hostwright');\nimport './side.ts';`,
    ),
    ['../../lib/tasks/file.ts', './x.ts', 'hostwright', './side.ts'],
  );
});

test('roles, playbooks and the example consumer import hostwright only through its public API', () => {
  const files = ['roles', 'playbooks', 'examples'].flatMap((d) => sources(join(root, d)));
  assert.ok(files.length >= 10, `found only ${files.length} files`);
  const offending = files.flatMap((f) => internalImports(f).map((spec) => `${relative(root, f)}: ${spec}`));
  assert.equal(offending, [], 'import these from lib/index.ts (or make what they need public there)');
});

test('the public API leaves out argument schemas, task type objects, plan helpers and ad-hoc internals', () => {
  const names = Object.keys(publicApi);
  const internal = names.filter(
    (n) => /ArgsSchema$|^plan[A-Z]|^adhoc|^runPlaybook$|^parseModuleArgs$/.test(n) || (n.endsWith('Type') && n !== 'Type' && n !== 'defineTaskType'),
  );
  assert.equal(internal, []);
  // What a playbook, a custom task type and a program calling run() need is there.
  for (const name of [
    'definePlaybook',
    'defineRole',
    'handler',
    'template',
    'file',
    'service',
    'defineTaskType',
    'quote',
    'run',
    'runIfMain',
    'consoleReporter',
    'HostwrightError',
  ]) {
    assert.ok(name in publicApi, `${name} is not exported`);
  }
});

test('PythonRegexError is a HostwrightError with its own name', () => {
  try {
    pythonRegExp('[a');
    assert.unreachable('compiled');
  } catch (e) {
    assert.instance(e, PythonRegexError);
    assert.instance(e, HostwrightError);
    assert.is((e as Error).name, 'PythonRegexError');
  }
});

test.run();
