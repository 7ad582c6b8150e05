/**
 * The test command: type-checks, runs every uvu test file in its own Node process, prints
 * `N passed, N failed, N skipped` as its last line, and exits non-zero on any failure, when no test ran,
 * when a file runs no test, or when a file uses `.only` (test/support/uvu-guard.ts also prints the error
 * of a throwing `before`/`after` hook, which uvu swallows).
 *
 * Before the tests: lint and format check (Biome, biome.json), type check, and the public API report
 * (api/hostwright.api.md, from the declarations the type check emits; scripts/api-report.ts).
 *
 *   node test/run.ts            checks + unit + end-to-end (e2e needs root: it starts the test hosts)
 *   node test/run.ts --unit     checks + unit tests only (no root, no hosts)
 *   node test/run.ts --e2e      end-to-end suites only (no checks)
 *   node test/run.ts FILTER...  only files whose path contains one of the filters
 *   --no-typecheck              skip the checks (when iterating)
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const argv = process.argv.slice(2);
const onlyUnit = argv.includes('--unit');
const onlyE2e = argv.includes('--e2e');
const noTypecheck = argv.includes('--no-typecheck') || onlyE2e;
const filters = argv.filter((a) => !a.startsWith('--'));

function findTests(dir: string): string[] {
  let out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const entry of entries.sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out = out.concat(findTests(path));
    else if (entry.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const matches = (f: string) => filters.length === 0 || filters.some((x) => f.includes(x));
const unitFiles = onlyE2e ? [] : findTests(join(root, 'test/unit')).filter(matches);
const e2eFiles = onlyUnit ? [] : findTests(join(root, 'test/e2e')).filter(matches);

interface FileResult {
  file: string;
  passed: number;
  failed: number;
  skipped: number;
  code: number;
  output: string;
  ms: number;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

// uvu prints "Total: N / Passed: N / Skipped: N" per file (Total excludes skipped tests); a crash before the
// summary counts as one failure.
function parseSummary(output: string): { total: number; passed: number; skipped: number } | undefined {
  const clean = output.replace(/\x1b\[[0-9;]*m/g, '');
  const total = /Total:\s+(\d+)/.exec(clean);
  const passed = /Passed:\s+(\d+)/.exec(clean);
  const skipped = /Skipped:\s+(\d+)/.exec(clean);
  if (!total || !passed) return undefined;
  return { total: +total[1], passed: +passed[1], skipped: skipped ? +skipped[1] : 0 };
}

const guard = join(root, 'test/support/uvu-guard.ts');

async function runFile(file: string, env: NodeJS.ProcessEnv): Promise<FileResult> {
  const started = Date.now();
  const { code, output: raw } = await run(process.execPath, ['--import', guard, file], { ...env, FORCE_COLOR: '0', NO_COLOR: '1' });
  let output = raw;
  const summary = parseSummary(output);
  const ms = Date.now() - started;
  // A `.only` anywhere in the file (also on a named suite) hides the other tests: the file fails.
  const only = /\.only\s*\(/.test(readFileSync(file, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, ''));
  if (only) output += '\n  FAIL  the file uses .only: every other test of it is hidden; remove it\n';
  if (!summary) return { file, passed: 0, failed: 1, skipped: 0, code: code || 1, output, ms };
  if (summary.total === 0) output += '\n  FAIL  the file ran no test\n';
  const failed = Math.max(summary.total - summary.passed, code !== 0 || only || summary.total === 0 ? 1 : 0);
  return { file, passed: summary.passed, failed, skipped: summary.skipped, code, output, ms };
}

async function runAll(files: string[], parallel: number, env: NodeJS.ProcessEnv): Promise<FileResult[]> {
  const results: FileResult[] = [];
  let next = 0;
  async function worker() {
    while (next < files.length) {
      const file = files[next++];
      const result = await runFile(file, env);
      const mark = result.failed ? 'FAIL' : 'ok  ';
      console.log(
        `${mark} ${relative(root, file)}  (${result.passed} passed, ${result.failed} failed${result.skipped ? `, ${result.skipped} skipped` : ''}, ${(result.ms / 1000).toFixed(1)}s)`,
      );
      if (result.failed)
        console.log(
          result.output
            .split('\n')
            .map((l) => '     | ' + l)
            .join('\n'),
        );
      // Whether the shared conformance corpus ran is shown even for a passing file: never silent.
      else for (const l of result.output.match(/shared conformance corpus[^\n]*/g) ?? []) console.log(`     ${l}`);
      results.push(result);
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, files.length) }, worker));
  return results;
}

