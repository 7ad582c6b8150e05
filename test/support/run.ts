/**
 * Test helper: run a list of tasks (or roles) as a one-play playbook against an inventory, collecting
 * every event, and pick results out of them.
 */
import { definePlaybook, type Role } from '../../lib/play/define.ts';
import type { Task } from '../../lib/core/task-options.ts';
import { run, type RunPlaybookOptions, type RunPlaybookResult } from '../../lib/run.ts';
import type { RunEvent } from '../../lib/core/run-events.ts';

/** Options of {@link runTasks}. */
export interface RunTasksOptions extends Omit<RunPlaybookOptions, 'collectEvents'> {
  /** Host pattern of the play (default `all`). */
  hosts?: string;
  roles?: Role[];
  vars?: Record<string, unknown>;
  become?: boolean | { user?: string; password?: string };
}

/** Run tasks as one play and return the result with all events. */
export async function runTasks(tasks: Task[], options: RunTasksOptions): Promise<RunPlaybookResult> {
  const playbook = definePlaybook({
    name: 'test',
    plays: [{ name: 'test play', hosts: options.hosts ?? 'all', tasks, roles: options.roles, vars: options.vars, become: options.become }],
  });
  return run(playbook, { ...options, collectEvents: true });
}

/** The `host-result` events, optionally of one host. */
export function hostResults(result: { events: RunEvent[] }, host?: string): Extract<RunEvent, { event: 'host-result' }>[] {
  return result.events.filter(
    (e): e is Extract<RunEvent, { event: 'host-result' }> => e.event === 'host-result' && (host === undefined || e.host === host),
  );
}

/** Statuses per task label for one host, in order: `['changed', 'ok', ...]`. */
export function statuses(result: { events: RunEvent[] }, host: string): string[] {
  return hostResults(result, host).map((e) => e.status);
}

/** An inventory object with local-connection hosts (real shell on this machine). */
export function localInventory(names: string[], vars: Record<string, unknown> = {}): Record<string, unknown> {
  return { all: { hosts: Object.fromEntries(names.map((n) => [n, { ansible_connection: 'local', ...vars }])) } };
}
