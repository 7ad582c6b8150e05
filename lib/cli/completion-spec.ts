/**
 * What the completion scripts complete, taken from the option table (options.ts) so they cannot drift:
 * every command with its options (and the help of each), the ad-hoc modules and their arguments.
 */
import { MODULE_ALIASES, MODULES, moduleArgNames } from '../adhoc/modules.ts';
import { commandOptions, subcommands, type CommandName, type CompletionKind } from './options.ts';

/** One command-line option, as the completion scripts see it. */
export interface OptionSpec {
  long: string;
  short?: string;
  /** Takes a value. */
  value: boolean;
  /** May be repeated. */
  multiple: boolean;
  /** What completes the value. */
  complete: CompletionKind;
  help: string;
}

/** A subcommand (`hostwright WORD ...`) with its options. */
export interface SubcommandSpec {
  word: string;
  help: string;
  /** What completes its positional arguments (absent: none). */
  positional?: CompletionKind;
  /** The words its first positional argument is one of. */
  words?: readonly string[];
  options: OptionSpec[];
}

/** Everything the completion scripts offer. */
export interface CompletionSpec {
  subcommands: SubcommandSpec[];
  /** The options of an ad-hoc run (with the program's own, `--version` and `--help`). */
  adhoc: OptionSpec[];
  modules: { name: string; help: string; args: string[] }[];
}

/** The options of `command` as the completion scripts see them (hidden ones too: they are accepted). */
export function optionSpecs(command: CommandName): OptionSpec[] {
  return commandOptions(command).map((o) => ({
    long: o.long,
    ...(o.short ? { short: o.short } : {}),
    value: o.value !== undefined,
    multiple: Boolean(o.repeatable),
    complete: o.complete ?? 'none',
    help: o.help,
  }));
}

/** The completion spec of this version of hostwright. */
export function completionSpec(): CompletionSpec {
  const modules = [...MODULES.entries()].map(([name, m]) => ({ name, help: m.type.description, args: moduleArgNames(m) }));
  for (const [alias, target] of Object.entries(MODULE_ALIASES)) {
    const m = MODULES.get(target)!;
    modules.push({ name: alias, help: `= ${target}: ${m.type.description}`, args: moduleArgNames(m) });
  }
  const adhoc = optionSpecs('adhoc');
  const own = optionSpecs('hostwright').filter((o) => !adhoc.some((a) => a.long === o.long));
  return {
    subcommands: subcommands().map(({ name, word, def }) => ({
      word,
      help: def.summary,
      ...(def.positional ? { positional: def.positional } : {}),
      ...(def.words ? { words: def.words } : {}),
      options: optionSpecs(name),
    })),
    adhoc: [...adhoc, ...own],
    modules,
  };
}
