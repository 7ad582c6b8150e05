/**
 * The `hostwright` command: dispatch to an ad-hoc run or a subcommand of the option table (`run`,
 * `inventory`, `report`, `plan`, `apply`, `vault`, `completion`), or print the version or the help.
 * The first word decides: a subcommand's word, else the whole command line is an ad-hoc run (a group
 * named like a subcommand can still be targeted by putting an option first: `hostwright -i inv run`).
 */
import { completionScript, COMPLETION_SHELLS } from './completion.ts';
import { adhocMain } from './adhoc-command.ts';
import { adhocUsage } from './help.ts';
import { inventoryMain } from './inventory-command.ts';
import { runPlaybookMain } from './run-command.ts';
import { packageVersion } from '../core/version.ts';
import { reportMain } from './report-command.ts';
import { applyMain, planMain } from './plan-command.ts';
import { vaultMain } from './vault-command.ts';
import { findAnsibleConfig } from '../config/ansible-cfg.ts';
import { EXIT_BAD_INPUT, argvProblem } from './parse.ts';
import { OPTIONS, subcommands, type CommandName } from './options.ts';

type Main = (argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream) => Promise<number>;

/** `hostwright completion bash|zsh`. */
async function completionMain(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const script = argv.length === 1 ? completionScript(argv[0]) : undefined;
  if (script === undefined) {
    err.write(`ERROR: usage: hostwright completion ${COMPLETION_SHELLS.join('|')}\n`);
    return EXIT_BAD_INPUT;
  }
  out.write(script);
  return 0;
}

/** What runs each subcommand of the table. */
const MAINS: Record<Exclude<CommandName, 'adhoc' | 'hostwright'>, Main> = {
  playbook: runPlaybookMain,
  inventory: inventoryMain,
  report: reportMain,
  plan: planMain,
  apply: applyMain,
  vault: vaultMain,
  completion: completionMain,
};

/** Run the `hostwright` command line; print to `out`/`err`; return the exit code. */
export async function hostwrightMain(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const badArg = argvProblem(argv);
  if (badArg) {
    err.write(`ERROR: ${badArg}\n`);
    return EXIT_BAD_INPUT;
  }
  const [first, ...rest] = argv;
  if (first === undefined) {
    err.write(adhocUsage() + '\n');
    return EXIT_BAD_INPUT;
  }
  if (first === '--version' || first === `-${OPTIONS.version.short}`) {
    out.write(`hostwright ${packageVersion()} (node ${process.versions.node})\n  config file = ${findAnsibleConfig()?.file ?? 'None'}\n`);
    return 0;
  }
  if (first === '--help' || first === `-${OPTIONS.help.short}` || first === 'help') {
    out.write(adhocUsage() + '\n');
    return 0;
  }
  const sub = subcommands().find((s) => s.word === first);
  if (sub) return MAINS[sub.name as keyof typeof MAINS](rest, out, err);
  return adhocMain(argv, out, err);
}
