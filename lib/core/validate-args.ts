/**
 * Run-time argument validation from the task type's own TypeBox schema (ajv, strict, compiled once per type),
 * with messages that name the task, the argument and what is allowed.
 *
 * The built package carries the validators of its own task types compiled at build time (ajv's standalone
 * code, one file per schema under dist/lib/core/validators/, written by scripts/build-validators.ts, loaded
 * when first needed), found by a digest of the schema; a schema not among them (a custom task type, or running from the sources) is compiled
 * here on first use. ajv itself is loaded only then.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Ajv as AjvType, ErrorObject, ValidateFunction } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import { ValidationError } from './errors.ts';
import type { TaskType } from './task-contract.ts';
import { precompiledValidator } from './validators.generated.ts';

/** The ajv options of task argument validation (the build compiles with the same). */
export const TASK_AJV_OPTIONS = { allErrors: true, strict: true, useDefaults: false } as const;

/** The key a schema's build-time validator is exported under: `v` + sha256 of its JSON (24 hex digits). */
export function schemaKey(schema: TSchema): string {
  return 'v' + createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 24);
}

let ajv: AjvType | undefined;
const compiled = new WeakMap<TSchema, ValidateFunction>();

function validatorFor(schema: TSchema): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = precompiledValidator(schemaKey(schema));
    if (!fn) {
      ajv ??= new (createRequire(import.meta.url)('ajv') as typeof import('ajv')).Ajv(TASK_AJV_OPTIONS);
      fn = ajv.compile(schema);
    }
    compiled.set(schema, fn);
  }
  return fn;
}

function describeAllowed(schema: any): string {
  if (schema?.enum) return `one of ${schema.enum.map((v: unknown) => JSON.stringify(v)).join(', ')}`;
  if (schema?.const !== undefined) return JSON.stringify(schema.const);
  if (schema?.anyOf) return schema.anyOf.map(describeAllowed).join(' or ');
  if (schema?.pattern && schema?.description) return schema.description;
  if (schema?.type) return Array.isArray(schema.type) ? schema.type.join(' or ') : schema.type;
  if (schema?.instanceOf) return schema.instanceOf;
  return 'see the task type documentation';
}

function schemaAt(root: any, instancePath: string): any {
  let node = root;
  for (const part of instancePath.split('/').slice(1)) {
    node = node?.properties?.[part] ?? node?.items ?? node?.anyOf?.find((s: any) => s.properties?.[part])?.properties?.[part];
  }
  return node;
}

function explain(type: TaskType, error: ErrorObject): string {
  const arg = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const props = Object.keys((type.schema as any).properties ?? {});
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    const where = arg ? `${arg}.${extra}` : extra;
    const allowed = arg ? Object.keys(schemaAt(type.schema, error.instancePath)?.properties ?? {}) : props;
    return `unknown argument "${where}"; allowed: ${allowed.join(', ')}`;
  }
  if (error.keyword === 'required') {
    return `missing required argument "${(error.params as { missingProperty: string }).missingProperty}"`;
  }
  const schema = schemaAt(type.schema, error.instancePath);
  return `argument "${arg}" ${error.message ?? 'is invalid'}; allowed: ${describeAllowed(schema)}`;
}

/** The dotted path of the first string (or key) holding a NUL byte inside arguments, if any. */
function nulPath(value: unknown, path = '', depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\0') ? path || '(value)' : undefined;
  if (!value || typeof value !== 'object' || depth > 20 || typeof value === 'function') return undefined;
  for (const [k, v] of Object.entries(value)) {
    const at = path ? `${path}.${k}` : k;
    if (k.includes('\0')) return at;
    const found = nulPath(v, at, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Check arguments against a task type's schema (and its extra `check`). Throws a ValidationError naming
 * the task, the argument and what is allowed; returns the arguments unchanged when valid.
 */
export function validateArgs<A>(type: TaskType, args: A, taskLabel: string, location?: string): A {
  const where = location ? ` (${location})` : '';
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    throw new ValidationError(`task "${taskLabel}"${where}: ${type.name} arguments must be an object`, { source: taskLabel });
  }
  const nul = nulPath(args);
  if (nul !== undefined) {
    throw new ValidationError(
      `task "${taskLabel}"${where}: ${type.name}: argument "${nul}" contains a NUL byte, which no path, command or file text on a host can hold`,
      { source: taskLabel, path: nul },
    );
  }
  const fn = validatorFor(type.schema);
  if (!fn(args)) {
    // ajv reports anyOf branches separately; the first specific error reads best.
    const errors = fn.errors ?? [];
    const best = errors.find((e) => e.keyword === 'additionalProperties') ?? errors.find((e) => e.keyword !== 'anyOf') ?? errors[0];
    throw new ValidationError(`task "${taskLabel}"${where}: ${type.name}: ${explain(type, best)}`, {
      source: taskLabel,
      path: best.instancePath.replace(/^\//, '').replace(/\//g, '.'),
    });
  }
  const extra = type.check?.(args as any);
  if (extra) throw new ValidationError(`task "${taskLabel}"${where}: ${type.name}: ${extra}`, { source: taskLabel });
  return args;
}
