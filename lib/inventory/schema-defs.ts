/**
 * The inventory's JSON schemas and the ajv instance they compile with, shared by the run-time fallback
 * (lib/inventory/schema.ts) and the build (scripts/build-validators.ts, standalone code).
 */
import { createRequire } from 'node:module';
import type { Ajv as AjvType, KeywordDefinition, Options, ValidateFunction } from 'ajv';
import { fitsKind, MESSAGES, TYPED_VARS, type VarKind } from './var-kinds.ts';

/** The name the standalone module imports {@link fitsKind} under (see scripts/build-validators.ts). */
export const FITS_KIND_IMPORT = 'hwFitsKind';

/**
 * `hwVar: KIND`: the value fits the kind ({@link fitsKind}). A code keyword whose function reference
 * carries its own code, so that ajv's standalone output can name it (an import of the module).
 */
function hwVarKeyword(codegen: typeof import('ajv')): KeywordDefinition {
  const { _, str } = codegen;
  return {
    keyword: 'hwVar',
    schemaType: 'string',
    error: {
      message: ({ schema }) => str`${MESSAGES[schema as VarKind]}`,
      params: ({ schemaCode }) => _`{kind: ${schemaCode}}`,
    },
    code(cxt) {
      const fn = cxt.gen.scopeValue('func', { ref: fitsKind, code: _`${new codegen.Name(FITS_KIND_IMPORT)}` });
      cxt.fail(_`!${fn}(${cxt.schemaCode}, ${cxt.data})`);
    },
  };
}

const varsProperties = Object.fromEntries(Object.entries(TYPED_VARS).map(([k, kind]) => [k, { hwVar: kind }]));
/** A mapping of variables (or nothing). */
const varsSchema = { type: ['object', 'null'], properties: varsProperties };

/** The shape of a whole inventory (YAML, JSON, or an inventory script's output). */
export const inventorySchema = {
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

/** A mapping of variables: a `group_vars/` file, an INI host line. */
export const varsMapSchema = { $id: 'hostwright-vars-map', ...varsSchema, type: 'object' };

/** The ajv options of the inventory validators (the build adds `code.source`). */
export const INVENTORY_AJV_OPTIONS: Options = { allErrors: false, allowUnionTypes: true };

/** An ajv instance with the `hwVar` keyword; ajv is loaded here only (not at start when the build's validators exist). */
export function inventoryAjv(extra: Options = {}): AjvType {
  const codegen = createRequire(import.meta.url)('ajv') as typeof import('ajv');
  const ajv = new codegen.Ajv({ ...INVENTORY_AJV_OPTIONS, ...extra });
  ajv.addKeyword(hwVarKeyword(codegen));
  return ajv;
}

/** Compiles both validators now (running from the sources). */
export function compileInventoryValidators(): { inventory: ValidateFunction; varsMap: ValidateFunction } {
  const ajv = inventoryAjv();
  return { inventory: ajv.compile(inventorySchema), varsMap: ajv.compile(varsMapSchema) };
}
