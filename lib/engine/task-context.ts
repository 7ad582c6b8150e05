/**
 * The context of one task on one host: what its type's probe, plan and apply see (variables, check and
 * diff flags, per-host memory, template rendering, facts), and loop items as variables.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { TemplateError } from '../core/errors.ts';
import type { HostVars, Task } from '../core/task-options.ts';
import type { TaskContext, TemplateRef } from '../core/task-contract.ts';
import type { BecomeOptions } from '../core/transport-types.ts';
import { renderTemplate } from '../vars/template.ts';
import { materialize } from './host-vars-view.ts';
import type { HostState, RunContext, RunState } from './state.ts';

/** What the executor needs to know about the task's place in the play. */
export interface TaskRun {
  task: Task;
  host: string;
  /** Display name of the task. */
  label: string;
  role?: string;
  templatesDir?: string;
  handler: boolean;
  hostVars: HostVars;
  become?: boolean | BecomeOptions;
  /** For a run-once task seen ahead: whether this host is the one expected to run it (its probe may go ahead). */
  runsOnceHere?: boolean;
  /** The tasks that follow on this host in the same section, for probing ahead (computed lazily). */
  upcoming?: () => Iterable<TaskRun>;
}

const templateCache = new Map<string, string>();

function readTemplate(path: string): string {
  let source = templateCache.get(path);
  if (source === undefined) {
    try {
      source = readFileSync(path, 'utf8');
    } catch (error) {
      throw new TemplateError(relative(process.cwd(), path), `cannot read template: ${(error as Error).message}`);
    }
    templateCache.set(path, source);
  }
  return source;
}

/** The context a task type's probe, plan and apply see on one host (`host`: the state of `job.host`). */
export function taskContext(
  run: RunContext,
  state: RunState,
  host: HostState,
  job: TaskRun,
  view: HostVars,
  facts: TaskContext['facts'],
): TaskContext {
  return {
    host: job.host,
    vars: view.vars,
    check: run.check,
    diff: run.diff,
    earlierChangePredicted: host.predictedChange,
    sensitive: Boolean(job.task.options.sensitive),
    memory: host.memory,
    shared: state.shared,
    runAs: runAs(run, job),
    renderTemplate: (ref: TemplateRef) => {
      const path = isAbsolute(ref.template) || !job.templatesDir ? ref.template : join(job.templatesDir, ref.template);
      const vars = { ...materialize(view.vars), ...(ref.vars ?? {}) };
      const text = renderTemplate(relative(process.cwd(), path), readTemplate(path), vars);
      // What a sensitive task's template renders is as secret as its inline content would be.
      if (job.task.options.sensitive) run.redactor.add(text);
      return text;
    },
    facts,
  };
}

/** The user commands run as on the host: the become user, else the connection's user (undefined when unknown). */
function runAs(run: RunContext, job: TaskRun): string | undefined {
  try {
    const conn = run.inventory.connectionOf(job.host);
    if (job.become) return (job.become === true ? undefined : job.become.user) ?? conn.becomeUser ?? 'root';
    return conn.user;
  } catch {
    return undefined;
  }
}

/** The host's variables with a loop item (and its index) added: `item`, `loop_index`. */
export function withItem(view: HostVars, item: unknown, index: number): HostVars {
  const vars = Object.defineProperties({}, Object.getOwnPropertyDescriptors(view.vars)) as Record<string, unknown>;
  vars.item = item;
  vars.loop_index = index;
  return { ...view, vars };
}
