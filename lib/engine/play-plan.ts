/**
 * What a playbook will do, laid out before it runs: each play's hosts, its steps (role tasks, handler
 * flushes, play tasks, filtered by tags) and per-host variable views. The runner walks it; the probe
 * look-ahead reads it to know which tasks come next on a host, across roles and plays.
 */
import type { Handler, Play, Playbook, Role } from '../play/define.ts';
import type { HostVars, Task } from '../core/task-options.ts';
import { buildHostVars } from './host-vars-view.ts';
import type { HostState, RunContext } from './state.ts';
import type { TaskRun } from './run-task.ts';
import { taskLabel } from './task-label.ts';

/** A step of a play: a task (maybe from a role) or the point where notified handlers run. */
export type Step = { kind: 'task'; task: Task; role?: Role } | { kind: 'flush' };

/** Whether a task runs under `--tags` / `--skip-tags` (Ansible rules for `always` and `never`). */
export function tagsSelect(taskTags: readonly string[], tags: readonly string[], skipTags: readonly string[]): boolean {
  if (skipTags.some((t) => taskTags.includes(t)) || (skipTags.includes('all') && !taskTags.includes('always'))) return false;
  if (taskTags.includes('always')) return true;
  if (tags.length === 0 || tags.includes('all')) return !taskTags.includes('never');
  if (tags.includes('tagged') && taskTags.length > 0) return true;
  if (tags.includes('untagged') && taskTags.length === 0) return true;
  return tags.some((t) => taskTags.includes(t));
}

/** The steps of a play: each role's tasks then a handler flush, then the play's own tasks and a flush. */
export function playSteps(play: Play, tags: readonly string[] = [], skipTags: readonly string[] = []): Step[] {
  const steps: Step[] = [];
  for (const role of play.roles ?? []) {
    for (const task of role.tasks) if (tagsSelect(task.options.tags ?? [], tags, skipTags)) steps.push({ kind: 'task', task, role });
    steps.push({ kind: 'flush' });
  }
  const own = (play.tasks ?? []).filter((t) => tagsSelect(t.options.tags ?? [], tags, skipTags));
  if (own.length) {
    for (const task of own) steps.push({ kind: 'task', task });
    steps.push({ kind: 'flush' });
  }
  return steps;
}

/** One play, ready to run. */
export interface PlayPlan {
  play: Play;
  /** Hosts the pattern (and `--limit`) select. */
  hosts: string[];
  steps: Step[];
  handlers: (Handler & { role?: Role })[];
  /** `play_hosts`: the live hosts once the play started (the selected hosts before). */
  live: string[];
  /** The variables of a task of `role` (or of the play) on a host; cached by the host until they change. */
  varsFor(host: HostState, role?: Role): HostVars;
  /** The become setting of a task on a host: the task's, else the play's, else the inventory's. */
  becomeOf(host: string, task: Task): TaskRun['become'];
}

/** Lay out every play of a playbook. */
export function planPlays(run: RunContext, playbook: Playbook, limited: Set<string> | undefined): PlayPlan[] {
  return playbook.plays.map((play, index) => {
    const hosts = run.inventory.select(play.hosts).filter((h) => !limited || limited.has(h));
    const roleDefaults = Object.assign({}, ...(play.roles ?? []).map((r) => r.defaults));
    const plan: PlayPlan = {
      play,
      hosts,
      live: hosts,
      steps: playSteps(play, run.tags, run.skipTags),
      handlers: [...(play.roles ?? []).flatMap((r) => r.handlers.map((h) => ({ ...h, role: r }))), ...(play.handlers ?? [])],
      varsFor(host, role) {
        const layers = {
          roleDefaults: role ? { ...roleDefaults, ...role.defaults } : roleDefaults,
          play: play.vars ?? {},
          registered: host.registered,
          extra: run.extraVars,
        };
        return host.varsView(
          `${index}\0${role?.name ?? ''}`,
          plan.live,
          () =>
            buildHostVars(run.inventory, host.name, layers, {
              playHosts: plan.live,
              check: run.check,
              hostvars: (name) => ({ ...run.inventory.varsOf(name), inventory_hostname: name }),
              facts: host.gatheredFacts,
            }).view,
        );
      },
      becomeOf(host, task) {
        const conn = run.inventory.connectionOf(host);
        return task.options.become ?? play.become ?? (conn.become ? { user: conn.becomeUser } : undefined);
      },
    };
    return plan;
  });
}

/**
 * The tasks that come after step `stepIndex` of play `planIndex` on `host`: the rest of that play, then
 * every later play that selects the host. Lazy: the probe look-ahead stops after a window of tasks.
 */
export function* tasksAfter(plans: readonly PlayPlan[], planIndex: number, stepIndex: number, host: HostState): Generator<TaskRun> {
  for (let p = planIndex; p < plans.length; p++) {
    const plan = plans[p];
    if (p > planIndex && !plan.hosts.includes(host.name)) continue;
    for (let i = p === planIndex ? stepIndex + 1 : 0; i < plan.steps.length; i++) {
      const s = plan.steps[i];
      if (s.kind !== 'task') continue;
      yield {
        task: s.task,
        host: host.name,
        label: taskLabel(s.task),
        role: s.role?.name,
        templatesDir: s.role?.templatesDir,
        handler: false,
        hostVars: plan.varsFor(host, s.role),
        become: plan.becomeOf(host.name, s.task),
        // A run-once task runs on the first live host: only that host probes it ahead.
        ...(s.task.options.runOnce ? { runsOnceHere: plan.live[0] === host.name } : {}),
      };
    }
  }
}
