/**
 * The command line every playbook shares: `node playbooks/X.ts -i FILE [--check] [--diff] ...`.
 * Bad options, a missing inventory or a bad inventory stop before any connection, with exit code 5.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { HostwrightError } from './core/errors.ts';
import { playSteps } from './engine/runner.ts';
import { parseExtraVars } from './vars/index.ts';
import type { Playbook } from './play/define.ts';
import { consoleReporter } from './report/console.ts';
import { jsonReporter } from './report/json.ts';
import { inventoryView, resolveInventory, run, type RunPlaybookOptions } from './run.ts';
import { taskLabel } from './engine/run-task.ts';
import { VAULT_OPTIONS, VAULT_USAGE, vaultFromOptions } from './vault/options.ts';
import { applyAnsibleConfig, type ConfigForRun } from './config/apply.ts';
import { abortOnSignals, interruptExitCode } from './interrupt.ts';
import { OUTPUT_OPTIONS, OUTPUT_USAGE, runOutputs } from './report/run-outputs.ts';
import { EXIT_PENDING_CHANGES } from './report/exit-code.ts';
import { EXIT_PLAN_DRIFT, PLAN_OPTIONS, PLAN_USAGE, planMode } from './plan/run-plan.ts';

/** Exit code for bad command-line input, a bad inventory or bad variables (as Ansible's 5). */
export const EXIT_BAD_INPUT = 5;

/** The options every run shares: playbooks and the ad-hoc command (which adds its own). */
export const RUN_OPTIONS = {
  inventory: { type: 'string', short: 'i', multiple: true },
  check: { type: 'boolean', short: 'C' },
  diff: { type: 'boolean', short: 'D' },
  limit: { type: 'string', short: 'l' },
  'extra-vars': { type: 'string', short: 'e', multiple: true },
  forks: { type: 'string', short: 'f' },
  json: { type: 'boolean' },
  'known-hosts': { type: 'string' },
  'accept-new-host-keys': { type: 'boolean' },
  'connect-timeout': { type: 'string' },
  'connect-retries': { type: 'string' },
  'no-host-lock': { type: 'boolean' },
  'host-lock-wait': { type: 'string' },
  'list-hosts': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...OUTPUT_OPTIONS,
  'ssh-config': { type: 'string', short: 'F' },
  ...VAULT_OPTIONS,
} as const;

const OPTIONS = {
  ...RUN_OPTIONS,
  tags: { type: 'string', short: 't', multiple: true },
  'skip-tags': { type: 'string', multiple: true },
  'list-tasks': { type: 'boolean' },
  ...PLAN_OPTIONS,
} as const;

/** Usage text of a playbook's command line. */
export function usage(name = 'playbook.ts'): string {
  return `Usage: node ${name} -i INVENTORY [options]

  -i, --inventory FILE      inventory file (Ansible YAML/INI or JSON); repeat to merge several
  -C, --check               probe and plan only: change nothing, report what would change
  -D, --diff                show file diffs and before → after for every change
  -l, --limit PATTERN       only hosts matching PATTERN (all, group, host, a:b, a:&b, a:!b, ~re, @file)
  -e, --extra-vars VARS     key=value, JSON, or @file.yml / @file.json; repeatable, highest precedence
  -f, --forks N             hosts worked on at once (default 20)
  -t, --tags T              only tasks with these tags (comma-separated, repeatable)
      --skip-tags T         skip tasks with these tags
      --json                one JSON event per line on stdout instead of the console output
      --known-hosts FILE    known_hosts for strict host key checking (default ~/.ssh/known_hosts)
      --accept-new-host-keys  trust and record keys of hosts not yet known (changed keys are still refused)
      --connect-timeout S   SSH connect timeout in seconds (default 10)
      --connect-retries N   further attempts, with backoff from 1 s, when a connection cannot be opened (default 2)
      --host-lock-wait S    wait at most S seconds for another run's lock on a host, then fail it (default 30)
      --no-host-lock        do not take the per-host run lock
      --list-hosts          list the hosts each play would run on, without connecting
      --list-tasks          list the tasks of each play, without connecting
${OUTPUT_USAGE}
${PLAN_USAGE}
  -F, --ssh-config FILE     OpenSSH client config (default ~/.ssh/config): HostName, User, Port, IdentityFile, ProxyJump...
${VAULT_USAGE}
  -h, --help                this help

Exit codes: 0 ok, 2 a task failed, 4 a host was unreachable, 5 bad options or input,
130/143 interrupted by SIGINT/SIGTERM (a second signal exits at once),
${EXIT_PENDING_CHANGES} (with --detailed-exitcode) not converged: changes pending or made,
${EXIT_PLAN_DRIFT} (with --apply-plan) refused: hosts or inputs drifted from the saved plan, nothing changed.`;
}

