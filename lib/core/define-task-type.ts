/**
 * Turning a task type into a typed factory: `file({ path, content }, { notify })` validates static
 * arguments at once and records the playbook's call site for error messages.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { TaskType } from './task-contract.ts';
import type { Deferred, Task, TaskOptions } from './task-options.ts';
import { validateArgs } from './validate-args.ts';

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
  const shown = Array.isArray(main)
    ? main.join(a.cmd !== undefined ? ' ' : ',')
    : typeof main === 'string' || typeof main === 'number'
      ? String(main)
      : '';
  return shown ? `${type.name}: ${shown}` : type.name;
}

/**
 * Turn a task type into a typed factory. Static arguments are validated right away (before any host is
 * touched); arguments given as a function of the host are validated per host when resolved.
 */
export function defineTaskType<S extends TSchema, State, Data>(type: TaskType<S, State, Data>): TaskFactory<S> {
  if (!type.steps === !type.apply)
    throw new TypeError(`task type ${type.name}: give either steps (the apply as data) or apply (code), not ${type.steps ? 'both' : 'neither'}`);
  const factory = ((args: Deferred<Static<S>>, options: TaskOptions | string = {}) => {
    const opts: TaskOptions = typeof options === 'string' ? { name: options } : { ...options };
    const location = callerLocation();
    if (typeof args !== 'function')
      validateArgs(type as TaskType, args, opts.name ?? defaultTaskName(type as TaskType, args, opts.sensitive), location);
    return Object.freeze({ kind: 'task' as const, type, args, options: opts, location });
  }) as TaskFactory<S>;
  Object.defineProperty(factory, 'type', { value: type });
  return factory;
}
