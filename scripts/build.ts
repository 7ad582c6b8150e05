/**
 * `npm run build` (also run by `prepack`): compile lib/ and roles/ into dist/ (.js + .d.ts, relative
 * `.ts` imports rewritten to `.js`), copy the roles' templates next to their compiled code, and make the
 * `hostwright` bin executable. dist/ is emptied first, so a file deleted from the sources cannot ship.
 * Start-up work is moved here: ajv's standalone validators (build-validators.ts) and the many-file
 * dependencies bundled (build-vendor.ts), then hostwright's own modules bundled into its entry points (build-bundle.ts).
 *
 *   node scripts/build.ts
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { buildValidators } from './build-validators.ts';
import { buildVendor, VENDORED, VENDORED_LAZY } from './build-vendor.ts';
import { buildBundle } from './build-bundle.ts';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], {
  cwd: root,
  stdio: 'inherit',
});
if (tsc.status !== 0) {
  console.error('build: tsc failed (see above); dist/ is incomplete');
  process.exit(tsc.status ?? 1);
}

/** Every file under `dir` that is not TypeScript source (the roles' templates). */
function assets(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return assets(path);
    return path.endsWith('.ts') ? [] : [path];
  });
}

let copied = 0;
// The HTML report's bundled page script and styles (built by scripts/build-report-ui.ts) ship next to its code.
for (const file of [...assets(join(root, 'roles')), ...assets(join(root, 'lib/report/html/assets'))]) {
  const target = join(dist, relative(root, file));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
  copied++;
}

// Validators compiled now instead of at every start (ajv standalone code over the placeholders).
const validators = await buildValidators(dist);
// Dependencies made of hundreds of small files, bundled (Node's loading cost is per file).
const vendor = await buildVendor(dist, root);
// hostwright's own modules bundled into its entry points and a few chunks (the same per-file cost).
const bundle = await buildBundle(dist);

const bin = join(dist, 'lib/bin.js');
if (!readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')) {
  console.error(`build: ${relative(root, bin)} lost its #!/usr/bin/env node line`);
  process.exit(1);
}
chmodSync(bin, 0o755);
console.log(
  `build: dist/ compiled, ${validators.taskSchemas} task-argument validators and the inventory's precompiled, ${[...Object.keys(VENDORED), ...Object.keys(VENDORED_LAZY)].join(', ')} bundled (${vendor.rewritten} files import them), ${bundle.modules} modules of dist/lib bundled into ${bundle.outputs.length} files, ${copied} role template(s) and report asset(s) copied, ${relative(root, bin)} executable`,
);
