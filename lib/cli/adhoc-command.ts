/**
 * `hostwright PATTERN -i INVENTORY [-m MODULE] [-a ARGS] [options]`: an ad-hoc run, as `ansible` does it.
 * Bad options, a bad inventory, an unknown module or argument stop before any connection, with exit 5.
 */
import { HostwrightError } from '../core/errors.ts';
import { abortOnSignals, interruptExitCode } from '../interrupt.ts';
import { Redactor } from '../core/run-events.ts';
import { resolveInventory, run } from '../run.ts';
import { listPlaybook } from '../playbook-listing.ts';
import { parseExtraVars } from '../vars/index.ts';
import { adhocPlaybook } from '../adhoc/playbook.ts';
import { adhocReporter } from '../adhoc/report.ts';
import { runOutputs } from '../report/run-outputs.ts';
import { vaultFromOptions } from '../vault/options.ts';
import { applyAnsibleConfig } from '../config/apply.ts';
import { badInput, parseCommandLine } from './parse.ts';
import { adhocUsage } from './help.ts';
import { numericOptions, sharedRunOptions } from './run-options.ts';

/** Run the ad-hoc command line; print to `out`/`err`; return the exit code (never calls process.exit). */
export async function adhocMain(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const say = (text: string) => out.write(text + '\n');
  const fail = badInput(err);
  const parsed = parseCommandLine('adhoc', argv, { helpCommand: 'hostwright' });
  if ('error' in parsed) return fail(parsed.error);
  const { values, positionals } = parsed;
  if (values.help) {
    say(adhocUsage());
    return 0;
  }
  if (positionals.length !== 1) {
    return fail(
      positionals.length
        ? `one host pattern expected, got ${positionals.map((p) => JSON.stringify(p)).join(' ')} (quote a pattern with spaces)`
        : 'no host pattern given, e.g. hostwright all -i inventory.yml -m ping\nSee hostwright --help.',
    );
  }
  const pattern = positionals[0];
  if (pattern.trim() === '') return fail('the host pattern is empty; use "all" for every host');
  try {
    // ansible.cfg / ANSIBLE_* fill what the command line left unset.
    const cfg = await applyAnsibleConfig(values, err);
    if (!values.inventory?.length) return fail('no inventory given. Pass one with -i; hostwright never guesses host addresses.');
    const numbers = numericOptions(values);
    if (typeof numbers === 'string') return fail(numbers);
    const { forks, connectTimeoutMs, connectRetries, hostLockWaitMs } = numbers;
    const extra = runOutputs(values, err);
    if (typeof extra === 'string') return fail(extra);
    const vault = await vaultFromOptions(values, { config: cfg.vault, env: {} });
    const inventory = resolveInventory(values.inventory, vault);
    const extraVars = parseExtraVars(values['extra-vars'] ?? [], process.cwd(), vault);
    const become = values['become-user'] ? { user: values['become-user'] } : values.become ? true : undefined;
    const { playbook, outputs } = adhocPlaybook({ pattern, module: values.module, args: values.args, become });
    if (values['list-hosts']) {
      const [play] = listPlaybook(playbook, { inventory, limit: values.limit });
      say(`  hosts (${play.hosts.length}):`);
      for (const h of play.hosts) say(`    ${h}`);
      return 0;
    }
    // The command's output is printed beside the events: the run's redactor masks it too.
    const redactor = new Redactor();
    const controller = new AbortController();
    const release = abortOnSignals(controller, err);
    try {
      const result = await run(playbook, {
        ...sharedRunOptions(values),
        inventory,
        extraVars,
        forks,
        connectTimeoutMs,
        connectRetries,
        hostLockWaitMs,
        redactor,
        listeners: [adhocReporter(outputs, { json: values.json, stream: out, redact: (text) => redactor.text(text) }), ...extra.listeners],
        signal: controller.signal,
        vault,
        connectionDefaults: cfg.connectionDefaults,
      });
      return result.interrupted ? interruptExitCode(result.interrupted) : extra.exitCode(result.exitCode, result.recap);
    } finally {
      release();
    }
  } catch (error) {
    if (error instanceof HostwrightError) return fail(error.message);
    throw error;
  }
}
