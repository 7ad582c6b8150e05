/**
 * The one table of the command line: every option (name, alias, value, repeatable, help, what completes
 * it) and every command with the options it takes. Argument parsing (parse.ts), `--help` (help.ts), the
 * bash and zsh completion scripts (completion-*.ts) and the README's option list
 * (scripts/readme-options.ts) are all produced from it, so none of them can drift from the others.
 * `node playbooks/X.ts` and `hostwright run X.ts` are the same `playbook` command.
 */
import { EXIT_PLAN_DRIFT } from '../plan/run-plan.ts';

/** What completes an option's value or a positional argument in the shell. */
export type CompletionKind =
  /** Any file (inventories, key files, reports, plans). */
  | 'file'
  /** A playbook module file (`*.ts`, `*.js`, `*.mjs`). */
  | 'playbook'
  /** An ad-hoc module name (`-m`). */
  | 'module'
  /** The chosen module's `key=` words (`-a`). */
  | 'module-args'
  /** A host pattern: nothing to offer, the shell shows what is expected. */
  | 'host-pattern'
  /** Free text: nothing to offer. */
  | 'none';

/** One command-line option. */
export interface OptionDef {
  /** One-letter alias (`-i` for `--inventory`). */
  readonly short?: string;
  /** The value's name in the help (`FILE`, `N`); absent for a flag, which takes no value. */
  readonly value?: string;
  /** May be given more than once; the values are kept in order. */
  readonly repeatable?: boolean;
  /** One line of help. */
  readonly help: string;
  /** What completes the value (default `none`). */
  readonly complete?: CompletionKind;
  /** Accepted and completed but left out of `--help` (an alias spelling Ansible also accepts). */
  readonly hidden?: boolean;
}

/** Every option of every command, by long name. Help lines appear in the order a command lists them. */
export const OPTIONS = {
  inventory: {
    short: 'i',
    value: 'FILE',
    repeatable: true,
    complete: 'file',
    help: 'inventory file (Ansible YAML/INI or JSON); repeat to merge several',
  },
  module: { short: 'm', value: 'NAME', complete: 'module', help: 'the module to run (default command); Ansible module names are accepted too' },
  args: {
    short: 'a',
    value: 'ARGS',
    complete: 'module-args',
    help: 'key=value words (shell quoting; comma lists; yes/no), JSON (\'{"name":["a","b"]}\'), or for command/shell the command itself',
  },
  check: { short: 'C', help: 'probe and plan only: change nothing, report what would change' },
  diff: { short: 'D', help: 'show file diffs and before → after for every change' },
  become: { short: 'b', help: 'run through sudo as root' },
  'become-user': { value: 'USER', help: 'sudo to USER instead of root (implies --become)' },
  limit: {
    short: 'l',
    value: 'PATTERN',
    complete: 'host-pattern',
    help: 'only hosts matching PATTERN (all, group, host, a:b, a:&b, a:!b, ~re, @file)',
  },
  'extra-vars': { short: 'e', value: 'VARS', repeatable: true, help: 'key=value, JSON, or @file.yml / @file.json; repeatable, highest precedence' },
  forks: { short: 'f', value: 'N', help: 'hosts worked on at once (default 20)' },
  tags: { short: 't', value: 'T', repeatable: true, help: 'only tasks with these tags (comma-separated, repeatable)' },
  'skip-tags': { value: 'T', repeatable: true, help: 'skip tasks with these tags' },
  json: { help: 'one JSON event per line on stdout instead of the console output (ad-hoc: host results carry rc, stdout, stderr)' },
  'known-hosts': { value: 'FILE', complete: 'file', help: 'known_hosts for strict host key checking (default ~/.ssh/known_hosts)' },
  'accept-new-host-keys': { help: 'trust and record keys of hosts not yet known (changed keys are still refused)' },
  'connect-timeout': { value: 'S', help: 'SSH connect timeout in seconds (default 10)' },
  'connect-retries': { value: 'N', help: 'further attempts, with backoff from 1 s, when a connection cannot be opened (default 2)' },
  'host-lock-wait': { value: 'S', help: "wait at most S seconds for another run's lock on a host, then fail it (default 30)" },
  'no-host-lock': { help: 'do not take the per-host run lock' },
  'list-hosts': { help: 'list the hosts each play would run on, without connecting' },
  'list-tasks': { help: 'list the tasks of each play, without connecting' },
  verbose: { short: 'v', repeatable: true, help: 'more detail; -vv with --check: the exact steps (commands, uploads) each change would run' },
  report: { value: 'FILE.html', complete: 'file', help: 'also write a self-contained HTML report of the run (timeline, diffs, failures)' },
  'detailed-exitcode': { help: 'exit 3 when hosts are not converged (a check found changes, or a run made some)' },
  'save-plan': { value: 'FILE', complete: 'file', help: 'with --check: save the plan (per host and task, with fingerprints) as JSON' },
  'apply-plan': {
    value: 'FILE',
    complete: 'file',
    help: `apply a saved plan exactly, or refuse (exit ${EXIT_PLAN_DRIFT}) when anything drifted since`,
  },
  'ssh-config': {
    short: 'F',
    value: 'FILE',
    complete: 'file',
    help: 'OpenSSH client config (default ~/.ssh/config): HostName, User, Port, IdentityFile, ProxyJump...',
  },
  'vault-id': {
    value: '[LABEL@]SOURCE',
    repeatable: true,
    complete: 'file',
    help: 'a vault password: a file, an executable printing it, or "prompt"; repeatable',
  },
  'vault-password-file': { value: 'FILE', repeatable: true, complete: 'file', help: 'vault password file (or executable); repeatable' },
  'vault-pass-file': { value: 'FILE', repeatable: true, complete: 'file', hidden: true, help: 'the same as --vault-password-file' },
  'ask-vault-pass': { short: 'J', help: 'ask for the vault password on the terminal' },
  list: { help: 'every group and the merged variables of every host (ansible-inventory --list)' },
  graph: { help: 'the group tree from GROUP (default all)' },
  host: { value: 'NAME', help: 'the merged variables of one host' },
  output: {
    short: 'o',
    value: 'FILE',
    complete: 'file',
    help: 'where the command writes (report: the HTML file; vault decrypt/encrypt: one input file only, - for stdout)',
  },
  title: { value: 'TEXT', help: "the report's title" },
  'encrypt-vault-id': { value: 'ID', help: 'the vault id to encrypt with (default: the first given); not "default" writes format 1.2' },
  name: { short: 'n', value: 'NAME', repeatable: true, help: 'variable name for encrypt-string (repeat once per STRING)' },
  'stdin-name': { value: 'NAME', help: 'variable name for the string read from stdin' },
  version: { short: 'V', help: 'print the version and the ansible.cfg in use' },
  help: { short: 'h', help: 'this help' },
} as const satisfies Record<string, OptionDef>;

