/**
 * Defining playbooks: roles bundle tasks, defaults, handlers and templates, playbooks order plays.
 */
import type { TSchema } from '@sinclair/typebox';
import type { Task } from '../core/task-options.ts';

/** A handler: named tasks that run once per host at the end of a role when notified. */
export interface Handler {
  readonly name: string;
  readonly tasks: readonly Task[];
  /** Other aliases this handler answers to (Ansible's `listen`). */
  readonly listen: readonly string[];
}

/** Define a handler: `handler('restart etcd', service({ name: 'etcd', state: 'restarted' }))`. */
export function handler(name: string, tasks: Task | Task[], options: { listen?: string[] } = {}): Handler {
  return Object.freeze({ name, tasks: Array.isArray(tasks) ? tasks : [tasks], listen: options.listen ?? [] });
}

/** A role: tasks, typed defaults, handlers and a templates folder. */
export interface Role {
  readonly kind: 'role';
  readonly name: string;
  /** Default variables (lowest precedence). A function value is computed per host from the other variables. */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** TypeBox schema of the role's variables: wrong types from anywhere are refused before the run. */
  readonly varsSchema?: TSchema;
  readonly tasks: readonly Task[];
  readonly handlers: readonly Handler[];
  /** Absolute path of the role's templates folder. */
  readonly templatesDir?: string;
}

/** Options of {@link defineRole}. */
export interface RoleDefinition {
  name: string;
  defaults?: Record<string, unknown>;
  varsSchema?: TSchema;
  tasks: Task[];
  handlers?: Handler[];
  /** Templates folder: a path or a `file:` URL (e.g. `new URL('./templates/', import.meta.url)`). */
  templates?: string | URL;
}

/** Define a role. */
export function defineRole(def: RoleDefinition): Role {
  const templatesDir =
    def.templates === undefined ? undefined : def.templates instanceof URL ? decodeURIComponent(def.templates.pathname) : def.templates;
  const names = new Set<string>();
  for (const h of def.handlers ?? []) {
    if (names.has(h.name)) throw new Error(`role ${def.name}: handler "${h.name}" is defined twice`);
    names.add(h.name);
  }
  return Object.freeze({
    kind: 'role' as const,
    name: def.name,
    defaults: def.defaults ?? {},
    varsSchema: def.varsSchema,
    tasks: def.tasks,
    handlers: def.handlers ?? [],
    templatesDir,
  });
}

/** `serial` as in Ansible: a batch size, a percentage, or a list of those for growing batches. */
export type Serial = number | `${number}%` | (number | `${number}%`)[];

/** A play: a host pattern, roles and/or tasks, variables, and rolling-update controls. */
export interface Play {
  name: string;
  /** Host pattern: `all`, a group, a host, `a:b`, `a:&b`, `a:!b`, globs, `~regex`. */
  hosts: string;
  roles?: Role[];
  tasks?: Task[];
  handlers?: Handler[];
  /** Play variables (above inventory, below registered results and extra vars). */
  vars?: Record<string, unknown>;
  /** Batches for rolling changes. */
  serial?: Serial;
  /** Abort the play when more than this percentage of a batch's hosts failed. */
  maxFailPercentage?: number;
  /** Become root (or a user) for every task of the play unless a task says otherwise. */
  become?: boolean | { user?: string; password?: string };
  /**
   * Gather facts at the start of the play (one round trip per host, once per run) and expose them as the
   * variable `facts` (also `ansible_facts`) to `when`, argument functions and templates. Default false.
   */
  gatherFacts?: boolean;
}

/** A playbook: ordered plays. */
export interface Playbook {
  readonly kind: 'playbook';
  readonly name: string;
  readonly plays: readonly Play[];
}

/** Define a playbook. */
export function definePlaybook(def: { name: string; plays: Play[] }): Playbook {
  for (const play of def.plays) {
    if (!play.hosts) throw new Error(`playbook ${def.name}: play "${play.name}" has no hosts pattern`);
  }
  return Object.freeze({ kind: 'playbook' as const, name: def.name, plays: def.plays });
}
