/**
 * What a playbook would do, without connecting: the hosts each play runs on and the tasks it runs with
 * the given tags (`--list-hosts`, `--list-tasks`). Data, printed by the command line.
 */
import type { Playbook } from './play/define.ts';
import type { Inventory } from './inventory/index.ts';
import { playSteps } from './engine/runner.ts';
import { taskLabel } from './engine/run-task.ts';
import { inventoryView } from './run.ts';

/** One task of a listed play. */
export interface ListedTask {
  /** The role the task comes from, if any. */
  role?: string;
  /** The task's label, as the run prints it. */
  label: string;
  tags: string[];
  /** A task type that always reports changed for these arguments (a command without a guard). */
  notIdempotent: boolean;
}

/** One play of a listed playbook. */
export interface ListedPlay {
  name: string;
  /** The play's host pattern. */
  pattern: string;
  /** The hosts it would run on (after `limit`). */
  hosts: string[];
  /** Its tasks selected by `tags` / `skipTags`. */
  tasks: ListedTask[];
}

/** Options of {@link listPlaybook}. */
export interface ListPlaybookOptions {
  inventory: Inventory;
  /** Host pattern further limiting every play's hosts. */
  limit?: string;
  tags?: string[];
  skipTags?: string[];
}

/**
 * List the plays of `playbook` with their hosts and tasks. Throws a ValidationError for a malformed
 * `limit` or play pattern, before anything is listed.
 */
export function listPlaybook(playbook: Playbook, options: ListPlaybookOptions): ListedPlay[] {
  const view = inventoryView(options.inventory);
  const limited = options.limit ? new Set(view.select(options.limit)) : undefined;
  // Every pattern is checked before the first play is listed.
  const selected = playbook.plays.map((play) => view.select(play.hosts));
  return playbook.plays.map((play, i) => ({
    name: play.name,
    pattern: play.hosts,
    hosts: selected[i].filter((h) => !limited || limited.has(h)),
    tasks: playSteps(play, options.tags ?? [], options.skipTags ?? []).flatMap((step) => {
      if (step.kind !== 'task') return [];
      const t = step.task;
      const args = typeof t.args === 'function' ? undefined : t.args;
      const notIdempotent = !(args === undefined || !t.type.idempotent || t.type.idempotent(args));
      return [{ ...(step.role ? { role: step.role.name } : {}), label: taskLabel(t), tags: [...(t.options.tags ?? [])], notIdempotent }];
    }),
  }));
}
