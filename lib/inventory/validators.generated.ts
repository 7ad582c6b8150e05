/**
 * Placeholder for the inventory validators compiled at build time: scripts/build-validators.ts
 * replaces dist/lib/inventory/validators.generated.js with ajv's standalone code (exports `inventory`
 * and `varsMap`). From the sources this module is empty and lib/inventory/schema.ts compiles them.
 */
export {};
