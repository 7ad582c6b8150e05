/**
 * The `hostwright` command: dispatch to an ad-hoc run, `run`, `inventory`, `completion`, `--version`.
 * The first word decides: a subcommand name, else the whole command line is an ad-hoc run (a group
 * named like a subcommand can still be targeted by putting an option first: `hostwright -i inv run`).
 */
import { EXIT_BAD_INPUT, argvProblem } from '../cli.ts';
import { completionScript, COMPLETION_SHELLS } from '../completion/index.ts';
import { adhocMain, adhocUsage } from './cli.ts';
import { inventoryMain } from './inventory-cli.ts';
import { runPlaybookMain } from './run-cli.ts';
import { packageVersion } from '../core/version.ts';
import { reportMain } from './report-cli.ts';
import { applyMain, planMain } from './plan-cli.ts';
import { vaultMain } from '../vault/vault-command.ts';
import { findAnsibleConfig } from '../config/ansible-cfg.ts';

/** Run the `hostwright` command line; print to `out`/`err`; return the exit code. */
export async function hostwrightMain(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const badArg = argvProblem(argv);
  if (badArg) {
    err.write(`ERROR: ${badArg}\n`);
    return EXIT_BAD_INPUT;
  }
  const [first, ...rest] = argv;
  switch (first) {
    case undefined:
      err.write(adhocUsage() + '\n');
      return EXIT_BAD_INPUT;
    case '--version':
    case '-V':
      out.write(`hostwright ${packageVersion()} (node ${process.versions.node})\n  config file = ${findAnsibleConfig()?.file ?? 'None'}\n`);
      return 0;
    case '--help':
    case '-h':
    case 'help':
      out.write(adhocUsage() + '\n');
      return 0;
    case 'run':
      return runPlaybookMain(rest, out, err);
    case 'inventory':
      return inventoryMain(rest, out, err);
    case 'report':
      return reportMain(rest, out, err);
    case 'plan':
      return planMain(rest, out, err);
    case 'apply':
      return applyMain(rest, out, err);
    case 'vault':
      return vaultMain(rest, out, err);
    case 'completion': {
      const script = rest.length === 1 ? completionScript(rest[0]) : undefined;
      if (script === undefined) {
        err.write(`ERROR: usage: hostwright completion ${COMPLETION_SHELLS.join('|')}\n`);
        return EXIT_BAD_INPUT;
      }
      out.write(script);
      return 0;
    }
    default:
      return adhocMain(argv, out, err);
  }
}
