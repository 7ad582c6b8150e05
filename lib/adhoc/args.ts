/**
 * The ad-hoc `-a` argument string → a task type's arguments, as `ansible -a` reads it:
 *
 *   name=etcd state=present          key=value words (quoted like a shell: path="/a b")
 *   name=etcd,flannel                comma list where the argument takes a list
 *   enabled=yes  port=2379           typed by the module's schema: booleans, numbers
 *   {"name": ["a", "b"]}             JSON, taken as is
 *   chdir=/tmp ls -l | wc -l         free form for command and shell: the words that are not a known
 *                                    key=value form `cmd`, with their original quoting
 *
 * Keys may be written as in Ansible (`daemon_reload`, `insertafter`): they are matched to the schema's
 * camelCase names ignoring case, `_` and `-`. Unknown keys are passed on, so the engine's validation
 * refuses them with the list of valid arguments.
 */
import type { TSchema } from '@sinclair/typebox';
import { ValidationError } from '../core/errors.ts';
import type { TaskType } from '../core/task-contract.ts';
import { splitWords, type Word } from './words.ts';

/** JSON-schema kinds a (TypeBox) schema accepts: 'string', 'number', 'integer', 'boolean', 'array', 'object', 'null'. */
export function schemaKinds(schema: TSchema | undefined): Set<string> {
  const kinds = new Set<string>();
  const visit = (s: any) => {
    if (!s || typeof s !== 'object') return;
    if (typeof s.type === 'string') kinds.add(s.type);
    else if (Array.isArray(s.type)) s.type.forEach((t: string) => kinds.add(t));
    if (s.const !== undefined) kinds.add(s.const === null ? 'null' : typeof s.const);
    if (Array.isArray(s.enum)) s.enum.forEach((v: unknown) => kinds.add(v === null ? 'null' : typeof v));
    for (const sub of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) visit(sub);
  };
  visit(schema);
  return kinds;
}

/** The schema of an array's items among a schema's alternatives. */
function itemsOf(schema: any): TSchema | undefined {
  if (schema?.type === 'array') return schema.items;
  for (const sub of [...(schema?.anyOf ?? []), ...(schema?.oneOf ?? [])]) {
    const items = itemsOf(sub);
    if (items) return items;
  }
  return undefined;
}

const TRUE = /^(true|yes|on|1)$/i;
const FALSE = /^(false|no|off|0)$/i;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Type one `key=value` value by the argument's schema: a comma list where a list is accepted (always
 * when a string is not), a string where a string is accepted, then booleans (`true/false/yes/no/on/off/1/0`),
 * numbers, JSON objects. A value that fits nothing is left a string, for validation to explain.
 */
export function coerceValue(text: string, schema: TSchema | undefined): unknown {
  if (schema === undefined) return text;
  const kinds = schemaKinds(schema);
  if (kinds.has('array') && (text.includes(',') || !kinds.has('string'))) {
    const items = itemsOf(schema);
    return text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map((s) => coerceValue(s, items));
  }
  if (kinds.has('string')) return text;
  if (kinds.has('boolean') && (TRUE.test(text) || FALSE.test(text))) return TRUE.test(text);
  if ((kinds.has('number') || kinds.has('integer')) && NUMBER.test(text)) return Number(text);
  if (kinds.has('object') && text.trim().startsWith('{')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  if (kinds.has('null') && (text === '' || text === 'null')) return null;
  return text;
}

const squash = (key: string) => key.toLowerCase().replace(/[_-]/g, '');

/** The schema's own name for a key written Ansible-style (`daemon_reload` → `daemonReload`), or the key unchanged. */
export function schemaKey(key: string, properties: Record<string, unknown>, aliases: Readonly<Record<string, string>> = {}): string {
  if (Object.hasOwn(properties, key)) return key;
  const alias = Object.entries(aliases).find(([a]) => squash(a) === squash(key))?.[1];
  if (alias !== undefined) return alias;
  return Object.keys(properties).find((p) => squash(p) === squash(key)) ?? key;
}

/** Options of {@link parseModuleArgs}. */
export interface ParseModuleArgsOptions {
  /**
   * The module takes a free-form command as this argument (`cmd` for command and shell): words that are
   * not a `key=value` of one of `rawKeys` become its value.
   */
  freeForm?: string;
  /** Keys recognised inside a free-form string (default: every schema argument but functions). */
  rawKeys?: string[];
  /** Ansible's argument names whose hostwright name differs (`get_checksum` → `checksum`). */
  aliases?: Readonly<Record<string, string>>;
}

/** Ansible decodes these escapes in key=value values: `content="a\nb"` is two lines. */
const decodeEscapes = (value: string) => value.replace(/\\([nt])/g, (_m, c: string) => (c === 'n' ? '\n' : '\t'));

const KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Parse an ad-hoc `-a` string for a task type into its arguments (not yet validated: pass the result to
 * the task factory or `validateArgs`). Throws a ValidationError for text that cannot be read at all
 * (unterminated quote, a word that is not key=value, a key given twice, bad JSON).
 */
export function parseModuleArgs(text: string, type: TaskType, options: ParseModuleArgsOptions = {}): Record<string, unknown> {
  const properties: Record<string, TSchema> = (type.schema as any).properties ?? {};
  const fail = (why: string) => {
    const valid = Object.keys(properties);
    const hint = valid.length ? `valid arguments of ${type.name}: ${valid.join(', ')}` : `${type.name} takes no arguments`;
    return new ValidationError(`-a ${JSON.stringify(text)}: ${why}; ${hint}`, { source: '-a' });
  };
  const trimmed = text.trim();
  if (trimmed === '') return {};
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw fail(`not valid JSON (${(error as Error).message})`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw fail('JSON arguments must be an object');
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [schemaKey(k, properties, options.aliases), v]));
  }
  let words: Word[];
  try {
    words = splitWords(text);
  } catch (error) {
    throw fail((error as Error).message);
  }
  const rawKeys = new Set(
    (options.rawKeys ?? Object.keys(properties).filter((k) => k !== options.freeForm && schemaKinds(properties[k]).size > 0)).map(squash),
  );
  const args: Record<string, unknown> = {};
  const free: Word[] = [];
  for (const word of words) {
    const rawKey = word.eq > 0 ? word.value.slice(0, word.eq) : undefined;
    const isKv = rawKey !== undefined && KEY.test(rawKey);
    if (options.freeForm !== undefined && (!isKv || !(rawKeys.has(squash(rawKey!)) || squash(rawKey!) === squash(options.freeForm)))) {
      free.push(word);
      continue;
    }
    if (!isKv) throw fail(`"${word.value}" is not key=value`);
    const key = schemaKey(rawKey!, properties, options.aliases);
    if (Object.hasOwn(args, key)) throw fail(`argument "${key}" is given twice`);
    args[key] = coerceValue(decodeEscapes(word.value.slice(word.eq + 1)), properties[key]);
  }
  if (free.length && options.freeForm !== undefined) {
    if (Object.hasOwn(args, options.freeForm)) throw fail(`both ${options.freeForm}= and a free-form command are given`);
    // The free-form words keep their original quoting: the command is re-read by `command` or the shell.
    const first = words.indexOf(free[0]);
    const contiguous = words.slice(first, first + free.length).every((w, i) => w === free[i]);
    args[options.freeForm] = contiguous
      ? text.slice(free[0].start, free[free.length - 1].end)
      : free.map((w) => text.slice(w.start, w.end)).join(' ');
  }
  return args;
}
