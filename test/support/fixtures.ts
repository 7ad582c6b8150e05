/**
 * Fixture helpers shared by the unit tests: JSON fixtures under test/fixtures/<kind>/, and an assertion
 * that a task definition is refused with a ValidationError whose message matches.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import { isValidationError } from '../../lib/core/errors.ts';

/** The fixtures of one kind: the folder, its JSON files (sorted), and a loader. */
export function fixtures(kind: string): { dir: string; files: string[]; load: (file: string) => any } {
  const dir = fileURLToPath(new URL(`../fixtures/${kind}/`, import.meta.url));
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  return { dir, files, load: (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) };
}

/** Assert that `fn` throws a ValidationError whose message matches `why`. */
export function refuses(fn: () => unknown, why: RegExp): void {
  try {
    fn();
  } catch (error) {
    assert.ok(isValidationError(error), String(error));
    assert.match((error as Error).message, why);
    return;
  }
  assert.unreachable(`accepted: ${why}`);
}