/** Formatting and lint findings fail the run (`npm run format` and `npm run lint` fix or show them). */
const STYLE_ENFORCED = true;

/** `biome ci` (format check + lint, writes nothing): counts, and the findings as `file:line rule message`. */
async function lintStep(): Promise<boolean> {
  const biome = await run(process.execPath, [
    join(root, 'node_modules/@biomejs/biome/bin/biome'),
    'ci',
    '--reporter=json',
    '--colors=off',
    '--max-diagnostics=none',
  ]);
  let report: {
    summary: { errors: number; warnings: number };
    diagnostics: { severity: string; category: string; message: string; location?: { path?: string; start?: { line: number } } }[];
  };
  try {
    report = JSON.parse(biome.output.slice(biome.output.indexOf('{'), biome.output.lastIndexOf('}') + 1));
  } catch {
    console.log(`lint: biome did not answer in JSON (exit ${biome.code}):\n${biome.output}`);
    return false;
  }
  const unformatted = report.diagnostics.filter((d) => d.category === 'format').map((d) => d.location?.path ?? '?');
  const findings = report.diagnostics.filter((d) => d.category !== 'format' && (d.severity === 'error' || d.severity === 'warning'));
  const summary = `${unformatted.length} file(s) not formatted, ${findings.length} lint finding(s)`;
  if (!STYLE_ENFORCED) {
    console.log(`lint: ${summary} (not enforced yet: STYLE_ENFORCED in test/run.ts)`);
    return true;
  }
  if (biome.code === 0 && unformatted.length === 0 && findings.length === 0) {
    console.log('lint: ok');
    return true;
  }
  for (const f of unformatted) console.log(`  ${f}: not formatted`);
  for (const d of findings)
    console.log(`  ${d.location?.path ?? '?'}:${d.location?.start?.line ?? 0} ${d.category.replace(/^lint\//, '')} ${d.message}`);
  console.log(`lint: ${summary}; \`npm run format\` formats, \`npm run lint -- --write\` applies the safe fixes`);
  return false;
}

let failedSteps = 0;
if (!noTypecheck) {
  if (!(await lintStep())) failedSteps++;
  // The type check also emits lib's declarations, which the API report is made from (one tsc pass for both).
  console.log('typecheck: tsc (declarations into dist/api/dts)');
  const dts = 'dist/api/dts';
  const tsc = await run(process.execPath, [
    join(root, 'node_modules/typescript/bin/tsc'),
    '-p',
    'tsconfig.json',
    '--noEmit',
    'false',
    '--declaration',
    '--emitDeclarationOnly',
    '--rootDir',
    '.',
    '--outDir',
    dts,
  ]);
  if (tsc.code !== 0) {
    console.log(tsc.output);
    failedSteps++;
  } else {
    console.log('typecheck: ok');
    const api = await run(process.execPath, [join(root, 'scripts/api-report.ts'), '--dts', dts]);
    console.log(api.output.trimEnd());
    if (api.code !== 0) failedSteps++;
  }
}

const results: FileResult[] = [];
results.push(...(await runAll(unitFiles, 2, process.env)));

if (e2eFiles.length) {
  if (filters.length && !onlyE2e) {
    console.log(
      `${e2eFiles.length} end-to-end file(s) match ${filters.map((f) => `"${f}"`).join(', ')}: booting the test hosts (root; --unit runs only the unit tests)`,
    );
  }
  const { startHostsForTests } = await import('./hosts/lifecycle.ts');
  const stop = await startHostsForTests();
  try {
    results.push(...(await runAll(e2eFiles, 1, process.env)));
  } finally {
    await stop();
  }
}

const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0) + failedSteps;
const skipped = results.reduce((n, r) => n + r.skipped, 0);
if (passed === 0) console.log('\nno test ran: failing');
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