/** The long name of an option of the table. */
export type OptionName = keyof typeof OPTIONS;

/** A command of the `hostwright` program (and `playbook`: `node PLAYBOOK.ts`, the same as `hostwright run`). */
export interface CommandDef {
  /** The word after `hostwright` (absent for the ad-hoc run, the default). */
  readonly word?: string;
  /** What it does, in a few words (subcommand lists, completion). */
  readonly summary: string;
  /** Its arguments after `hostwright` (`inventory -i INVENTORY --list | ...`), for the usage lines. */
  readonly synopsis: string;
  /** The options it takes, in the order `--help` shows them. */
  readonly options: readonly OptionName[];
  /** What completes its positional arguments; absent when it takes none. */
  readonly positional?: CompletionKind;
  /** The words its first positional argument is one of (`completion bash|zsh`, `plan show`). */
  readonly words?: readonly string[];
}

/** The vault password options (every command that reads vaulted data). */
export const VAULT_OPTION_NAMES = ['vault-id', 'vault-password-file', 'vault-pass-file', 'ask-vault-pass'] as const satisfies readonly OptionName[];

/** The SSH connection and run-lock options (every command that connects to hosts). */
export const CONNECTION_OPTION_NAMES = [
  'known-hosts',
  'accept-new-host-keys',
  'connect-timeout',
  'connect-retries',
  'host-lock-wait',
  'no-host-lock',
] as const satisfies readonly OptionName[];

