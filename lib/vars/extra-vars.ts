/**
 * Extra variables (`-e`), as Ansible reads them; repeatable, later ones win:
 *
 * - `-e key=value other="two words"`: strings (Ansible does not type `key=value` extra vars;
 *   typed role variables accept `"2379"` for an integer, see checkVarTypes);
 * - `-e '{"json": 1}'` or `-e '{yaml: 1}'`: a JSON/YAML mapping, typed;
 * - `-e @vars.yml`, `-e @vars.json`: a file holding a mapping, relative to `cwd`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ValidationError } from '../core/errors.ts';
import { shlexSplit } from '../inventory/ini-values.ts';
import { readYaml } from '../inventory/yaml-format.ts';
import { layerVars, type VarLayer } from './layers.ts';
import type { Vault } from '../vault/vault.ts';

/** One layer per `-e` value, in order, each named for errors (`-e`, `-e @vars.yml`). */
export function extraVarLayers(args: readonly string[], cwd: string = process.cwd(), vault?: Vault): VarLayer[] {
  return args.map((arg) => {
    if (arg.startsWith('@')) {
      const file = arg.slice(1);
      return { source: `-e @${file}`, vars: readMapping(readFile(resolve(cwd, file), file), file, vault) };
    }
    const text = arg.trim();
    if (text.startsWith('{') || text.startsWith('[')) return { source: '-e', vars: readMapping(text, '-e') };
    return { source: '-e', vars: parseKeyValues(text) };
  });
}

/** Merge every `-e` value (later wins) into one mapping. */
export function parseExtraVars(args: readonly string[], cwd: string = process.cwd(), vault?: Vault): Record<string, unknown> {
  return layerVars(extraVarLayers(args, cwd, vault)).vars;
}

function readFile(path: string, shown: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ValidationError(`-e @${shown}: cannot read: ${(error as Error).message}`, { source: `-e @${shown}` });
  }
}

function readMapping(text: string, source: string, vault?: Vault): Record<string, unknown> {
  const read = readYaml(text, source, false, vault);
  if (read.kind === 'error') throw read.error;
  if (read.kind === 'empty') return {};
  if (read.kind === 'other') throw new ValidationError(`${source}: extra vars must be a mapping of names to values`, { source });
  return read.data;
}

/** `a=1 b="two words"` -> { a: '1', b: 'two words' }. */
function parseKeyValues(text: string): Record<string, unknown> {
  // A value that sets a password is never echoed back in an error, whole or in pieces.
  const secret = /(^|[\s_])(pass|password|passwd)\s*=/i.test(text);
  const shown = secret ? '(value hidden: it sets a password)' : text;
  let tokens: string[];
  try {
    tokens = shlexSplit(text, false);
  } catch (error) {
    throw new ValidationError(`-e ${shown}: ${secret ? 'unbalanced quotes' : (error as Error).message}`, { source: '-e' });
  }
  const out: Record<string, unknown> = {};
  for (const [i, token] of tokens.entries()) {
    const eq = token.indexOf('=');
    if (eq <= 0)
      throw new ValidationError(
        `-e ${shown}: expected key=value, got ${secret ? `a word without "=" (word ${i + 1})` : `"${token}"`}; quote a value with spaces: -e 'key="two words"'`,
        { source: '-e' },
      );
    out[token.slice(0, eq)] = token.slice(eq + 1);
  }
  return out;
}
