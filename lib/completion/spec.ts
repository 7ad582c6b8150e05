/**
 * What the completion scripts complete, taken from the commands themselves so they cannot drift: the
 * ad-hoc, inventory and playbook options (with the help text of each), the modules and their arguments.
 */
import { usage as playbookUsage } from '../cli.ts';
import { ADHOC_OPTIONS, adhocUsage } from '../adhoc/cli.ts';
import { INVENTORY_OPTIONS } from '../adhoc/inventory-cli.ts';
import { MODULE_ALIASES, MODULES, moduleArgNames } from '../adhoc/modules.ts';

/** One command-line option. */
export interface OptionSpec {
  long: string;
  short?: string;
  /** Takes a value. */
  value: boolean;
  /** May be repeated. */
  multiple: boolean;
  /** What the value is: completes files, a module, module arguments, or anything. */
  complete: 'file' | 'module' | 'args' | 'none';
  help: string;
}

/** Everything the completion scripts offer. */
export interface CompletionSpec {
  subcommands: { name: string; help: string }[];
  adhoc: OptionSpec[];
  inventory: OptionSpec[];
  playbook: OptionSpec[];
  modules: { name: string; help: string; args: string[] }[];
}

type Options = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/** Help text per long option, read from a usage text (`  -i, --inventory FILE   text`). */
export function helpByOption(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s+(?:-\w, )?--([\w-]+)(?: [A-Z][A-Z.]*(?: \[[A-Z]+\])?)?\s+(\S.*)$/.exec(line);
    if (m) map.set(m[1], m[2].trim());
  }
  return map;
}

const FILE_OPTIONS = new Set(['inventory', 'known-hosts', 'report', 'save-plan', 'apply-plan', 'vault-password-file', 'vault-pass-file']);

function options(defs: Options, help: Map<string, string>): OptionSpec[] {
  return Object.entries(defs).map(([long, o]) => ({
    long,
    ...(o.short ? { short: o.short } : {}),
    value: o.type === 'string',
    multiple: Boolean(o.multiple),
    complete: FILE_OPTIONS.has(long) ? 'file' : long === 'module' ? 'module' : long === 'args' ? 'args' : 'none',
    help: help.get(long) ?? long,
  }));
}

// The playbook command line's options, read from its usage text (cli.ts keeps its option table private).
function playbookOptions(): OptionSpec[] {
  const text = playbookUsage('PLAYBOOK.ts');
  const out: OptionSpec[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s+(?:-(\w), )?--([\w-]+)( [A-Z][A-Z.]*)?\s+(\S.*)$/.exec(line);
    if (!m) continue;
    const long = m[2];
    out.push({ long, ...(m[1] ? { short: m[1] } : {}), value: Boolean(m[3]), multiple: /repeat/.test(m[4]), complete: FILE_OPTIONS.has(long) ? 'file' : 'none', help: m[4].trim() });
  }
  return out;
}

/** The completion spec of this version of hostwright. */
export function completionSpec(): CompletionSpec {
  const inventoryHelp = new Map([
    ['inventory', 'inventory file'],
    ['list', 'every group and host variables as JSON'],
    ['graph', 'the group tree'],
    ['host', 'the variables of one host'],
    ['help', 'help'],
  ]);
  const modules = [...MODULES.entries()].map(([name, m]) => ({ name, help: m.type.description, args: moduleArgNames(m) }));
  for (const [alias, target] of Object.entries(MODULE_ALIASES)) {
    const m = MODULES.get(target)!;
    modules.push({ name: alias, help: `= ${target}: ${m.type.description}`, args: moduleArgNames(m) });
  }
  return {
    subcommands: [
      { name: 'run', help: 'run a playbook file (its default export)' },
      { name: 'inventory', help: 'show an inventory like ansible-inventory' },
      { name: 'completion', help: 'print a bash or zsh completion script' },
      { name: 'report', help: 'HTML report of a run saved with --json' },
      { name: 'plan', help: 'plan show FILE: print a saved plan' },
      { name: 'apply', help: 'apply a saved plan exactly, or refuse on drift' },
    ],
    adhoc: [...options(ADHOC_OPTIONS as Options, helpByOption(adhocUsage())), { long: 'version', value: false, multiple: false, complete: 'none', help: 'print the version' }],
    inventory: options(INVENTORY_OPTIONS as Options, inventoryHelp),
    playbook: playbookOptions(),
    modules,
  };
}
