/** What every part of the bench shares: repetitions, whether Ansible runs, logging, the work dir. */
import { join } from 'node:path';
import type { Tool, ToolRun } from './tools.ts';

/** Shared settings of one bench run. */
export interface BenchContext {
  /** Repetitions of each timed scenario per tool. */
  reps: number;
  /** Time Ansible too (off in the smoke run). */
  ansible: boolean;
  /** Where inventories and generated playbooks go. */
  workDir: string;
  log(text: string): void;
}

/** bench/.work: generated inventories and playbooks (gitignored). */
export const DEFAULT_WORK_DIR = join(new URL('..', import.meta.url).pathname, '.work');

/** The order the tools run in for repetition `rep`: alternating who goes first. */
export function toolOrder(ctx: BenchContext, rep: number): Tool[] {
  const both: Tool[] = rep % 2 === 0 ? ['hostwright', 'ansible'] : ['ansible', 'hostwright'];
  return ctx.ansible ? both : ['hostwright'];
}

/** A one-line account of a run for the progress log. */
export function describeRun(label: string, run: ToolRun): string {
  const extra =
    run.tool === 'hostwright' && run.stats
      ? `, ${run.stats.roundTripsPerTask} round trips/task, engine ${run.stats.durationMs} ms`
      : run.ignored
        ? `, ${run.ignored} errors ignored`
        : '';
  return `  ${label.padEnd(28)} ${run.tool.padEnd(10)} ${(run.wallMs / 1000).toFixed(2).padStart(7)} s  changed=${run.changed}${extra}`;
}

/** Throws when a run that must change nothing (a no-op) changed something. */
export function expectChanged(what: string, run: ToolRun, expected: number): void {
  if (run.changed !== expected) {
    throw new Error(
      `bench: ${what}: ${run.tool} reported changed=${expected === 0 ? run.changed + ' on a converged state' : `${run.changed}, expected ${expected}`}; the two tools disagree on the state, no figure reported`,
    );
  }
}
