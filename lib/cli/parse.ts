/**
 * Parsing a command line against the option table (options.ts): typed values and positionals, or the
 * message for bad input (exit 5), which names the bad argument, lists the valid options and points at
 * `--help`.
 */
import { parseArgs } from 'node:util';
import { COMMANDS, OPTIONS, commandOptions, type CommandName, type CommandValues } from './options.ts';

/** Exit code for bad command-line input, a bad inventory or bad variables (as Ansible's 5). */
export const EXIT_BAD_INPUT = 5;

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
    if (arg.includes('\uFFFD'))
      return `argument ${i + 1} (${shown}) is not valid UTF-8: hostwright does not guess an encoding; give names and values in UTF-8`;
    if (arg.includes('\0')) return `argument ${i + 1} (${shown}) contains a NUL byte`;
  }
  return undefined;
}

/** A command line read against the table. */
export interface ParsedCommandLine<C extends CommandName> {
  values: CommandValues<C>;
  positionals: string[];
}

/** The `-x/--long` list of a command's options, for the "Valid options" line of an error. */
export function validOptionsList(command: CommandName): string {
  return commandOptions(command)
    .map((o) => (o.short ? `-${o.short}/--${o.long}` : `--${o.long}`))
    .join(', ');
}

/** Options of {@link parseCommandLine}. */
export interface ParseOptions {
  /** How the user asks for this command's help, before `--help` (`hostwright inventory`). */
  helpCommand?: string;
  /** Accept positional arguments (default: when the command takes some). */
  positionals?: boolean;
}

/**
 * Parse `argv` as `command` takes it. Returns the typed values and positionals, or (unknown option, a
 * missing value, a positional the command does not take) the error message to print with exit 5.
 */
export function parseCommandLine<C extends CommandName>(
  command: C,
  argv: string[],
  how: ParseOptions = {},
): ParsedCommandLine<C> | { error: string } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const long of COMMANDS[command].options) {
    const o = OPTIONS[long] as { short?: string; value?: string; repeatable?: boolean };
    options[long] = { type: o.value ? 'string' : 'boolean', ...(o.short ? { short: o.short } : {}), ...(o.repeatable ? { multiple: true } : {}) };
  }
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options,
      strict: true,
      allowPositionals: how.positionals ?? 'positional' in COMMANDS[command],
    });
    return { values: values as CommandValues<C>, positionals };
  } catch (error) {
    const first = (error as Error).message.split('\n')[0];
    return { error: `${first}\nValid options: ${validOptionsList(command)}\nSee ${how.helpCommand ? `${how.helpCommand} ` : ''}--help.` };
  }
}
