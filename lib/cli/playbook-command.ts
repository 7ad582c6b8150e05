/**
 * The command line every playbook shares: `node playbooks/X.ts -i FILE [--check] [--diff] ...`, and
 * `hostwright run X.ts ...` (run-command.ts), both the `playbook` command of the option table.
 * Bad options, a missing inventory or a bad inventory stop before any connection, with exit code 5.
 */
import { realpathSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';
import { HostwrightError } from '../core/errors.ts';
import { parseExtraVars } from '../vars/index.ts';
import type { Playbook } from '../play/define.ts';
import { consoleReporter } from '../report/console.ts';
import { jsonReporter } from '../report/json.ts';
import { resolveInventory, run } from '../run.ts';
import { listPlaybook } from '../playbook-listing.ts';
import { vaultFromOptions } from '../vault/options.ts';
import { applyAnsibleConfig, type ConfigForRun } from '../config/apply.ts';
import { abortOnSignals, interruptExitCode } from '../interrupt.ts';
import { runOutputs } from '../report/run-outputs.ts';
import { planMode } from '../plan/run-plan.ts';
import { badInput, argvProblem, parseCommandLine } from './parse.ts';
import { usage } from './help.ts';
import { numericOptions, sharedRunOptions, splitList } from './run-options.ts';
import type { CommandValues } from './options.ts';

/**
 * Parse argv, run the playbook, print, and return the exit code (never calls process.exit). `source` is
 * the playbook's module file, fingerprinted (with what it imports) by saved plans.
 */
export async function runCli(
  playbook: Playbook,
  argv: string[] = process.argv.slice(2),
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
  source?: string,
): Promise<number> {
  const say = (text: string) => out.write(text + '\n');
  const fail = badInput(err);
  const badArg = argvProblem(argv);
  if (badArg) return fail(badArg);
  const parsed = parseCommandLine('playbook', argv, { positionals: false });
  if ('error' in parsed) return fail(parsed.error);
  const values: CommandValues<'playbook'> = parsed.values;
  if (values.help) {
    say(usage(playbook.name));
    return 0;
  }
  // ansible.cfg / ANSIBLE_* fill what the command line left unset.
  let cfg: ConfigForRun;
  try {
    cfg = await applyAnsibleConfig(values, err);
  } catch (error) {
    if (error instanceof HostwrightError) return fail(error.message);
    throw error;
  }
  if (!values.inventory?.length) {
    return fail(
      `no inventory given. Pass one with -i, for example:\n  node playbooks/cluster.ts -i inventory/cluster.yml\nhostwright never guesses host addresses.`,
    );
  }
  const numbers = numericOptions(values);
  if (typeof numbers === 'string') return fail(numbers);
  const { forks, connectTimeoutMs, connectRetries, hostLockWaitMs } = numbers;
  const outputs = runOutputs(values, err);
  if (typeof outputs === 'string') return fail(outputs);
  let inventory;
  let extraVars: Record<string, unknown>;
  let vault;
  try {
    vault = await vaultFromOptions(values, { config: cfg.vault, env: {} });
    inventory = resolveInventory(values.inventory, vault);
    extraVars = parseExtraVars(values['extra-vars'] ?? [], process.cwd(), vault);
  } catch (error) {
    if (error instanceof HostwrightError) return fail(error.message);
    throw error;
  }
  const tags = splitList(values.tags);
  const skipTags = splitList(values['skip-tags']);
  if (values['list-hosts'] || values['list-tasks']) {
    let plays;
    try {
      // A malformed play pattern is bad input here too, before anything is printed.
      plays = listPlaybook(playbook, { inventory, limit: values.limit, tags, skipTags });
    } catch (error) {
      if (error instanceof HostwrightError) return fail(error.message);
      throw error;
    }
    say(`\nplaybook: ${playbook.name}`);
    plays.forEach((play, i) => {
      say(`\n  play #${i + 1} (${play.pattern}): ${play.name}\tTAGS: []`);
      if (values['list-hosts']) {
        say(`    pattern: ['${play.pattern}']`);
        say(`    hosts (${play.hosts.length}):`);
        for (const h of play.hosts) say(`      ${h}`);
      }
      if (values['list-tasks']) {
        say('    tasks:');
        for (const t of play.tasks)
          say(
            `      ${t.role ? `${t.role} : ` : ''}${t.label}\tTAGS: [${t.tags.join(', ')}]${t.notIdempotent ? '\t(not idempotent: always reports changed)' : ''}`,
          );
      }
    });
    return 0;
  }
  const listeners = [
    values.json
      ? jsonReporter(out)
      : consoleReporter({ stream: out as any, verbosity: (values.verbose as unknown as boolean[] | undefined)?.length ?? 0 }),
    ...outputs.listeners,
  ];
  const options = {
    ...sharedRunOptions(values),
    inventory,
    extraVars,
    forks,
    tags,
    skipTags,
    connectTimeoutMs,
    connectRetries,
    hostLockWaitMs,
    vault,
    connectionDefaults: cfg.connectionDefaults,
  };
  if (values['save-plan'] !== undefined || values['apply-plan'] !== undefined) {
    try {
      return await planMode({
        playbook,
        source,
        values,
        inventory,
        options,
        display: listeners[0],
        extra: outputs.listeners,
        exitCode: outputs.exitCode,
        out,
        err,
        fail,
      });
    } catch (error) {
      if (error instanceof HostwrightError) return fail(error.message);
      throw error;
    }
  }
  let result;
  const controller = new AbortController();
  const release = abortOnSignals(controller, err);
  try {
    result = await run(playbook, { ...options, listeners, signal: controller.signal });
  } catch (error) {
    // Bad input found before any host was touched (typed variables, unknown handlers).
    if (error instanceof HostwrightError) return fail(error.message);
    throw error;
  } finally {
    release();
  }
  return result.interrupted ? interruptExitCode(result.interrupted) : outputs.exitCode(result.exitCode, result.recap);
}

/**
 * Run the command line when the calling module is the program's entry point:
 * `await runIfMain(import.meta.url, playbook)` at the end of a playbook file.
 */
export async function runIfMain(moduleUrl: string, playbook: Playbook): Promise<void> {
  const entry = process.argv[1];
  if (!entry) return;
  let same = false;
  try {
    same = realpathSync(entry) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    same = false;
  }
  if (!same) return;
  // The program is a playbook: turn Node's compile cache on, as `hostwright run` does, for what loads from
  // here on (ssh2, a task type's validator, handlebars), so the next run compiles none of it. It cannot
  // reach the playbook and the library, already loaded: `NODE_COMPILE_CACHE` does (README). Honours
  // NODE_COMPILE_CACHE (its folder) and NODE_DISABLE_COMPILE_CACHE=1 (off).
  module.enableCompileCache?.();
  const code = await runCli(playbook, undefined, undefined, undefined, fileURLToPath(moduleUrl));
  process.exitCode = code;
}
