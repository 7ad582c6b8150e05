/**
 * Part of `npm run build`, after tsc, the validators and the vendor bundles: hostwright's own compiled
 * modules (dist/lib, ~180 files) bundled into the package's two entry points, `dist/lib/index.js` (the
 * library) and `dist/lib/bin.js` (the `hostwright` command), plus the chunks they share or load on demand
 * (`dist/lib/chunk-*.js`; a dynamic `import()` stays one). The per-module .js files are removed; their
 * .d.ts stay (the package's types). dist/roles stays per module and imports `../../lib/index.js`.
 *
 * Why: Node's cost of loading a module is mostly per file (resolve, package.json look-ups, read, compile,
 * link); the library's own ~160 modules cost more than their code (measured in bench/README.md, "Start-up").
 *
 * A module that finds files next to itself (`import.meta.url`: the HTML report's assets, package.json for
 * the version, hostwright's own folder in stack traces) gets the URL its file had before bundling, so it
 * finds them where the build put them. Dependencies under node_modules stay imports (`packages: external`).
 *
 *   node scripts/build-bundle.ts [DIST_DIR]
 */
import { readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The package's entry points under dist/lib (their names are the package's `exports` and `bin`). */
export const BUNDLE_ENTRIES = ['index', 'bin'] as const;

/** The .js files under `dir` (not .cjs). */
function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) return jsFiles(p);
    return p.endsWith('.js') ? [p] : [];
  });
}

/** Bundles dist/lib into its entry points and shared chunks; returns how many modules went in and how many files came out. */
export async function buildBundle(dist: string): Promise<{ modules: number; outputs: string[] }> {
  const esbuild = await import('esbuild');
  const libDir = join(dist, 'lib');
  const outDir = join(dist, '.bundle');
  rmSync(outDir, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: Object.fromEntries(BUNDLE_ENTRIES.map((name) => [name, join(libDir, `${name}.js`)])),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    packages: 'external',
    outdir: outDir,
    chunkNames: 'chunk-[hash]',
    absWorkingDir: dist,
    metafile: true,
    logLevel: 'warning',
    legalComments: 'inline',
    plugins: [
      {
        name: 'module-url',
        setup(build) {
          // Every output lands in dist/lib: a module's own URL is its old path relative to there.
          build.onLoad({ filter: /\.js$/ }, (args) => {
            const text = readFileSync(args.path, 'utf8');
            if (!text.includes('import.meta.url') || !args.path.startsWith(libDir)) return undefined;
            const own = `new URL(${JSON.stringify(`./${relative(libDir, args.path)}`)}, import.meta.url).href`;
            return { contents: text.replaceAll('import.meta.url', own), loader: 'js' };
          });
        },
      },
    ],
  });
  const inputs = Object.keys(result.metafile.inputs)
    .map((p) => resolve(dist, p))
    .filter((p) => p.startsWith(libDir));
  // The bundled modules' .js are gone from the package (their .d.ts stay); the vendor bundles went in too.
  // Modules no entry point reaches go too (type-only modules, compiled to `export {}`; a list only tests
  // read). The HTML report's page script stays: it is read as text, not imported.
  // The vendor files loaded on demand (vendor/*.cjs, build-vendor.ts's VENDORED_LAZY) stay.
  for (const file of inputs) rmSync(file);
  for (const file of jsFiles(libDir).filter((f) => !f.includes('/assets/'))) rmSync(file);
  const outputs = readdirSync(outDir);
  for (const file of outputs) renameSync(join(outDir, file), join(libDir, file));
  rmSync(outDir, { recursive: true });
  return { modules: inputs.length, outputs };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dist = process.argv[2] ?? new URL('../dist', import.meta.url).pathname;
  const r = await buildBundle(dist);
  console.log(`build-bundle: ${r.modules} modules into ${r.outputs.length} files of ${relative(process.cwd(), join(dist, 'lib'))}`);
}
