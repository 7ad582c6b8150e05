/**
 * Loaded before every test file (`node --import`): uvu swallows an error thrown by a `before`/`after`
 * hook (its runner returns from a `finally`), so the file failed with no text. This wraps the hooks of
 * uvu's default suite to print the error and fail the process; `test.only` is refused (it would hide
 * every other test of the file and the run would stay green).
 */
import { test } from 'uvu';

type Hook = (fn: (state: unknown) => unknown) => void;
let failed = false;

function guarded(kind: string, register: Hook): Hook {
  return (fn) =>
    register(async (state) => {
      try {
        return await fn(state);
      } catch (error) {
        failed = true;
        console.error(`\n  FAIL  test.${kind} hook threw:\n${(error as Error)?.stack ?? String(error)}\n`);
        throw error;
      }
    });
}

const t = test as unknown as Record<string, Hook & Record<string, Hook>>;
for (const kind of ['before', 'after'] as const) {
  const original = t[kind];
  const wrapped = guarded(kind, original) as Hook & Record<string, Hook>;
  wrapped.each = guarded(`${kind}.each`, original.each);
  t[kind] = wrapped;
}
const only = t.only;
t.only = ((name: unknown, fn: unknown) => {
  failed = true;
  console.error(`\n  FAIL  test.only("${String(name)}") is used: it hides every other test of the file; remove it\n`);
  (only as unknown as (n: unknown, f: unknown) => void)(name, fn);
}) as unknown as Hook & Record<string, Hook>;

process.on('exit', () => {
  if (failed) process.exitCode = 1;
});
