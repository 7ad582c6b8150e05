/**
 * Writes schemas/plan-v1.schema.json, the published JSON Schema of saved plans, from the TypeBox schema
 * in lib/plan/schema.ts (a unit test fails when the file is stale).
 *
 *   node scripts/write-plan-schema.ts
 */
import { writeFileSync } from 'node:fs';
import { PlanFileSchema } from '../lib/plan/schema.ts';

const file = new URL('../schemas/plan-v1.schema.json', import.meta.url);
writeFileSync(
  file,
  JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...JSON.parse(JSON.stringify(PlanFileSchema)) }, null, 2) + '\n',
);
console.log(`write-plan-schema: ${file.pathname}`);
