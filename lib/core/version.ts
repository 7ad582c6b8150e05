/**
 * The package's version, read from its package.json (found upward from this file, so it works from the
 * source tree and from the installed package's dist/).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** hostwright's version, e.g. `0.1.0` (`unknown` when its package.json cannot be found). */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8'));
        if (pkg.name === 'hostwright' && typeof pkg.version === 'string') return pkg.version;
      } catch {
        // not ours or unreadable: keep looking upward
      }
    }
    const up = dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}
