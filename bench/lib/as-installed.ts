/**
 * `node --import ./bench/lib/as-installed.ts PLAYBOOK.ts`: runs a playbook of this repository the way a
 * project that installed the package runs its own: every module of lib/ and roles/ it reaches is loaded
 * from the build (dist/, compiled JavaScript with the validators compiled at build time, bundled into the
 * package's entry points) instead of being type-stripped from the sources. Only the playbook's own files (and the bench's) stay TypeScript.
 * The bench builds dist/ first (scripts/build.ts).
 */
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = new URL('../..', import.meta.url).href;
const dist = new URL('dist/', repo).href;

registerHooks({
  resolve(specifier, context, nextResolve) {
    const r = nextResolve(specifier, context);
    for (const dir of ['lib/', 'roles/']) {
      if (r.url.startsWith(repo + dir) && r.url.endsWith('.ts')) {
        const built = dist + r.url.slice(repo.length).replace(/\.ts$/, '.js');
        if (existsSync(fileURLToPath(built))) return { ...r, url: pathToFileURL(fileURLToPath(built)).href, format: 'module' };
        // dist/lib is bundled into its entry points (scripts/build-bundle.ts): an internal module a bench
        // script reaches past the public API (bench/profile.ts) comes from the sources.
        if (!existsSync(fileURLToPath(dist + 'lib/index.js')))
          throw new Error(`bench: ${built} is missing: build the package first (node scripts/build.ts)`);
        return r;
      }
    }
    return r;
  },
});
