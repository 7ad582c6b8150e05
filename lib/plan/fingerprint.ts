/**
 * Fingerprints a saved plan is checked against: the playbook (its module, every module it imports from
 * the project, each of their `templates/` folders, and files named in task arguments), each host's
 * variables as resolved from the inventory and `-e`, and probed states. Only hashes are stored: a
 * fingerprint of a secret does not reveal it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InventoryView } from '../engine/inventory-view.ts';
import type { Playbook } from '../play/define.ts';

/** sha256 of a string or bytes, hex, shortened to 32 characters (128 bits). */
export function digest(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 32);
}

/** JSON with functions as their source text and Maps/Sets as arrays, so code in arguments counts too. */
export function stableJson(value: unknown): string {
  return (
    JSON.stringify(value, (_k, v) =>
      typeof v === 'function'
        ? `fn:${v.toString()}`
        : v instanceof Map
          ? { map: [...v] }
          : v instanceof Set
            ? { set: [...v] }
            : v instanceof URL
              ? v.href
              : v,
    ) ?? 'undefined'
  );
}

/** hostwright's own source folders: covered by the version, not by the playbook's fingerprint. */
const OWN = [fileURLToPath(new URL('../', import.meta.url)), fileURLToPath(new URL('../../dist/', import.meta.url))];
const isOwn = (file: string) => OWN.some((d) => file.startsWith(d)) || file.includes('/node_modules/');

/** Relative imports of a TypeScript/JavaScript module (static `import`/`export ... from` and `import()`). */
function relativeImports(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from\s*|import\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) out.push(resolve(dirname(file), m[1]));
  return out;
}

function filesUnder(dir: string, limit = 500): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      if (out.length >= limit || entry === 'node_modules' || entry.startsWith('.')) continue;
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** The playbook's fingerprint and the files it covers (path relative to the working folder → digest). */
export interface PlaybookFingerprint {
  fingerprint: string;
  files: Record<string, string>;
}

/**
 * Fingerprint a playbook: its structure (plays, tasks, arguments and options, functions by their source),
 * its module file and the project modules it imports (recursively), their `templates/` folders, each role's
 * templates folder, and any existing absolute file path given in static task arguments (`src`).
 */
export function playbookFingerprint(playbook: Playbook, moduleFile?: string): PlaybookFingerprint {
  const files = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || isOwn(file) || !existsSync(file) || !statSync(file).isFile()) return;
    seen.add(file);
    files.add(file);
    const templates = join(dirname(file), 'templates');
    if (existsSync(templates) && statSync(templates).isDirectory()) filesUnder(templates).forEach((f) => files.add(f));
    if (/\.[cm]?[jt]s$/.test(file)) for (const dep of relativeImports(file, readFileSync(file, 'utf8'))) visit(dep);
  };
  if (moduleFile) visit(resolve(moduleFile));
  const structure = playbook.plays.map((play) => ({
    ...play,
    roles: (play.roles ?? []).map((role) => {
      if (role.templatesDir && existsSync(role.templatesDir)) filesUnder(role.templatesDir).forEach((f) => files.add(f));
      return role;
    }),
  }));
  const argStrings = stableJson(structure).match(/"\/[^"\\]+"/g) ?? [];
  for (const s of argStrings) {
    const p = JSON.parse(s) as string;
    if (isAbsolute(p) && existsSync(p) && statSync(p).isFile() && !isOwn(p)) files.add(p);
  }
  const perFile: Record<string, string> = {};
  for (const f of [...files].sort()) perFile[relative(process.cwd(), f) || f] = digest(readFileSync(f));
  return { fingerprint: digest(stableJson({ name: playbook.name, structure, files: perFile })), files: perFile };
}

/**
 * Fingerprints of a host's variables as resolved for it (inventory host and group variables, vars files,
 * `-e` on top, and its groups as `group_names`): one per variable, so a drift can name the variable.
 */
export function hostVarFingerprints(view: InventoryView, host: string, extraVars: Record<string, unknown>): Record<string, string> {
  const vars: Record<string, unknown> = { ...view.varsOf(host), ...extraVars, group_names: view.groupNamesOf(host) };
  return Object.fromEntries(
    Object.keys(vars)
      .sort()
      .map((k) => [k, digest(stableJson(vars[k]))]),
  );
}
