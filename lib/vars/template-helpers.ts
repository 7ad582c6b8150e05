/**
 * The helpers a configuration file needs. Variables in scope are the host's variables plus
 * `inventory_hostname`, `groups` (group -> hosts) and `hostvars` (host -> variables).
 *
 * | helper                      | example                                                      |
 * |-----------------------------|--------------------------------------------------------------|
 * | `join list sep`             | `{{join etcd_urls ","}}` (sep defaults to ",")                |
 * | `default value fallback...` | `{{default etcd_port 2379}}`: first value not missing/null/"" |
 * | `eq a b`, `ne a b`          | `{{#if (eq role "master")}}...{{/if}}`                        |
 * | `and`, `or`, `not`          | `{{#if (and a (not b))}}`                                     |
 * | `first list`, `last list`   | `{{first groups.etcd}}`                                       |
 * | `hostvar host name`         | `{{hostvar (first groups.etcd) "ansible_host"}}`              |
 * | `hosts group`               | `{{#each (hosts "nodes")}}{{this}} {{/each}}` (unknown group fails) |
 * | `lookup obj key`            | `{{lookup (lookup hostvars h) "ansible_host"}}` (built in)    |
 * | `json value [indent]`       | `{{json servers}}`, `{{json conf 2}}`                         |
 * | `each`, `if`, `unless`, `with` | Handlebars' own block helpers                             |
 */
import type { HelperOptions } from 'handlebars';
import { CHECK_OUT, SOFT_GET } from './template-ast.ts';

/** A helper's failure, carrying the template line; renderTemplate turns it into a TemplateError. */
export class HelperFailure extends Error {
  readonly line?: number;
  readonly column?: number;
  constructor(message: string, options?: HelperOptions) {
    super(message);
    const loc = (options as unknown as { loc?: { start: { line: number; column: number } } })?.loc;
    this.line = loc?.start.line;
    this.column = loc?.start.column;
  }
}

const own = (obj: unknown, key: string): boolean => obj !== null && typeof obj === 'object' && Object.hasOwn(obj, key);
const missing = (v: unknown) => v === undefined || v === null || v === '';

/** Split the trailing Handlebars options object from the positional arguments. */
function split(args: unknown[]): { values: unknown[]; options: HelperOptions } {
  return { values: args.slice(0, -1), options: args[args.length - 1] as HelperOptions };
}

function root(options: HelperOptions): Record<string, unknown> {
  return ((options.data as { root?: Record<string, unknown> } | undefined)?.root ?? {}) as Record<string, unknown>;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

/** The helpers, by name (registered on an isolated Handlebars environment). */
export const helpers: Record<string, (...args: unknown[]) => unknown> = {
  join(...args) {
    const { values, options } = split(args);
    const [list, sep = ','] = values;
    if (!Array.isArray(list)) throw new HelperFailure(`join: expected a list, got ${list === undefined ? 'nothing' : typeof list}`, options);
    return list.join(String(sep));
  },
  default(...args) {
    const { values } = split(args);
    return values.find((v) => !missing(v));
  },
  eq: (...args) => equal(args[0], args[1]),
  ne: (...args) => !equal(args[0], args[1]),
  and: (...args) => split(args).values.every(Boolean),
  or: (...args) => split(args).values.some(Boolean),
  not: (value) => !value,
  first(...args) {
    const { values, options } = split(args);
    if (!Array.isArray(values[0])) throw new HelperFailure('first: expected a list', options);
    return values[0][0];
  },
  last(...args) {
    const { values, options } = split(args);
    if (!Array.isArray(values[0])) throw new HelperFailure('last: expected a list', options);
    return values[0][values[0].length - 1];
  },
  hostvar(...args) {
    const { values, options } = split(args);
    const [host, name] = values.map((v) => (v === undefined ? undefined : String(v)));
    const hostvars = root(options).hostvars;
    if (host === undefined || !own(hostvars, host)) throw new HelperFailure(`hostvar: no host "${host}" in hostvars`, options);
    const vars = (hostvars as Record<string, unknown>)[host];
    if (name === undefined || !own(vars, name)) throw new HelperFailure(`hostvar: host "${host}" has no variable "${name}"`, options);
    return (vars as Record<string, unknown>)[name];
  },
  hosts(...args) {
    const { values, options } = split(args);
    const group = String(values[0]);
    const groups = root(options).groups;
    if (!own(groups, group)) throw new HelperFailure(`hosts: no group "${group}" in the inventory`, options);
    return (groups as Record<string, unknown>)[group];
  },
  json(...args) {
    const { values } = split(args);
    const indent = typeof values[1] === 'number' ? values[1] : undefined;
    return JSON.stringify(values[0], null, indent);
  },
  // Internal (see template-ast.ts): soft lookup for if/unless/default, and the output check.
  [SOFT_GET](...args) {
    const { values } = split(args);
    let value = values[0];
    for (const key of values.slice(1) as string[]) value = own(value, key) ? (value as Record<string, unknown>)[key] : undefined;
    return value;
  },
  [CHECK_OUT](...args) {
    const { values, options } = split(args);
    if (values[0] === undefined) throw new HelperFailure('the expression gives no value (a missing variable or key?)', options);
    return values[0];
  },
};
