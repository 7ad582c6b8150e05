/**
 * Typed role variables. A role declares its variables with a TypeBox schema
 * (`Type.Object({ etcd_client_port: Type.Integer({ minimum: 1, maximum: 65535 }) })`) next to its
 * defaults; before the run each host's final variables are checked against it, and a wrong value
 * is refused naming the variable and where it came from:
 * `etcd_client_port: must be integer (from -e), got a string`.
 *
 * Strings that spell a number or boolean exactly (`"2379"`, `"true"`, `"yes"`, `"off"`) are accepted
 * for integer, number and boolean variables and converted, because `-e key=value` always gives
 * strings (and INI inventories keep `yes`/`no` as strings).
 * Variables the schema does not declare are not checked.
 */
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ValidationError } from '../core/errors.ts';

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${/^[aeiou]/.test(typeof value) ? 'an' : 'a'} ${typeof value}`;
}

/** `Expected integer to be greater or equal to 1` -> `must be integer, greater or equal to 1`. */
function must(message: string, schema: TSchema): string {
  const options = (schema as { anyOf?: { const?: unknown }[] }).anyOf;
  if (options?.length && options.every((o) => o.const !== undefined)) {
    return `must be one of ${options.map((o) => JSON.stringify(o.const)).join(', ')}`;
  }
  return message.replace(/^Expected /, 'must be ').replace(/^must be (\w+) to be /, 'must be $1, ');
}

// Only exact spellings convert: "2379" -> 2379, "true"/"yes" -> true; anything else is left to fail.
function convert(schema: TSchema, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const type = (schema as { type?: unknown }).type;
  if ((type === 'integer' && /^-?\d+$/.test(value)) || (type === 'number' && /^-?\d+(\.\d+)?$/.test(value))) return Number(value);
  if (type === 'boolean' && /^(true|yes|on)$/i.test(value)) return true;
  if (type === 'boolean' && /^(false|no|off)$/i.test(value)) return false;
  return value;
}

/**
 * Check `vars` against a role's variable schema; returns the variables with exact numeric and
 * boolean strings converted. Throws a {@link ValidationError} listing every wrong or missing
 * variable with the source of its value (from `origins`, as built by `layerVars`).
 */
export function checkVarTypes(schema: TSchema, vars: Record<string, unknown>, origins: Record<string, string> = {}): Record<string, unknown> {
  const properties = (schema as { properties?: Record<string, TSchema> }).properties ?? {};
  const required = new Set((schema as { required?: string[] }).required ?? []);
  const out = { ...vars };
  const problems: { name: string; text: string }[] = [];
  for (const [name, propSchema] of Object.entries(properties)) {
    const value = vars[name];
    if (value === undefined) {
      if (required.has(name))
        problems.push({ name, text: `${name}: is required but not set (give it a default, or set it in the inventory, the play or with -e)` });
      continue;
    }
    const converted = convert(propSchema, value);
    const error = Value.Errors(propSchema, converted).First();
    if (!error) {
      out[name] = converted;
      continue;
    }
    // error.path is a JSON pointer inside the variable: /0/name -> [0].name
    const inner = error.path
      .split('/')
      .slice(1)
      .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`))
      .join('');
    const bad = inner ? error.value : value;
    const from = origins[name] ? ` (from ${origins[name]})` : '';
    problems.push({ name, text: `${name}${inner}: ${must(error.message, error.schema)}${from}, got ${kindOf(bad)}` });
  }
  if (problems.length) {
    const first = problems[0];
    throw new ValidationError(problems.map((p) => p.text).join('\n'), { source: origins[first.name], path: first.name });
  }
  return out;
}
