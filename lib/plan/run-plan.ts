/**
 * The command line's saved-plan modes. `--check --save-plan FILE`: a check run whose results, with the
 * fingerprints of playbook, variables and probed states, are written as a plan. `--apply-plan FILE`
 * (and `hostwright apply FILE`): refuse before changing anything when the plan's inputs or any host's
 * probed state drifted; else a real run that stops a host whose verdicts leave the plan.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { EventListener, RunEvent } from '../core/run-events.ts';
import { packageVersion } from '../core/version.ts';
import type { Playbook } from '../play/define.ts';
import { inventoryView, run, type RunPlaybookOptions } from '../run.ts';
import type { Inventory } from '../inventory/index.ts';
import { formatDrift, inputDrift, planGuard, resultDrift } from './compare.ts';
import { hostVarFingerprints, playbookFingerprint } from './fingerprint.ts';
import { hostSummaries, planRecorder } from './record.ts';
import { PLAN_VERSION, planProblems, type PlanFile } from './schema.ts';

/** Exit code of an apply refused because the saved plan no longer matches (nothing was changed). */
export const EXIT_PLAN_DRIFT = 6;

/** What the command line hands to a saved-plan run. */
export interface PlanModeInput {
  playbook: Playbook;
  /** The playbook's module file (fingerprinted with what it imports). */
  source?: string;
  values: Record<string, any>;
  inventory: Inventory;
  /** The run options as the command line resolved them (without listeners). */
  options: Omit<RunPlaybookOptions, 'listeners'>;
  /** The console or JSON reporter. */
  display: EventListener;
  /** Further listeners (HTML report). */
  extra: EventListener[];
  exitCode(code: number, recap: Record<string, { changed: number }>): number;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  fail(text: string): number;
}

/** Hosts the playbook would run on (every play's pattern, within --limit). */
function runHosts(playbook: Playbook, inventory: Inventory, limit?: string): string[] {
  const view = inventoryView(inventory);
  const limited = limit ? new Set(view.select(limit)) : undefined;
  return [...new Set(playbook.plays.flatMap((p) => view.select(p.hosts)).filter((h) => !limited || limited.has(h)))];
}

/** The plan's inputs as they are now: version, playbook, each host's variables. */
function currentInputs(input: PlanModeInput, hosts: string[]): Pick<PlanFile, 'hostwright' | 'playbook' | 'hosts'> {
  const view = inventoryView(input.inventory);
  const pb = playbookFingerprint(input.playbook, input.source);
  return {
    hostwright: packageVersion(),
    playbook: { name: input.playbook.name, ...(input.source ? { file: resolve(input.source) } : {}), ...pb },
    hosts: Object.fromEntries(hosts.map((h) => [h, { vars: hostVarFingerprints(view, h, input.options.extraVars ?? {}), state: '', changes: 0 }])),
  };
}

/** Without --diff, the console shows no diffs even though plans always record them. */
const withoutDiffs =
  (listener: EventListener): EventListener =>
  (e) =>
    listener(e.event === 'host-result' && e.diff ? ({ ...e, diff: undefined } as RunEvent) : e);

/** Run in a saved-plan mode; returns the exit code. */
export async function planMode(input: PlanModeInput): Promise<number> {
  const { values, fail } = input;
  if (values['save-plan'] !== undefined && values['apply-plan'] !== undefined)
    return fail('--save-plan and --apply-plan cannot be combined: save a plan with --check --save-plan, review it, then apply it');
  if (values['save-plan'] !== undefined) {
    if (!values.check) return fail(`--save-plan needs --check: a plan is made without changing anything (add --check)`);
    return savePlan(input, values['save-plan']);
  }
  if (values.check) return fail('--apply-plan changes hosts; it cannot be combined with --check (hostwright plan show FILE prints the plan)');
  return applyPlan(input, values['apply-plan']);
}

async function savePlan(input: PlanModeInput, file: string): Promise<number> {
  const hosts = runHosts(input.playbook, input.inventory, input.options.limit);
  const inputs = currentInputs(input, hosts);
  const recorder = planRecorder();
  const display = input.values.diff ? input.display : withoutDiffs(input.display);
  const result = await run(input.playbook, { ...input.options, check: true, diff: true, listeners: [display, recorder.listener, ...input.extra] });
  const summaries = hostSummaries(recorder.tasks, hosts);
  const plan: PlanFile = {
    format: 'hostwright-plan',
    version: PLAN_VERSION,
    hostwright: inputs.hostwright,
    createdAt: new Date().toISOString(),
    playbook: inputs.playbook,
    run: {
      inventory: (Array.isArray(input.values.inventory) ? input.values.inventory : []).map((p: string) => resolve(p)),
      ...(input.options.limit ? { limit: input.options.limit } : {}),
      tags: input.options.tags ?? [],
      skipTags: input.options.skipTags ?? [],
    },
    hosts: Object.fromEntries(hosts.map((h) => [h, { vars: inputs.hosts[h].vars, ...summaries[h] }])),
    tasks: recorder.tasks,
  };
  writeFileSync(file, JSON.stringify(plan, null, 1) + '\n');
  const changes = Object.values(summaries).reduce((n, s) => n + s.changes, 0);
  input.err.write(
    `hostwright: plan saved to ${file}: ${changes} change(s) on ${Object.values(summaries).filter((s) => s.changes).length} of ${hosts.length} host(s)${result.exitCode ? '; it has failures, and an apply of it will be refused' : ''}\n`,
  );
  return input.exitCode(result.exitCode, result.recap);
}