/** `--forks` and `--connect-timeout` checked and converted, or the error message. Shared with the ad-hoc command. */
export function numericOptions(values: { forks?: string; 'connect-timeout'?: string; 'connect-retries'?: string; 'host-lock-wait'?: string }): { forks?: number; connectTimeoutMs?: number; connectRetries?: number; hostLockWaitMs?: number } | string {
  const out: { forks?: number; connectTimeoutMs?: number; connectRetries?: number; hostLockWaitMs?: number } = {};
  if (values['connect-retries'] !== undefined) {
    out.connectRetries = Number(values['connect-retries']);
    if (!Number.isInteger(out.connectRetries) || out.connectRetries < 0) return `--connect-retries must be a whole number of further attempts (0 or more), got "${values['connect-retries']}"`;
  }
  if (values['host-lock-wait'] !== undefined) {
    const s = Number(values['host-lock-wait']);
    if (!(s >= 0) || values['host-lock-wait'].trim() === '') return `--host-lock-wait must be a number of seconds (0 or more), got "${values['host-lock-wait']}"`;
    out.hostLockWaitMs = s * 1000;
  }
  if (values.forks !== undefined) {
    out.forks = Number(values.forks);
    if (!Number.isInteger(out.forks) || out.forks < 1) return `--forks must be a positive integer, got "${values.forks}"`;
  }
  if (values['connect-timeout'] !== undefined) {
    const s = Number(values['connect-timeout']);
    if (!(s > 0)) return `--connect-timeout must be a positive number of seconds, got "${values['connect-timeout']}"`;
    out.connectTimeoutMs = s * 1000;
  }
  return out;
}

/** A reporter of bad input: prints `ERROR: ...` on `err` and returns {@link EXIT_BAD_INPUT}. */
export function badInput(err: NodeJS.WritableStream): (text: string) => number {
  return (text) => {
    err.write(`ERROR: ${text}\n`);
    return EXIT_BAD_INPUT;
  };
}

/**
 * An argument the command line must refuse: not valid UTF-8 (Node has already replaced the bad bytes by
 * U+FFFD, so using it would write under another name) or holding a NUL byte. Undefined when all are fine.
 */
export function argvProblem(argv: readonly string[]): string | undefined {
  for (const [i, arg] of argv.entries()) {
    const shown = JSON.stringify(arg.length > 60 ? arg.slice(0, 60) + '...' : arg);
    if (arg.includes('\uFFFD')) return `argument ${i + 1} (${shown}) is not valid UTF-8: hostwright does not guess an encoding; give names and values in UTF-8`;
    if (arg.includes('\0')) return `argument ${i + 1} (${shown}) contains a NUL byte`;
  }
  return undefined;
}

/** The run options every command line maps the same way (check, diff, limit, SSH settings). */
export function sharedRunOptions(values: Record<string, any>): Pick<RunPlaybookOptions, 'check' | 'diff' | 'limit' | 'knownHostsFile' | 'acceptNewHostKeys' | 'hostLock' | 'sshConfigFile'> {
  return { check: values.check, diff: values.diff, limit: values.limit, knownHostsFile: values['known-hosts'], acceptNewHostKeys: values['accept-new-host-keys'], ...(values['no-host-lock'] ? { hostLock: false } : {}), sshConfigFile: values['ssh-config'] };
}

