#!/usr/bin/env node
/**
 * The `hostwright` executable (package `bin`): ad-hoc runs, `run PLAYBOOK.ts`, `inventory`,
 * `completion bash|zsh`, `--version`. See `hostwright --help`.
 *
 * @module
 */
import module from 'node:module';

// Node's compile cache (code cache of every module compiled from here on, kept in NODE_COMPILE_CACHE or
// the temporary directory): the program's own modules and a playbook's start faster from the second run.
// It must be on before they load, hence the dynamic import below. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
module.enableCompileCache?.();
const { hostwrightMain } = await import('./cli/main.ts');

try {
  process.exitCode = await hostwrightMain(process.argv.slice(2));
} catch (error) {
  // A bug, not bad input (bad input is reported by the commands with exit 5): show the stack.
  process.stderr.write(`hostwright: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
}
