/**
 * The public API report: API Extractor reads the compiled declarations of lib/index.ts and writes every
 * exported name with its signature to api/hostwright.api.md, which is checked in. A change to the public
 * surface thus shows in review, and `npm test` fails until the report is updated on purpose.
 *
 *   node scripts/api-report.ts              compile lib's declarations, compare with the report (exit 1 + diff)
 *   node scripts/api-report.ts --update     the same, then write the new report (`npm run api:update`)
 *   node scripts/api-report.ts --dts DIR    use declarations already compiled into DIR (test/run.ts's type
 *                                           check emits them), instead of compiling them again
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { Extractor, ExtractorConfig, type ExtractorMessage } from '@microsoft/api-extractor';
import { createTwoFilesPatch } from 'diff';

const root = new URL('..', import.meta.url).pathname;
const configFile = join(root, 'api-extractor.json');
const { values } = parseArgs({ options: { update: { type: 'boolean' }, dts: { type: 'string' } }, strict: true });

/** The folder with lib/index.d.ts: given, or compiled now from lib/ and roles/ (declarations only). */
function declarations(): string {
  if (values.dts) return join(process.cwd(), values.dts);
  const out = join(root, 'dist/api/dts');
  rmSync(out, { recursive: true, force: true });
  const tsc = spawnSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--emitDeclarationOnly', '--outDir', out],
    { cwd: root, stdio: 'inherit' },
  );
  if (tsc.status !== 0) {
    console.error('api report: tsc failed (see above)');
    process.exit(1);
  }
  return out;
}

const dts = declarations();
const entry = join(dts, 'lib/index.d.ts');
if (!existsSync(entry)) {
  console.error(`api report: ${relative(root, entry)} does not exist (compile the declarations first, or leave out --dts)`);
  process.exit(1);
}

const configObject = ExtractorConfig.loadFile(configFile);
configObject.mainEntryPointFilePath = entry;
const config = ExtractorConfig.prepare({ configObject, configObjectFullPath: configFile, packageJsonFullPath: join(root, 'package.json') });
// API Extractor's own progress lines are noise here; its warnings and errors are printed.
const messages: string[] = [];
const result = Extractor.invoke(config, {
  localBuild: values.update === true,
  messageCallback: (m: ExtractorMessage) => {
    m.handled = true;
    if (m.messageId.startsWith('console-api-report')) return; // said below, with the diff
    if (m.logLevel === 'warning' || m.logLevel === 'error') messages.push(`${m.logLevel}: ${m.formatMessageWithLocation(root)}`);
  },
});
for (const m of messages) console.log(`api report: ${m}`);

const report = relative(root, config.reportConfigs.map((r) => join(config.reportFolder, r.fileName))[0]);
if (values.update) {
  console.log(result.apiReportChanged ? `api report: ${report} updated; review and commit it` : `api report: ${report} is up to date`);
  process.exit(result.succeeded || result.apiReportChanged ? 0 : 1);
}
if (result.apiReportChanged) {
  const fresh = join(config.reportTempFolder, relative(config.reportFolder, join(root, report)));
  const before = existsSync(join(root, report)) ? readFileSync(join(root, report), 'utf8') : '';
  const after = readFileSync(fresh, 'utf8');
  console.log(createTwoFilesPatch(report, `${report} (from the code)`, before, after, '', '', { context: 2 }).trimEnd());
  console.log(
    `api report: the public API (lib/index.ts) differs from ${report}. If the change is meant, run \`npm run api:update\` and commit the report.`,
  );
  process.exit(1);
}
if (!result.succeeded) {
  console.log(`api report: API Extractor failed with ${result.errorCount} error(s) (see above)`);
  process.exit(1);
}
console.log(`api report: ${report} matches the code`);
