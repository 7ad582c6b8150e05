/**
 * Placeholder for the task argument validators compiled at build time: scripts/build-validators.ts
 * replaces dist/lib/core/validators.generated.js with ajv's standalone code, one export per task type
 * schema (named by lib/core/validate-args.ts's `schemaKey`). From the sources this module is empty and
 * lib/core/validate-args.ts compiles each schema on first use.
 */
export {};
