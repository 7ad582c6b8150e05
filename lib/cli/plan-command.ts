/**
 * `hostwright plan show FILE [--json]` prints a saved plan like `--check --diff` (or its events as JSON
 * Lines); `hostwright apply FILE [options]` applies it with the playbook, inventory, limit and tags it
 * was made with (`-e` must be given again: variables are stored only as fingerprints).
 */
import { readPlan } from '../plan/run-plan.ts';
import { planEvents } from '../plan/show.ts';
import { consoleReporter } from '../report/console.ts';
import { jsonReporter } from '../report/json.ts';
import { runPlaybookMain } from './run-command.ts';
import { badInput, EXIT_BAD_INPUT, parseCommandLine } from './parse.ts';
import { planUsage } from './help.ts';

/** Run `hostwright plan ...`; return the exit code. */
export async function planMain(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const fail = badInput(err);
  const PLAN_CLI_USAGE = planUsage();
  const parsed = parseCommandLine('plan', argv, { helpCommand: 'hostwright plan' });
  if ('error' in parsed) return fail(parsed.error);
  const { values, positionals } = parsed;
  if (values.help) {
    out.write(PLAN_CLI_USAGE + '\n');
    return 0;
  }
  if (positionals[0] !== 'show' || positionals.length !== 2) return fail(`expected: hostwright plan show PLAN.json\n${PLAN_CLI_USAGE}`);
  const plan = readPlan(positionals[1]);
  if (typeof plan === 'string') return fail(plan);
  const listener = values.json ? jsonReporter(out) : consoleReporter({ stream: out as any, color: false, progress: false });
  if (!values.json)
    out.write(
      `plan ${positionals[1]}: playbook ${plan.playbook.name}${plan.playbook.file ? ` (${plan.playbook.file})` : ''}, made ${plan.createdAt} by hostwright ${plan.hostwright}, ${Object.keys(plan.hosts).length} host(s)\n`,
    );
  for (const e of planEvents(plan)) listener(e);
  return 0;
}

/** Run `hostwright apply PLAN.json [options]`; return the exit code. */
export async function applyMain(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const fail = badInput(err);
  const [file, ...rest] = argv;
  if (file === undefined || file === '-h' || file === '--help') {
    (file === undefined ? err : out).write(planUsage() + '\n');
    return file === undefined ? EXIT_BAD_INPUT : 0;
  }
  const plan = readPlan(file);
  if (typeof plan === 'string') return fail(plan);
  if (!plan.playbook.file)
    return fail(`plan ${file} does not name its playbook file; apply it with: node PLAYBOOK.ts -i INVENTORY --apply-plan ${file}`);
  const args = [
    plan.playbook.file,
    ...plan.run.inventory.flatMap((i) => ['-i', i]),
    ...(plan.run.limit ? ['--limit', plan.run.limit] : []),
    ...(plan.run.tags.length ? ['--tags', plan.run.tags.join(',')] : []),
    ...(plan.run.skipTags.length ? ['--skip-tags', plan.run.skipTags.join(',')] : []),
    ...rest,
    '--apply-plan',
    file,
  ];
  return runPlaybookMain(args, out, err);
}
