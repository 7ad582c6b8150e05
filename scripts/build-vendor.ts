/**
 * Part of `npm run build`: the many-file dependencies (TypeBox with its value module, yaml, diff; handlebars,
 * loaded with the first template) bundled into a few files under dist/lib/vendor/ (inside what the package
 * ships), and dist/'s imports of them pointed there.
 *
 * Why: Node's cost of loading a module is mostly per file (resolve, stat, read, compile), and these
 * packages come as hundreds of small files (TypeBox alone: about 250, yaml 72, handlebars with source-map 44, diff 19): bundled, the
 * same code loads for a fraction of the time (measured in bench/README.md). TypeBox's schemas stay
 * compatible with a consumer's own copy of TypeBox (its Kind and Hint keys are global symbols).
 * Only dist/ changes; the sources and their tests import the packages as usual.
 *
 *   node scripts/build-vendor.ts [DIST_DIR]
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** Package specifier → the vendor file's name (without .js). */
export const VENDORED: Record<string, string> = {
  '@sinclair/typebox': 'typebox',
  '@sinclair/typebox/value': 'typebox-value',
  yaml: 'yaml',
  diff: 'diff',
};

/**
 * Package specifier → the vendor file's name, for the packages hostwright loads only when used, with
 * `createRequire` (synchronously, like the code that needs them): each one self-contained CommonJS file,
 * `vendor/NAME.cjs`, left out of the library's bundle (scripts/build-bundle.ts).
 */
export const VENDORED_LAZY: Record<string, string> = {
  handlebars: 'handlebars',
};

/**
 * Where a package's ESM code is when its export map gives Node its CommonJS build (which a bundle could
 * only offer as one default export): yaml's ESM build, otherwise the same code.
 */
const ESM_ENTRY: Record<string, string> = { yaml: 'node_modules/yaml/browser/index.js' };

/** The .js files under `dir`, but none under `skip`. */
function jsFiles(dir: string, skip: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) return p === skip ? [] : jsFiles(p, skip);
    return p.endsWith('.js') ? [p] : [];
  });
}

/** Bundles the vendored packages into dist/lib/vendor and rewrites dist/lib and dist/roles to import them. */
export async function buildVendor(dist: string, root = join(dist, '..')): Promise<{ files: number; rewritten: number }> {
  const esbuild = await import('esbuild');
  const vendorDir = join(dist, 'lib', 'vendor');
  const entryPoints = Object.fromEntries(
    Object.entries(VENDORED).map(([spec, name]) => [name, ESM_ENTRY[spec] ? join(root, ESM_ENTRY[spec]) : spec]),
  );
  await esbuild.build({
    entryPoints,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    conditions: ['import'],
    outdir: vendorDir,
    chunkNames: 'chunk-[hash]',
    absWorkingDir: root,
    logLevel: 'warning',
    legalComments: 'inline',
  });
  for (const [spec, name] of Object.entries(VENDORED_LAZY)) {
    await esbuild.build({
      entryPoints: [spec],
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node22',
      outfile: join(vendorDir, `${name}.cjs`),
      absWorkingDir: root,
      logLevel: 'warning',
      legalComments: 'inline',
    });
    const original = Object.keys(createRequire(join(root, 'package.json'))(spec)).sort();
    const bundled = new Set(Object.keys(createRequire(join(root, 'package.json'))(join(vendorDir, `${name}.cjs`))));
    const missing = original.filter((k) => !bundled.has(k));
    if (missing.length) throw new Error(`build-vendor: the bundle of ${spec} lacks ${missing.slice(0, 10).join(', ')}`);
  }
  // Each bundle must offer what the package offers Node, name for name (else an import would fail at start).
  for (const [spec, name] of Object.entries(VENDORED)) {
    // Imported as Node imports it for dist/ (bare specifier, this repository's node_modules).
    const original = Object.keys(await import(spec))
      .filter((k) => k !== 'default' && k !== 'module.exports' && k !== '__esModule')
      .sort();
    const bundled = new Set(Object.keys(await import(pathToFileURL(join(vendorDir, `${name}.js`)).href)));
    const missing = original.filter((k) => !bundled.has(k));
    if (missing.length)
      throw new Error(`build-vendor: the bundle of ${spec} lacks ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`);
  }
  let rewritten = 0;
  const files = [...jsFiles(join(dist, 'lib'), vendorDir), ...jsFiles(join(dist, 'roles'), vendorDir)];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    // `lazyRequire('x')`: a createRequire'd function (lib/vars/template.ts), not a static import.
    const next = text.replace(/(from\s+|import\s*\(\s*|lazyRequire\(\s*)(['"])([^'"]+)\2/g, (all, lead: string, q: string, spec: string) => {
      const lazy = lead.startsWith('lazyRequire');
      const name = lazy ? VENDORED_LAZY[spec] : VENDORED[spec];
      if (!name) return all;
      let rel = relative(dirname(file), join(vendorDir, lazy ? `${name}.cjs` : `${name}.js`));
      if (!rel.startsWith('.')) rel = `./${rel}`;
      return `${lead}${q}${rel}${q}`;
    });
    if (next !== text) {
      writeFileSync(file, next);
      rewritten++;
    }
  }
  return { files: files.length, rewritten };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dist = process.argv[2] ?? new URL('../dist', import.meta.url).pathname;
  const r = await buildVendor(dist);
  console.log(
    `build-vendor: ${[...Object.keys(VENDORED), ...Object.keys(VENDORED_LAZY)].join(', ')} bundled into dist/lib/vendor; ${r.rewritten} of ${r.files} files import them there`,
  );
}
