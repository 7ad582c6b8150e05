/**
 * `hostwright PATTERN -i INVENTORY [-m MODULE] [-a ARGS] [options]`: an ad-hoc run, as `ansible` does it.
 * Bad options, a bad inventory, an unknown module or argument stop before any connection, with exit 5.
 */
import { parseArgs } from 'node:util';
import { RUN_OPTIONS, badInput, numericOptions, sharedRunOptions } from '../cli.ts';
import { HostwrightError } from '../core/errors.ts';
import { abortOnSignals, interruptExitCode } from '../interrupt.ts';
import { Redactor } from '../core/run-events.ts';
import { inventoryView, resolveInventory, run } from '../run.ts';
import { parseExtraVars } from '../vars/index.ts';
import { MODULE_ALIASES, MODULES } from './modules.ts';
import { adhocPlaybook } from './playbook.ts';
import { adhocReporter } from './report.ts';
import { OUTPUT_USAGE, runOutputs } from '../report/run-outputs.ts';
import { EXIT_PENDING_CHANGES } from '../report/exit-code.ts';
import { VAULT_USAGE, vaultFromOptions } from '../vault/options.ts';
import { applyAnsibleConfig } from '../config/apply.ts';

/** The ad-hoc command's options (also read by the shell completion scripts). */
export const ADHOC_OPTIONS = {
  ...RUN_OPTIONS,
  module: { type: 'string', short: 'm' },
  args: { type: 'string', short: 'a' },
  become: { type: 'boolean', short: 'b' },
  'become-user': { type: 'string' },
} as const;

/** Usage text of the whole `hostwright` command. */
export function adhocUsage(): string {
  const aliases = Object.entries(MODULE_ALIASES).map(([a, m]) => `${a}=${m}`).join(', ');
  return `Usage:
  hostwright PATTERN -i INVENTORY [-m MODULE] [-a ARGS] [options]   ad-hoc: one task on the matching hosts
  hostwright run PLAYBOOK.ts [playbook options]                      run a playbook (its default export)
  hostwright inventory -i INVENTORY --list | --graph [GROUP] | --host NAME
  hostwright report EVENTS.ndjson -o FILE.html                       HTML report of a run saved with --json
  hostwright plan show PLAN.json [--json]                            print a plan saved by --check --save-plan
  hostwright apply PLAN.json [options]                               apply a saved plan exactly, or refuse on drift
  hostwright vault view|decrypt|encrypt|encrypt-string ...             ansible-vault files and strings
  hostwright completion bash|zsh                                     print a shell completion script
  hostwright --version | --help

Ad-hoc options:
  -i, --inventory FILE      inventory file (Ansible YAML/INI or JSON); repeat to merge several
  -m, --module NAME         ${[...MODULES.keys()].join(', ')} (default command)
                            Ansible names: ${aliases}
  -a, --args ARGS           key=value words (shell quoting; comma lists; yes/no), JSON ('{"name":["a","b"]}'),
                            or for command/shell the command itself: -m shell -a 'uptime | cut -d, -f1'
  -C, --check               probe and plan only: change nothing, report what would change
  -D, --diff                show file diffs and before → after for every change
  -b, --become              run through sudo as root
      --become-user USER    sudo to USER instead of root (implies --become)
  -l, --limit PATTERN       further limit the hosts
  -e, --extra-vars VARS     key=value, JSON, or @file.yml / @file.json; repeatable
  -f, --forks N             hosts worked on at once (default 20)
      --json                one JSON event per line (host results carry rc, stdout, stderr)
      --known-hosts FILE    known_hosts for strict host key checking (default ~/.ssh/known_hosts)
      --accept-new-host-keys  trust and record keys of hosts not yet known
      --connect-timeout S   SSH connect timeout in seconds (default 10)
      --connect-retries N   further attempts, with backoff from 1 s, when a connection cannot be opened (default 2)
      --host-lock-wait S    wait at most S seconds for another run's lock on a host, then fail it (default 30)
      --no-host-lock        do not take the per-host run lock
      --list-hosts          list the matching hosts, without connecting
${OUTPUT_USAGE}
  -F, --ssh-config FILE     OpenSSH client config (default ~/.ssh/config)
${VAULT_USAGE}

Examples:
  hostwright all -i inventory.yml -m ping
  hostwright nodes -i inventory.yml -m shell -a 'uptime'
  hostwright etcd -i inventory.yml -b -m package -a 'name=etcd state=present' --check --diff
  hostwright master -i inventory.yml -b -m service -a 'name=etcd state=restarted'

Exit codes: 0 ok, 2 a task failed, 4 a host was unreachable, 5 bad options or input,
130/143 interrupted by SIGINT/SIGTERM (a second signal exits at once),
${EXIT_PENDING_CHANGES} (with --detailed-exitcode) not converged: changes pending or made.`;
}

/** Run the ad-hoc command line; print to `out`/`err`; return the exit code (never calls process.exit). */
export async function adhocMain(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const say = (text: string) => out.write(text + '\n');
  const fail = badInput(err);
  let values: Record<string, any>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: ADHOC_OPTIONS, strict: true, allowPositionals: true }));
  } catch (error) {
    return fail(`${(error as Error).message}\nSee hostwright --help.`);
  }
  if (values.help) {
    say(adhocUsage());
    return 0;
  }
  if (positionals.length !== 1) {
    return fail(positionals.length ? `one host pattern expected, got ${positionals.map((p) => JSON.stringify(p)).join(' ')} (quote a pattern with spaces)` : 'no host pattern given, e.g. hostwright all -i inventory.yml -m ping\nSee hostwright --help.');
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
    const become = values['become-user'] ? { user: values['become-user'] as string } : values.become ? true : undefined;
    const { playbook, outputs } = adhocPlaybook({ pattern, module: values.module, args: values.args, become });
    if (values['list-hosts']) {
      const view = inventoryView(inventory);
      const limited = values.limit ? new Set(view.select(values.limit)) : undefined;
      const hosts = view.select(pattern).filter((h) => !limited || limited.has(h));
      say(`  hosts (${hosts.length}):`);
      for (const h of hosts) say(`    ${h}`);
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
