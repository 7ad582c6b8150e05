/**
 * `npm run build:report-ui`: bundle the HTML report's page script and styles (report-ui/: d3 for the
 * timeline, diff2html for diffs) with esbuild into lib/report/html/assets/, which is committed: a report
 * is then one self-contained file at run time, with nothing fetched. A unit test rebuilds into a temporary
 * folder and fails when the committed assets are stale.
 *
 *   node scripts/build-report-ui.ts [OUT_DIR]
 */
import { build, transform } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Build report-ui.js and report-ui.css into `outDir`; returns their sizes in bytes. */
export async function buildReportUi(outDir = join(root, 'lib/report/html/assets')): Promise<{ js: number; css: number }> {
  mkdirSync(outDir, { recursive: true });
  const bundle = await build({
    entryPoints: [join(root, 'report-ui/main.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  // Closing script tags cannot appear inside the inline <script>; the bundle is checked, not escaped blindly.
  const js = bundle.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
  const css = await transform(
    readFileSync(join(root, 'node_modules/diff2html/bundles/css/diff2html.min.css'), 'utf8') +
      '\n' +
      readFileSync(join(root, 'report-ui/style.css'), 'utf8'),
    { loader: 'css', minify: true, legalComments: 'none' },
  );
  writeFileSync(join(outDir, 'report-ui.js'), js);
  writeFileSync(join(outDir, 'report-ui.css'), css.code);
  return { js: Buffer.byteLength(js), css: Buffer.byteLength(css.code) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sizes = await buildReportUi(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(`build-report-ui: report-ui.js ${sizes.js} bytes, report-ui.css ${sizes.css} bytes`);
}