/** Read and check a plan file; a string is the error message. */
export function readPlan(file: string): PlanFile | string {
  if (!existsSync(file)) return `plan ${file} not found; make one with --check --save-plan ${file}`;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return `plan ${file} is not JSON: ${(error as Error).message}`;
  }
  const problems = planProblems(value);
  return problems ? `plan ${file} is not a hostwright plan: ${problems}` : (value as PlanFile);
}

async function applyPlan(input: PlanModeInput, file: string): Promise<number> {
  const saved = readPlan(file);
  if (typeof saved === 'string') return input.fail(saved);
  const refuse = (why: string, text: string) => {
    input.err.write(`REFUSED: ${why}; nothing was changed on any host. Make a new plan with --check --save-plan.\n${text}\n`);
    return EXIT_PLAN_DRIFT;
  };
  const failures = saved.tasks.flatMap((t) =>
    Object.entries(t.results)
      .filter(([, r]) => r.status === 'failed' || r.status === 'unreachable')
      .map(([h, r]) => `  ${h}: ${t.task}: ${r.status} (${r.summary})`),
  );
  if (failures.length) return refuse(`the plan in ${file} has failures`, failures.join('\n'));
  const hosts = runHosts(input.playbook, input.inventory, input.options.limit);
  const drift = inputDrift(saved, currentInputs(input, hosts));
  if (drift.length) return refuse(`the playbook, variables or hostwright changed since the plan in ${file} was made`, formatDrift(drift));
  // Re-probe every host exactly as the plan did, without changing anything.
  input.err.write(`hostwright: re-probing ${hosts.length} host(s) to compare with the plan in ${file}\n`);
  const recorder = planRecorder();
  const check = await run(input.playbook, { ...input.options, check: true, diff: true, listeners: [recorder.listener] });
  const unreachable = Object.entries(check.recap)
    .filter(([, c]) => c.unreachable)
    .map(([h]) => h);
  if (unreachable.length) return refuse('hosts are unreachable', unreachable.map((h) => `  ${h}: unreachable`).join('\n'));
  const results = resultDrift(saved, { tasks: recorder.tasks }, hosts);
  if (results.length) return refuse(`hosts changed since the plan in ${file} was made`, formatDrift(results));
  // Apply, host by host checked against the plan.
  const g = planGuard(saved);
  const annotate =
    (l: EventListener): EventListener =>
    (e) => {
      if (e.event !== 'host-result') return l(e);
      const p = g.planned(e);
      l(p ? ({ ...e, planned: p.status } as RunEvent) : e);
    };
  const display = input.values.diff ? input.display : withoutDiffs(input.display);
  const outcome: { host: string; task: string; planned: string; status: string }[] = [];
  const collect: EventListener = (e) => {
    if (e.event === 'host-result') {
      const p = g.planned(e);
      if (p && (p.status === 'changed' || p.status === 'may-change'))
        outcome.push({ host: e.host, task: `${e.role ? `${e.role} : ` : ''}${e.task}`, planned: p.status, status: e.status });
    }
  };
  // The annotating listeners see each event before the guard's listener moves its position on.
  const result = await run(input.playbook, {
    ...input.options,
    check: false,
    diff: true,
    guard: g.guard,
    listeners: [collect, annotate(display), ...input.extra.map(annotate), g.listener],
  });
  const lines = outcome.map(
    (o) => `  ${o.host}: ${o.task}: planned ${o.planned}, ${o.status === 'changed' ? 'applied' : o.status === 'ok' ? 'not needed' : o.status}`,
  );
  const applied = outcome.filter((o) => o.status === 'changed').length;
  const say = input.values.json ? input.err : input.out;
  say.write(`\nPLAN APPLY [${file}]: ${applied} of ${outcome.length} planned change(s) applied\n${lines.join('\n')}\n`);
  for (const [host, reason] of g.diverged) say.write(`plan diverged on ${host}: ${reason}\n`);
  return input.exitCode(result.exitCode === 0 && g.diverged.size ? 2 : result.exitCode, result.recap);
}