/** The commands, by name. */
export const COMMANDS = {
  playbook: {
    word: 'run',
    summary: 'run a playbook file (its default export)',
    synopsis: 'run PLAYBOOK.ts [playbook options]',
    positional: 'playbook',
    options: [
      'inventory',
      'check',
      'diff',
      'limit',
      'extra-vars',
      'forks',
      'tags',
      'skip-tags',
      'json',
      ...CONNECTION_OPTION_NAMES,
      'list-hosts',
      'list-tasks',
      'verbose',
      'report',
      'detailed-exitcode',
      'save-plan',
      'apply-plan',
      'ssh-config',
      ...VAULT_OPTION_NAMES,
      'help',
    ],
  },
  adhoc: {
    summary: 'one task on the hosts matching a pattern',
    synopsis: 'PATTERN -i INVENTORY [-m MODULE] [-a ARGS] [options]',
    positional: 'host-pattern',
    options: [
      'inventory',
      'module',
      'args',
      'check',
      'diff',
      'become',
      'become-user',
      'limit',
      'extra-vars',
      'forks',
      'json',
      ...CONNECTION_OPTION_NAMES,
      'list-hosts',
      'report',
      'detailed-exitcode',
      'ssh-config',
      ...VAULT_OPTION_NAMES,
      'help',
    ],
  },
  inventory: {
    word: 'inventory',
    summary: 'show an inventory like ansible-inventory',
    synopsis: 'inventory -i INVENTORY --list | --graph [GROUP] | --host NAME',
    positional: 'none',
    options: ['inventory', 'list', 'graph', 'host', ...VAULT_OPTION_NAMES, 'help'],
  },
  report: {
    word: 'report',
    summary: 'HTML report of a run saved with --json',
    synopsis: 'report EVENTS.ndjson -o FILE.html [--title TEXT]',
    positional: 'file',
    options: ['output', 'title', 'help'],
  },
  plan: {
    word: 'plan',
    summary: 'print a plan saved by --check --save-plan',
    synopsis: 'plan show PLAN.json [--json]',
    positional: 'file',
    words: ['show'],
    options: ['json', 'help'],
  },
  apply: {
    word: 'apply',
    summary: 'apply a saved plan exactly, or refuse on drift',
    synopsis: 'apply PLAN.json [options]',
    positional: 'file',
    // The rest is the playbook's command line, run with the plan's playbook.
    options: [
      'diff',
      'json',
      'forks',
      ...CONNECTION_OPTION_NAMES,
      'extra-vars',
      'report',
      'detailed-exitcode',
      'ssh-config',
      ...VAULT_OPTION_NAMES,
      'help',
    ],
  },
  vault: {
    word: 'vault',
    summary: 'ansible-vault files and strings',
    synopsis: 'vault view|decrypt|encrypt|encrypt-string ...',
    positional: 'file',
    words: ['view', 'decrypt', 'encrypt', 'encrypt-string'],
    options: [...VAULT_OPTION_NAMES, 'encrypt-vault-id', 'output', 'name', 'stdin-name', 'help'],
  },
  completion: {
    word: 'completion',
    summary: 'print a bash or zsh completion script',
    synopsis: 'completion bash|zsh',
    positional: 'none',
    words: ['bash', 'zsh'],
    options: [],
  },
  hostwright: {
    summary: 'the program itself',
    synopsis: '--version | --help',
    options: ['version', 'help'],
  },
} as const satisfies Record<string, CommandDef>;

/** The name of a command of the table. */
export type CommandName = keyof typeof COMMANDS;

/** The parsed value of an option: a string (or strings, when repeatable) for a valued option, else a flag. */
type ValueOf<O> = O extends { value: string } ? (O extends { repeatable: true } ? string[] : string) : boolean;

/** Parsed values of the options named `N` (absent when not given). */
export type OptionValues<N extends OptionName> = { [K in N]?: ValueOf<(typeof OPTIONS)[K]> };

/** Parsed values of a command's options. */
export type CommandValues<C extends CommandName> = OptionValues<(typeof COMMANDS)[C]['options'][number]>;

/** The option definitions of a command, in its order, with their long names. */
export function commandOptions(command: CommandName): ({ long: OptionName } & OptionDef)[] {
  return (COMMANDS[command].options as readonly OptionName[]).map((long) => ({ long, ...(OPTIONS[long] as OptionDef) }));
}

/** The subcommands (`hostwright WORD ...`), in the table's order. */
export function subcommands(): { name: CommandName; word: string; def: CommandDef }[] {
  return Object.entries(COMMANDS as Record<CommandName, CommandDef>).flatMap(([name, def]) =>
    def.word ? [{ name: name as CommandName, word: def.word, def }] : [],
  );
}
