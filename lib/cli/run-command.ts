/**
 * `hostwright run PLAYBOOK.ts [options]`: import the playbook module, take its default export and run it
 * with the playbook command line (`runCli`, the same `playbook` entry of the option table), exactly as `node PLAYBOOK.ts [options]` would.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from './playbook-command.ts';
import { badInput, EXIT_BAD_INPUT } from './parse.ts';
import { runUsage } from './help.ts';
import type { Playbook } from '../play/define.ts';

const isPlaybook = (value: unknown): value is Playbook =>
  value !== null && typeof value === 'object' && (value as Playbook).kind === 'playbook' && Array.isArray((value as Playbook).plays);

/** Run `hostwright run ...`; return the exit code. */
export async function runPlaybookMain(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const fail = badInput(err);
  const [file, ...rest] = argv;
  if (file === undefined || file === '-h' || file === '--help') {
    out.write(runUsage() + '\n');
    return file === undefined ? EXIT_BAD_INPUT : 0;
  }
  const path = resolve(file);
  if (!existsSync(path)) return fail(`playbook ${file} not found (looked at ${path})`);
  let module: Record<string, unknown>;
  try {
    module = await import(pathToFileURL(path).href);
  } catch (error) {
    return fail(`cannot load playbook ${file}: ${(error as Error).message}`);
  }
  if (!isPlaybook(module.default)) {
    const found = Object.keys(module).filter((k) => isPlaybook(module[k]));
    const hint = found.length ? ` (it has a playbook exported as ${found.join(', ')})` : '';
    return fail(`${file} has no playbook as its default export${hint}; add \`export default definePlaybook({ ... })\``);
  }
  return runCli(module.default, rest, out, err, path);
}
