/**
 * `fetch`: a file from the host to a folder on the controller, at `dest/HOST/PATH` (or exactly `dest`
 * with `flat`). Decided by checksum: the probe reads the SHA-256 on the host (the `file` probe), the plan
 * compares it with the local copy's; only a differing file is transferred (base64), verified against the
 * probed checksum and written atomically on the controller (temporary file, renamed).
 * Idempotent: ok when the local copy has the host file's SHA-256.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { TaskFailedError, tail } from '../core/errors.ts';
import { defineTaskType } from '../core/define-task-type.ts';
import { fileStatProbe, type FileState } from '../probes/file-stat.ts';
import type { Plan, TaskContext, TaskType } from '../core/task-contract.ts';
import { AbsolutePath, Args } from './schema-types.ts';

/** Arguments of the `fetch` task. */
export const FetchArgsSchema = Args({
  /** The file on the host (absolute). */
  src: AbsolutePath,
  /** A folder on the controller: the file lands in `dest/HOST/SRC`; with `flat`, `dest` is the file itself (or `dest/NAME` when it ends with `/`). */
  dest: Type.String({ minLength: 1 }),
  /** Put the file at `dest` itself instead of `dest/HOST/SRC`. */
  flat: Type.Optional(Type.Boolean()),
  /** A missing file on the host fails the task (default true); false: ok, nothing fetched. */
  failOnMissing: Type.Optional(Type.Boolean()),
});
/** Arguments of the `fetch` task. */
export type FetchArgs = Static<typeof FetchArgsSchema>;

/** What the local side looks like: the path the file goes to and its checksum there. */
export interface FetchLocal {
  path: string;
  sha256?: string;
  /** The local path exists and is not a regular file. */
  notFile?: boolean;
}

/** What apply needs: where to write and which checksum the bytes must have. */
export interface FetchPlanData {
  local: string;
  sha256: string;
}

/** The controller path of a fetched file. */
export function fetchLocalPath(args: FetchArgs, host: string): string {
  if (!args.flat) return join(args.dest, host, args.src);
  return args.dest.endsWith('/') ? join(args.dest, args.src.replace(/^.*\//, '')) : args.dest;
}

function readLocal(path: string): FetchLocal {
  if (!existsSync(path)) return { path };
  if (!statSync(path).isFile()) return { path, notFile: true };
  return { path, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') };
}

const locals = new WeakMap<TaskContext, FetchLocal>();

/** Pure plan of the `fetch` task (exported for fixture tests). */
export function planFetch(
  args: FetchArgs,
  state: FileState,
  local: FetchLocal,
  ctx: Pick<TaskContext, 'check' | 'earlierChangePredicted'>,
): Plan<FetchPlanData> {
  if (state.type === 'absent') {
    if (args.failOnMissing === false) return { status: 'ok', reason: `${args.src} does not exist on the host; nothing fetched` };
    if (ctx.check && ctx.earlierChangePredicted)
      return { status: 'may-change', reason: `${args.src} does not exist yet (an earlier task may create it)` };
    return { status: 'failed', reason: `${args.src} does not exist on the host (failOnMissing: false to allow that)` };
  }
  if (state.type !== 'file') return { status: 'failed', reason: `${args.src} is a ${state.type} on the host, not a file` };
  if (local.notFile) return { status: 'failed', reason: `${local.path} on the controller exists and is not a file` };
  if (local.sha256 === state.sha256) return { status: 'ok', reason: `${local.path} has the same content as ${args.src}` };
  return {
    status: 'change',
    summary: `fetch ${args.src} to ${local.path}`,
    diff: [
      {
        kind: 'state',
        key: local.path,
        before: local.sha256 ? `sha256 ${local.sha256.slice(0, 12)}` : '(absent)',
        after: `sha256 ${state.sha256!.slice(0, 12)} (${state.size} bytes)`,
      },
    ],
    data: { local: local.path, sha256: state.sha256! },
  };
}

/** The `fetch` task type. */
export const fetchType: TaskType<typeof FetchArgsSchema, FileState, FetchPlanData> = {
  name: 'fetch',
  description: 'Fetch a file from the host to dest/HOST/PATH on the controller, when its checksum differs.',
  schema: FetchArgsSchema,
  supportsDiff: true,
  // src is on the host (fetch) or a device (mount), not a controller file.
  ownSrc: true,
  probe(args, ctx) {
    locals.set(ctx, readLocal(fetchLocalPath(args, ctx.host)));
    return fileStatProbe(args.src);
  },
  plan: (args, state, ctx) => planFetch(args, state, locals.get(ctx)!, ctx),
  steps(args, plan) {
    const data = plan.data!;
    // The engine reads the file (base64), checks the bytes against the probed SHA-256 and only then writes
    // them to the controller (temporary file, renamed): a file changed since the probe is not written.
    return [{ id: 'fetch', kind: 'download', label: `fetch ${args.src} to ${data.local}`, from: args.src, to: data.local, sha256: data.sha256 }];
  },
  outcome(args, plan, results, ctx) {
    const data = plan.data!;
    const r = results.get('fetch')!;
    if (r.code !== 0) {
      // No checksum in stdout: the host could not read the file (the step's error is stderr's tail or the exit code).
      throw new TaskFailedError(`${ctx.host}: fetch ${args.src}: ${r.error ?? (tail(r.stderr) || `exit ${r.code}`)}`, {
        host: ctx.host,
        ...(r.stderr !== '' || r.error === `exit ${r.code}` ? { command: `base64 ${args.src}`, code: r.code, stderr: r.stderr } : {}),
      });
    }
    return { extra: { dest: data.local, checksum: r.stdout } };
  },
};

/** `fetch({ src: '/etc/kubernetes/admin.conf', dest: 'fetched' })`: copy a host's file to `fetched/HOST/etc/kubernetes/admin.conf`. */
export const fetch = defineTaskType(fetchType);
