/**
 * ajv schemas for inventory data: the shape of an Ansible YAML/JSON inventory (groups with `hosts`,
 * `children`, `vars`) and the types of the connection variables wherever they are set. Errors come
 * back as `{ path, message }` with a dotted path inside the source, for example
 * `all.children.nodes.hosts.node1.ansible_port: must be an integer from 1 to 65535`.
 */
import { Ajv, type ErrorObject } from 'ajv';

/** What kind of value a well-known variable must hold. */
export type VarKind = 'port' | 'host' | 'string' | 'bool' | 'secret' | 'integer';

/** Connection and inventory variables with a fixed type, Ansible's names next to hostwright's. */
export const TYPED_VARS: Record<string, VarKind> = {
  ansible_host: 'host', ansible_ssh_host: 'host', hw_host: 'host',
  ansible_port: 'port', ansible_ssh_port: 'port', hw_port: 'port',
  ansible_user: 'string', ansible_ssh_user: 'string', hw_user: 'string',
  ansible_ssh_private_key_file: 'string', ansible_private_key_file: 'string', hw_key_file: 'string',
  ansible_password: 'secret', ansible_ssh_pass: 'secret', ansible_ssh_password: 'secret', hw_password: 'secret',
  ansible_become: 'bool', hw_become: 'bool',
  ansible_become_user: 'string', hw_become_user: 'string',
  ansible_become_password: 'secret', ansible_become_pass: 'secret', hw_become_password: 'secret',
  ansible_connection: 'string', hw_connection: 'string',
  ansible_group_priority: 'integer',
};

const MESSAGES: Record<VarKind, string> = {
  port: 'must be an integer from 1 to 65535',
  host: 'must be a host name or IP address (a non-empty string)',
  string: 'must be a non-empty string',
  bool: 'must be a boolean (true/false, yes/no)',
  secret: 'must be a string',
  integer: 'must be an integer',
};

/** Words Ansible's `boolean()` accepts (compared lowercase). */
export const TRUE_WORDS = ['yes', 'on', '1', 'true', 'y', 't'];
/** Words Ansible's `boolean()` accepts as false (compared lowercase). */
export const FALSE_WORDS = ['no', 'off', '0', 'false', 'n', 'f', ''];

// A value still to be templated ("{{ port }}") is checked after templating, not here.
const isTemplate = (v: unknown) => typeof v === 'string' && v.includes('{{');

/** Whether `value` fits `kind`. */
export function fitsKind(kind: VarKind, value: unknown): boolean {
  if (isTemplate(value)) return true;
  switch (kind) {
    case 'port': {
      const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
      return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
    }
    case 'host':
    case 'string':
      return typeof value === 'string' && value.trim() !== '';
    case 'bool':
      return typeof value === 'boolean' || value === 0 || value === 1 ||
        (typeof value === 'string' && [...TRUE_WORDS, ...FALSE_WORDS].includes(value.trim().toLowerCase()));
    case 'secret':
      return typeof value === 'string' || typeof value === 'number';
    case 'integer':
      return (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value));
  }
}

const ajv = new Ajv({ allErrors: false, allowUnionTypes: true });
ajv.addKeyword({
  keyword: 'hwVar',
  schemaType: 'string',
  errors: true,
  validate: function hwVar(kind: VarKind, data: unknown): boolean {
    if (fitsKind(kind, data)) return true;
    (hwVar as unknown as { errors: Partial<ErrorObject>[] }).errors = [{ keyword: 'hwVar', message: MESSAGES[kind], params: { kind } }];
    return false;
  },
});

const varsProperties = Object.fromEntries(Object.entries(TYPED_VARS).map(([k, kind]) => [k, { hwVar: kind }]));
/** A mapping of variables (or nothing). */
const varsSchema = { type: ['object', 'null'], properties: varsProperties };

const inventorySchema = {
  $id: 'hostwright-inventory',
  type: 'object',
  properties: {
    _meta: {
      type: 'object',
      properties: { hostvars: { type: 'object', additionalProperties: { $ref: '#/$defs/vars' } } },
      additionalProperties: false,
    },
  },
  additionalProperties: { $ref: '#/$defs/group' },
  $defs: {
    vars: varsSchema,
    names: { type: 'array', items: { type: 'string' } },
    group: {
      type: ['object', 'null'],
      properties: {
        // A mapping of host -> vars; Ansible also takes one bare host name; a list is the --list shape.
        hosts: { type: ['object', 'null', 'string', 'array'], items: { type: 'string' }, additionalProperties: { $ref: '#/$defs/vars' } },
        children: { type: ['object', 'null', 'array'], items: { type: 'string' }, additionalProperties: { $ref: '#/$defs/group' } },
        vars: { $ref: '#/$defs/vars' },
      },
      additionalProperties: false,
    },
  },
};

const validateInventory = ajv.compile(inventorySchema);
const validateVarsMap = ajv.compile({ ...varsSchema, type: 'object' });

/** One problem found by validation. */
export interface Problem {
  /** Dotted path inside the source (`all.children.nodes.hosts.node1.ansible_port`). */
  path: string;
  message: string;
}

/** Check a parsed YAML/JSON inventory; returns the first problem or undefined. */
export function checkInventoryShape(data: unknown): Problem | undefined {
  if (validateInventory(data)) return undefined;
  return toProblem(validateInventory.errors ?? [], data);
}

/** Check a mapping of variables (a `group_vars/` file, an INI host line); returns the first problem. */
export function checkVars(vars: unknown): Problem | undefined {
  if (validateVarsMap(vars)) return undefined;
  return toProblem(validateVarsMap.errors ?? [], vars);
}

function toProblem(errors: ErrorObject[], data: unknown): Problem {
  // ajv stops at the first failing keyword; prefer the deepest path when several are reported.
  const error = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
  const segments = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let message = error.message ?? 'is invalid';
  if (error.keyword === 'additionalProperties') {
    const key = String(error.params.additionalProperty);
    segments.push(key);
    message = segments[0] === '_meta' ? 'unexpected key: _meta has only "hostvars"' : 'unexpected key: a group has only "hosts", "children" and "vars"';
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
  const got = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping' : `${typeof value} ${JSON.stringify(value)}`;
  if (segments.length === 0) return `must be a mapping of groups, got ${got}`;
  if (/^\d+$/.test(last) && (parent === 'hosts' || parent === 'children')) return `must be a name (a string), got ${got}`;
  if (last === 'hosts') return `must be a mapping of host names to their variables, got ${got}`;
  if (last === 'children') return `must be a mapping of child groups, got ${got}`;
  if (last === 'vars' || parent === 'hosts' || parent === 'hostvars') return `must be a mapping of variables, got ${got}`;
  return `must be a group (a mapping with hosts, children, vars), got ${got}`;
}