const splitList = (values: string[] | undefined) => (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);

/**
 * Parse argv, run the playbook, print, and return the exit code (never calls process.exit). `source` is
 * the playbook's module file, fingerprinted (with what it imports) by saved plans.
 */
export async function runCli(playbook: Playbook, argv: string[] = process.argv.slice(2), out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr, source?: string): Promise<number> {
  const say = (text: string) => out.write(text + '\n');
  const fail = badInput(err);
  const badArg = argvProblem(argv);
  if (badArg) return fail(badArg);
  let values: Record<string, any>;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    const valid = Object.entries(OPTIONS).map(([k, o]) => ('short' in o ? `-${o.short}/--${k}` : `--${k}`)).join(', ');
    return fail(`${(error as Error).message.split('\n')[0]}\nValid options: ${valid}\nSee --help.`);
  }
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
    return fail(`no inventory given. Pass one with -i, for example:\n  node playbooks/cluster.ts -i inventory/cluster.yml\nhostwright never guesses host addresses.`);
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
    const view = inventoryView(inventory);
    let limited: Set<string> | undefined;
    try {
      limited = values.limit ? new Set(view.select(values.limit)) : undefined;
      // A malformed play pattern is bad input here too, before anything is printed.
      for (const play of playbook.plays) view.select(play.hosts);
    } catch (error) {
      if (error instanceof HostwrightError) return fail(error.message);
      throw error;
    }
    say(`\nplaybook: ${playbook.name}`);
    playbook.plays.forEach((play, i) => {
      const hosts = view.select(play.hosts).filter((h) => !limited || limited.has(h));
      say(`\n  play #${i + 1} (${play.hosts}): ${play.name}\tTAGS: []`);
      if (values['list-hosts']) {
        say(`    pattern: ['${play.hosts}']`);
        say(`    hosts (${hosts.length}):`);
        for (const h of hosts) say(`      ${h}`);
      }
      if (values['list-tasks']) {
        say('    tasks:');
        for (const step of playSteps(play, tags, skipTags)) {
          if (step.kind !== 'task') continue;
          const t = step.task;
          const args = typeof t.args === 'function' ? undefined : t.args;
          const idem = args === undefined || !t.type.idempotent || t.type.idempotent(args) ? '' : '\t(not idempotent: always reports changed)';
          say(`      ${step.role ? `${step.role.name} : ` : ''}${taskLabel(t)}\tTAGS: [${(t.options.tags ?? []).join(', ')}]${idem}`);
        }
      }
    });
    return 0;
  }
  const listeners = [values.json ? jsonReporter(out) : consoleReporter({ stream: out as any }), ...outputs.listeners];
  if (values['save-plan'] !== undefined || values['apply-plan'] !== undefined) {
    const options = { ...sharedRunOptions(values), inventory, extraVars, forks, tags, skipTags, connectTimeoutMs, connectRetries, hostLockWaitMs, vault, connectionDefaults: cfg.connectionDefaults };
    try {
      return await planMode({ playbook, source, values, inventory, options, display: listeners[0], extra: outputs.listeners, exitCode: outputs.exitCode, out, err, fail });
    } catch (error) {
      if (error instanceof HostwrightError) return fail(error.message);
      throw error;
    }
  }
  let result;
  const controller = new AbortController();
  const release = abortOnSignals(controller, err);
  try {
    result = await run(playbook, {
      ...sharedRunOptions(values),
      inventory,
      extraVars,
      forks,
      tags,
      skipTags,
      connectTimeoutMs,
      connectRetries,
      hostLockWaitMs,
      listeners,
      vault,
      connectionDefaults: cfg.connectionDefaults,
      signal: controller.signal,
    });
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
  const code = await runCli(playbook, undefined, undefined, undefined, fileURLToPath(moduleUrl));
  process.exitCode = code;
}
