/**
 * Defining things: task types become typed factories, tasks carry their options and call site,
 * roles bundle tasks, defaults, handlers and templates, playbooks order plays.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { TaskType } from '../tasks/contract.ts';
import type { Deferred, Task, TaskOptions } from './options.ts';
import { validateArgs } from './validate.ts';

/** A typed task factory, e.g. `file({ path: '/etc/motd', content: 'hi\n' }, { notify: 'x' })`. */
export interface TaskFactory<S extends TSchema> {
  (args: Deferred<Static<S>>, options?: TaskOptions | string): Task<Static<S>>;
  /** The task type behind the factory. */
  readonly type: TaskType<S, any, any>;
}

/** The `file:line:col` of the playbook code that called a factory (first frame outside hostwright's lib). */
function callerLocation(): string | undefined {
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  const libDir = new URL('..', import.meta.url).href;
  for (const frame of stack) {
    const m = /\((.*):(\d+):(\d+)\)$/.exec(frame) ?? /at (?:async )?(.*):(\d+):(\d+)$/.exec(frame);
    if (!m) continue;
    const file = m[1];
    if (file.startsWith(libDir) || file.startsWith('node:') || file.includes('/node_modules/')) continue;
    return `${file.replace(/^file:\/\//, '')}:${m[2]}`;
  }
  return undefined;
}

/**
 * A short default display name: `file: /etc/motd`. For a `sensitive` task only an argument that names
 * the managed object is shown (`file: /etc/token`), never a command line (`command`).
 */
export function defaultTaskName(type: TaskType, args: unknown, sensitive = false): string {
  if (typeof args === 'function' || args === null || typeof args !== 'object') return type.name;
  const a = args as Record<string, unknown>;
  const main = a.name ?? a.path ?? a.key ?? (sensitive ? undefined : a.cmd) ?? a.port ?? (sensitive ? undefined : a.url) ?? a.dest;
  const shown = Array.isArray(main) ? main.join(a.cmd !== undefined ? ' ' : ',') : typeof main === 'string' || typeof main === 'number' ? String(main) : '';
  return shown ? `${type.name}: ${shown}` : type.name;
}

/**
 * Turn a task type into a typed factory. Static arguments are validated right away (before any host is
 * touched); arguments given as a function of the host are validated per host when resolved.
 */
export function defineTaskType<S extends TSchema, State, Data>(type: TaskType<S, State, Data>): TaskFactory<S> {
  const factory = ((args: Deferred<Static<S>>, options: TaskOptions | string = {}) => {
    const opts: TaskOptions = typeof options === 'string' ? { name: options } : { ...options };
    const location = callerLocation();
    if (typeof args !== 'function') validateArgs(type as TaskType, args, opts.name ?? defaultTaskName(type as TaskType, args, opts.sensitive), location);
    return Object.freeze({ kind: 'task' as const, type, args, options: opts, location });
  }) as TaskFactory<S>;
  Object.defineProperty(factory, 'type', { value: type });
  return factory;
}

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
  const templatesDir = def.templates === undefined ? undefined : def.templates instanceof URL ? decodeURIComponent(def.templates.pathname) : def.templates;
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
