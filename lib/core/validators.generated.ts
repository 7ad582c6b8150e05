/**
 * Placeholder for the task argument validators compiled at build time: scripts/build-validators.ts
 * replaces dist/lib/core/validators.generated.js with a module whose `precompiledValidator` loads a
 * schema's validator (ajv's standalone code, one CommonJS file per task type schema under
 * dist/lib/core/validators/, named by lib/core/validate-args.ts's `schemaKey`) when a task of that type is
 * first declared. From the sources there are none and lib/core/validate-args.ts compiles each schema on
 * first use.
 */
import type { ValidateFunction } from 'ajv';

/** The build-time validator of the schema `key`, or undefined (none from the sources). */
export function precompiledValidator(_key: string): ValidateFunction | undefined {
  return undefined;
}
