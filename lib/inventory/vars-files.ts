/**
 * `group_vars/` and `host_vars/` beside an inventory source, found like Ansible's `host_group_vars`
 * plugin: for an entity `web`, the first of `web` (a file, or a folder read recursively in name
 * order), `web.yml`, `web.yaml`, `web.json`. Inside a folder, files with those extensions or none are
 * read; hidden files and backups (`~`) are skipped. Files for groups or hosts that do not exist are
 * ignored, as in Ansible.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { ValidationError } from '../core/errors.ts';
import { checkVars } from './schema.ts';
import { inventoryError, readYaml } from './yaml-format.ts';
import type { Vault } from '../vault/vault.ts';

const EXTENSIONS = ['.yml', '.yaml', '.json'];

function kindOf(path: string): 'file' | 'dir' | undefined {
  try {
    const s = statSync(path);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

function filesInDir(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const path = join(dir, name);
    const ext = extname(name);
    const kind = kindOf(path);
    if (kind === 'dir' && !ext) out.push(...filesInDir(path));
    else if (kind === 'file' && (!ext || EXTENSIONS.includes(ext))) out.push(path);
  }
  return out;
}

/** The vars files for `name` in `dir` (e.g. `inventory/group_vars`), in the order they apply. */
export function findVarsFiles(dir: string, name: string): string[] {
  for (const ext of ['', ...EXTENSIONS]) {
    const path = join(dir, name + ext);
    const kind = kindOf(path);
    if (kind === 'dir') return filesInDir(path);
    if (kind === 'file') return [path];
  }
  return [];
}

/**
 * Read one vars file (YAML or JSON): a mapping of variables, checked for connection-variable types.
 * Encrypted files and `!vault` values are decrypted with `vault`.
 */
export function readVarsFile(file: string, vault?: Vault): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ValidationError(`${file}: cannot read: ${(error as Error).message}`, { source: file });
  }
  const read = readYaml(text, file, false, vault);
  if (read.kind === 'error') throw read.error;
  if (read.kind === 'empty') return {};
  if (read.kind === 'other') throw inventoryError(file, undefined, 'must be a mapping of variable names to values');
  const problem = checkVars(read.data);
  if (problem) throw inventoryError(file, problem.path, problem.message, read.locate(problem.path.split('.')));
  return read.data;
}

/** Merge the vars files for `name` under `dir`; returns one entry per file. */
export function loadVarsFor(dir: string, name: string, vault?: Vault): { file: string; vars: Record<string, unknown> }[] {
  return findVarsFiles(dir, name).map((file) => ({ file, vars: readVarsFile(file, vault) }));
}
