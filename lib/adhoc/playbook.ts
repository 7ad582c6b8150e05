/**
 * An ad-hoc run as a one-task playbook: `hostwright web -m package -a 'name=etcd'` is a play on `web`
 * with one `package` task, run by the same engine, reporters and recap as any playbook.
 */
import { applyTask } from '../engine/run-steps.ts';
import { defaultTaskName } from '../core/define-task-type.ts';
import { definePlaybook, type Play, type Playbook } from '../play/define.ts';
import type { Task } from '../core/task-options.ts';
import { validateArgs } from '../core/validate-args.ts';
import type { ApplyResult, TaskType } from '../core/task-contract.ts';
import { parseModuleArgs } from './args.ts';
import { findModule } from './modules.ts';

/** What an ad-hoc run does. */
export interface AdhocSpec {
  /** Host pattern, as a play's `hosts`. */
  pattern: string;
  /** Module name (default `command`). */
  module?: string;
  /** The `-a` text: key=value words, JSON, or a free-form command for command/shell. */
  args?: string;
  /** Become root (`true`) or a user for the task. */
  become?: boolean | { user?: string };
}

/** What a command's apply returned on one host: shown under the host's line (Ansible's `rc=0 >>`). */
export interface AdhocOutput {
  rc?: number;
  stdout?: string;
  stderr?: string;
}

/** The playbook of an ad-hoc run, and where the output of each host's apply is collected. */
export interface AdhocPlaybook {
  playbook: Playbook;
  /** Host name → output of the apply on that host (filled during the run; command and shell only). */
  outputs: Map<string, AdhocOutput>;
}

/** The same task type, but its apply's output is also kept per host for the reporter. */
function recording(type: TaskType, outputs: Map<string, AdhocOutput>): TaskType {
  return {
    ...type,
    steps: undefined,
    outcome: undefined,
    apply: async (args, plan, host, ctx) => {
      const result = (await applyTask(type, args, plan, host, ctx)) as ApplyResult | undefined;
      if (result && (result.stdout !== undefined || result.stderr !== undefined))
        outputs.set(host.name, { rc: result.rc, stdout: result.stdout, stderr: result.stderr });
      return result;
    },
  };
}

/**
 * Build the one-task playbook of an ad-hoc run. Throws a ValidationError (before any connection) for an
 * unknown module, unreadable `-a` text, or arguments the module refuses, naming the valid ones.
 */
export function adhocPlaybook(spec: AdhocSpec): AdhocPlaybook {
  const name = spec.module ?? 'command';
  const module = findModule(name);
  const args = parseModuleArgs(spec.args ?? '', module.type, module.args);
  const outputs = new Map<string, AdhocOutput>();
  const keep = module.args.freeForm !== undefined;
  const type = keep ? recording(module.type, outputs) : module.type;
  // Validated here rather than through a task factory: an ad-hoc task has no playbook location to name.
  validateArgs(type, args, defaultTaskName(type, args));
  const task: Task = Object.freeze({ kind: 'task' as const, type, args, options: {} });
  const play: Play = { name: `ad-hoc ${module.type.name} on ${spec.pattern}`, hosts: spec.pattern, tasks: [task] };
  if (spec.become) play.become = spec.become;
  return { playbook: definePlaybook({ name: 'ad-hoc', plays: [play] }), outputs };
}
