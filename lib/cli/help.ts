/**
 * `--help` of every command, written from the option table (options.ts): the option lines are the
 * table's, so help, parsing and completion name the same options with the same words.
 */
import { MODULE_ALIASES, MODULES } from '../adhoc/modules.ts';
import { EXIT_PLAN_DRIFT } from '../plan/run-plan.ts';
import { EXIT_PENDING_CHANGES } from '../report/exit-code.ts';
import { COMMANDS, commandOptions, subcommands, type CommandName, type OptionDef, type OptionName } from './options.ts';

/** Column where an option's help starts (as in Ansible's and most tools' help). */
const HELP_COLUMN = 28;

/** The left part of an option's help line: `-i, --inventory FILE`. */
export function optionSynopsis(long: OptionName, o: OptionDef): string {
  return `${o.short ? `-${o.short}, ` : '    '}--${long}${o.value ? ` ${o.value}` : ''}`;
}

/** The help lines of a command's options (hidden ones left out), one per option. */
export function optionLines(command: CommandName): string {
  return commandOptions(command)
    .filter((o) => !o.hidden)
    .map((o) => {
      const left = `  ${optionSynopsis(o.long, o)}`;
      return `${left}${' '.repeat(Math.max(2, HELP_COLUMN - left.length))}${o.help}`;
    })
    .join('\n');
}

/** The exit codes of a run, as every run's help lists them. */
export function exitCodesText(withPlans: boolean): string {
  return `Exit codes: 0 ok, 2 a task failed, 4 a host was unreachable, 5 bad options or input,
130/143 interrupted by SIGINT/SIGTERM (a second signal exits at once),
${EXIT_PENDING_CHANGES} (with --detailed-exitcode) not converged: changes pending or made${withPlans ? `,\n${EXIT_PLAN_DRIFT} (with --apply-plan) refused: hosts or inputs drifted from the saved plan, nothing changed.` : '.'}`;
}

/** Usage text of a playbook's command line (`node NAME -i INVENTORY [options]`). */
export function usage(name = 'playbook.ts'): string {
  return `Usage: node ${name} -i INVENTORY [options]\n\n${optionLines('playbook')}\n\n${exitCodesText(true)}`;
}

/** Usage text of `hostwright run PLAYBOOK.ts`: the playbook's command line, with how the file is found. */
export function runUsage(): string {
  return `Usage: hostwright run PLAYBOOK.ts [options]

PLAYBOOK.ts (or .js) must export its playbook as the default export:
  export default definePlaybook({ ... })

${usage('PLAYBOOK.ts').replace(/^Usage: node PLAYBOOK\.ts/, 'Usage: hostwright run PLAYBOOK.ts')}`;
}

/** Usage text of the whole `hostwright` command (and of its ad-hoc runs). */
export function adhocUsage(): string {
  const commands: CommandName[] = ['adhoc', ...subcommands().map((s) => s.name), 'hostwright'];
  const lines = commands.map((c) => {
    const left = `  hostwright ${COMMANDS[c].synopsis}`;
    return c === 'hostwright' ? left : `${left}${' '.repeat(Math.max(3, 70 - left.length))}${COMMANDS[c].summary}`;
  });
  const aliases = Object.entries(MODULE_ALIASES)
    .map(([a, m]) => `${a}=${m}`)
    .join(', ');
  return `Usage:
${lines.join('\n')}

Ad-hoc options:
${optionLines('adhoc')}

Modules (-m): ${[...MODULES.keys()].join(', ')} (default command)
Ansible names: ${aliases}
-a for command and shell is the command itself: -m shell -a 'uptime | cut -d, -f1'

Examples:
  hostwright all -i inventory.yml -m ping
  hostwright nodes -i inventory.yml -m shell -a 'uptime'
  hostwright etcd -i inventory.yml -b -m package -a 'name=etcd state=present' --check --diff
  hostwright master -i inventory.yml -b -m service -a 'name=etcd state=restarted'

${exitCodesText(false)}`;
}

/** Usage of `hostwright inventory`. */
export function inventoryUsage(): string {
  return `Usage: hostwright ${COMMANDS.inventory.synopsis}\n\n${optionLines('inventory')}`;
}

/** Usage of `hostwright report`. */
export function reportUsage(): string {
  return `Usage: hostwright ${COMMANDS.report.synopsis}

Writes the HTML report of a run saved with --json (one event per line). Use - to read standard input.

${optionLines('report')}`;
}

/** Usage of `hostwright plan` and `hostwright apply`. */
export function planUsage(): string {
  return `Usage:
  hostwright plan show PLAN.json [--json]    print a saved plan like --check --diff (or as JSON events)
  hostwright apply PLAN.json [options]        apply a saved plan exactly, or refuse when anything drifted

apply re-runs the plan's playbook with its inventory, --limit and tags; give the same -e as when the plan
was made (variables are stored as fingerprints only). Exit ${EXIT_PLAN_DRIFT}: refused, nothing changed.

Options of apply:
${optionLines('apply')}`;
}

/** Usage of `hostwright vault`. */
export function vaultUsage(): string {
  return `Usage: hostwright vault ACTION [options] [FILE|STRING...]

  view FILE...              print the decrypted content
  decrypt FILE...           decrypt in place (or to --output FILE, - for stdout)
  encrypt FILE...           encrypt in place (or to --output FILE, - for stdout)
  encrypt-string [STRING]   print "!vault |" YAML for each STRING (stdin when none; --name NAME for "NAME: !vault |")

${optionLines('vault')}`;
}
