/**
 * ajv schemas for inventory data: the shape of an Ansible YAML/JSON inventory (groups with `hosts`,
 * `children`, `vars`) and the types of the connection variables wherever they are set. Errors come
 * back as `{ path, message }` with a dotted path inside the source, for example
 * `all.children.nodes.hosts.node1.ansible_port: must be an integer from 1 to 65535`.
 *
 * The validators are compiled at build time (scripts/build-validators.ts writes ajv's standalone code to
 * dist/lib/inventory/validators.generated.js); running from the sources, they are compiled here on
 * first use, with the same schemas.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { compileInventoryValidators } from './schema-defs.ts';
import * as precompiled from './validators.generated.ts';

export { FALSE_WORDS, fitsKind, TRUE_WORDS, TYPED_VARS, type VarKind } from './var-kinds.ts';

interface Validators {
  inventory: ValidateFunction;
  varsMap: ValidateFunction;
}
let validators: Validators | undefined;

/** The build's standalone validators when present, else compiled now (once). */
function get(): Validators {
  const built = precompiled as Partial<Validators>;
  validators ??= built.inventory && built.varsMap ? { inventory: built.inventory, varsMap: built.varsMap } : compileInventoryValidators();
  return validators;
}

/** One problem found by validation. */
export interface Problem {
  /** Dotted path inside the source (`all.children.nodes.hosts.node1.ansible_port`). */
  path: string;
  message: string;
}

/** Check a parsed YAML/JSON inventory; returns the first problem or undefined. */
export function checkInventoryShape(data: unknown): Problem | undefined {
  const validate = get().inventory;
  if (validate(data)) return undefined;
  return toProblem(validate.errors ?? [], data);
}

/** Check a mapping of variables (a `group_vars/` file, an INI host line); returns the first problem. */
export function checkVars(vars: unknown): Problem | undefined {
  const validate = get().varsMap;
  if (validate(vars)) return undefined;
  return toProblem(validate.errors ?? [], vars);
}

function toProblem(errors: ErrorObject[], data: unknown): Problem {
  // ajv stops at the first failing keyword; prefer the deepest path when several are reported.
  const error = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let message = error.message ?? 'is invalid';
  if (error.keyword === 'additionalProperties') {
    const key = String(error.params.additionalProperty);
    segments.push(key);
    message =
      segments[0] === '_meta' ? 'unexpected key: _meta has only "hostvars"' : 'unexpected key: a group has only "hosts", "children" and "vars"';
  } else if (error.keyword === 'type') {
    message = describeTypeError(segments, data);
  }
  return { path: segments.join('.'), message };
}

function describeTypeError(segments: string[], data: unknown): string {
  const last = segments[segments.length - 1];
  const parent = segments[segments.length - 2];
  let value: unknown = data;
  for (const s of segments) value = (value as Record<string, unknown>)?.[s];
  const got =
    value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping' : `${typeof value} ${JSON.stringify(value)}`;
  if (segments.length === 0) return `must be a mapping of groups, got ${got}`;
  if (/^\d+$/.test(last) && (parent === 'hosts' || parent === 'children')) return `must be a name (a string), got ${got}`;
  if (last === 'hosts') return `must be a mapping of host names to their variables, got ${got}`;
  if (last === 'children') return `must be a mapping of child groups, got ${got}`;
  if (last === 'vars' || parent === 'hosts' || parent === 'hostvars') return `must be a mapping of variables, got ${got}`;
  return `must be a group (a mapping with hosts, children, vars), got ${got}`;
}
