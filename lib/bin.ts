#!/usr/bin/env node
/**
 * The `hostwright` executable (package `bin`): ad-hoc runs, `run PLAYBOOK.ts`, `inventory`,
 * `completion bash|zsh`, `--version`. See `hostwright --help`.
 *
 * @module
 */
import { hostwrightMain } from './cli/main.ts';

try {
  process.exitCode = await hostwrightMain(process.argv.slice(2));
} catch (error) {
  // A bug, not bad input (bad input is reported by the commands with exit 5): show the stack.
  process.stderr.write(`hostwright: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
}
