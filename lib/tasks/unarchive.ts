/**
 * `unarchive`: a tar (gzip, xz, bzip2 or none) or zip archive from the controller, or already on the host
 * with `remoteSrc`, unpacked into an existing folder. Idempotent by `creates` (a path that exists means
 * done), or else by comparing the archive's listing with the folder: every member present with its type
 * and, for files, its size (and `owner`/`group` when given). One probe answers all of it; a controller
 * archive is listed on the controller (GNU tar, or the zip central directory) and sent only when needed.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { TaskFailedError, ValidationError, tail } from '../core/errors.ts';
import { defineTaskType } from '../core/define-task-type.ts';
import { isZip, parseTarListing, topNames, unarchiveProbe, zipMembers, type ArchiveMember, type UnarchiveState } from '../probes/archive-listing.ts';
import { checkedCatLines, contentDigest, type ContentDigest } from '../transport/content-check.ts';
import { quote } from '../transport/quote.ts';
import { OwnerSchema } from './file-attrs.ts';
import type { ApplyStep } from '../core/apply-steps.ts';
import type { Plan, TaskContext, TaskType } from '../core/task-contract.ts';
import { AbsolutePath, Args } from './schema-types.ts';

/** Arguments of the `unarchive` task. */
export const UnarchiveArgsSchema = Args({
  /** The archive: a file on the controller, or on the host with `remoteSrc`. `.zip` is a zip; anything else is read by tar. */
  src: Type.String({ minLength: 1 }),
  /** An existing folder on the host to unpack into. */
  dest: AbsolutePath,
  /** The archive is already on the host (Ansible's `remote_src`). */
  remoteSrc: Type.Optional(Type.Boolean()),
  /** A path on the host: when it exists, nothing is done (and the archive is not compared). */
  creates: Type.Optional(Type.String({ minLength: 1 })),
  /** Owner of every unpacked member (compared and set). */
  owner: Type.Optional(OwnerSchema),
  /** Group of every unpacked member (compared and set). */
  group: Type.Optional(OwnerSchema),
});
/** Arguments of the `unarchive` task. */
export type UnarchiveArgs = Static<typeof UnarchiveArgsSchema>;

/** What apply needs: the members (for owner/group) and how many differ. */
export interface UnarchivePlanData {
  members: string[];
}

/** The members of an archive on the controller (GNU tar -tv, or the zip's central directory). */
export function localMembers(path: string): ArchiveMember[] {
  if (isZip(path)) return zipMembers(readFileSync(path));
  const r = spawnSync('tar', ['-tvf', path], { env: { ...process.env, LANG: 'C', LC_ALL: 'C' }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`tar cannot list it: ${(r.stderr || r.error?.message || '').trim()}`);
  return parseTarListing(r.stdout);
}

const localListings = new WeakMap<TaskContext, ArchiveMember[]>();

/** Pure plan of the `unarchive` task (exported for fixture tests). `members`: the archive's listing (from the controller, or the state). */
export function planUnarchive(
  args: UnarchiveArgs,
  state: UnarchiveState,
  members: ArchiveMember[] | undefined,
  ctx: Pick<TaskContext, 'check' | 'earlierChangePredicted'>,
): Plan<UnarchivePlanData> {
  const later = (why: string): Plan<UnarchivePlanData> =>
    ctx.check && ctx.earlierChangePredicted
      ? { status: 'may-change', reason: `${why} (an earlier task may change that)` }
      : { status: 'failed', reason: why };
  if (state.creates) return { status: 'ok', reason: `${args.creates} exists` };
  if (!state.destExists) return later(`destination ${args.dest} is not a folder on the host`);
  if (args.remoteSrc) {
    if (!state.remote?.exists) return later(`archive ${args.src} does not exist on the host`);
    if (state.remote.error !== undefined) return { status: 'failed', reason: `archive ${args.src} cannot be listed: ${state.remote.error}` };
    members = state.remote.members;
  }
  const list = members ?? [];
  if (!list.length) return { status: 'failed', reason: `archive ${args.src} is empty` };
  const differ: string[] = [];
  for (const m of list) {
    const have = state.dest[m.path];
    const typeOk = have && (m.type === 'h' ? have.type === 'f' : m.type === 'o' ? true : have.type === m.type);
    const sizeOk = have && (m.type !== 'f' || have.size === m.size);
    const ownerOk =
      have && (!args.owner || have.owner === args.owner || have.type === 'l') && (!args.group || have.group === args.group || have.type === 'l');
    if (!typeOk || !sizeOk || !ownerOk) differ.push(m.path);
  }
  if (!differ.length) return { status: 'ok', reason: `all ${list.length} members of ${args.src} are in ${args.dest}` };
  const shown = differ.slice(0, 5).join(', ') + (differ.length > 5 ? `, … (${differ.length - 5} more)` : '');
  return {
    status: 'change',
    summary: `unpack ${args.src} into ${args.dest} (${differ.length} of ${list.length} members missing or different)`,
    diff: [{ kind: 'state', key: `${args.dest} (from ${args.src})`, before: `missing or different: ${shown}`, after: `all ${list.length} members` }],
    data: { members: list.map((m) => m.path) },
  };
}

/** The shell text that unpacks the archive (`"$a"`: the file on the host) into dest; a sent one is checked against `digest` first. */
export function unpackCommand(args: UnarchiveArgs, digest?: ContentDigest): string {
  const d = quote(args.dest);
  const steps = args.remoteSrc
    ? [`a=${quote(args.src)}`]
    : [
        'a=$(mktemp "${TMPDIR:-/tmp}/.hostwright-archive.XXXXXX") || exit 1',
        'trap \'rm -f -- "$a"\' EXIT',
        ...(digest ? checkedCatLines('a', digest, args.dest) : ['cat > "$a" || exit 1']),
      ];
  steps.push(isZip(args.src) ? `unzip -o -q "$a" -d ${d}` : `tar -C ${d} -xf "$a"`);
  return steps.join('\n');
}

/** The `unarchive` task type. */
export const unarchiveType: TaskType<typeof UnarchiveArgsSchema, UnarchiveState, UnarchivePlanData> = {
  name: 'unarchive',
  description: 'Unpack a tar.gz/tar.xz/zip archive (from the controller or on the host) into a folder; compared by listing or creates.',
  schema: UnarchiveArgsSchema,
  supportsDiff: true,
  ownSrc: true,
  check(args) {
    if (args.remoteSrc)
      return args.src.startsWith('/') ? undefined : `with remoteSrc, src must be an absolute path on the host (got ${JSON.stringify(args.src)})`;
    try {
      if (!statSync(args.src).isFile()) return `src ${args.src} is not a regular file`;
      accessSync(args.src, constants.R_OK);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      return `src ${args.src} ${e.code === 'ENOENT' ? 'does not exist on this machine' : e.code === 'EACCES' ? 'is not readable (permission denied)' : e.message}`;
    }
    return undefined;
  },
  probe(args, ctx) {
    if (args.remoteSrc) return unarchiveProbe({ dest: args.dest, creates: args.creates, remoteSrc: args.src });
    let members: ArchiveMember[];
    try {
      members = localMembers(args.src);
    } catch (error) {
      throw new ValidationError(`${ctx.host}: unarchive ${args.src}: ${(error as Error).message}`, { source: args.src, path: 'src' });
    }
    localListings.set(ctx, members);
    return unarchiveProbe({ dest: args.dest, creates: args.creates, tops: topNames(members) });
  },
  plan: (args, state, ctx) => planUnarchive(args, state, localListings.get(ctx), ctx),
  steps(args, plan) {
    // A controller archive is read when the steps are made and sent on stdin, checked before it is unpacked.
    const bytes = args.remoteSrc ? undefined : readFileSync(args.src);
    const steps: ApplyStep[] = [
      {
        id: 'unpack',
        kind: 'exec',
        label: `unpack ${args.src} into ${args.dest}${args.remoteSrc ? ' (on the host)' : ''}`,
        command: unpackCommand(args, bytes && contentDigest(bytes)),
        ...(bytes ? { stdin: bytes } : {}),
      },
    ];
    if (args.owner || args.group) {
      const owner = `${args.owner ?? ''}${args.group ? ':' + args.group : ''}`;
      // Every member of the archive as listed, NUL-separated: chown -h does not follow a member that is a link.
      steps.push({
        id: 'chown',
        kind: 'exec',
        label: `chown ${owner} the ${plan.data!.members.length} members in ${args.dest}`,
        command: `cd -- ${quote(args.dest)} && xargs -0 chown -h ${quote(owner)} --`,
        stdin: plan.data!.members.map((m) => `${m}\0`).join(''),
      });
    }
    return steps;
  },
  outcome(args, _plan, results, ctx) {
    const where = `${ctx.host}: unarchive ${args.src}`;
    const r = results.get('unpack')!;
    if (r.code !== 0)
      throw new TaskFailedError(`${where}: ${tail(r.stderr || r.stdout) || `exit ${r.code}`}`, {
        host: ctx.host,
        command: 'unpack',
        code: r.code,
        stderr: r.stderr,
      });
    const c = results.get('chown');
    if (c && c.code !== 0)
      throw new TaskFailedError(`${where}: chown: ${tail(c.stderr) || `exit ${c.code}`}`, {
        host: ctx.host,
        command: 'chown',
        code: c.code,
        stderr: c.stderr,
      });
    return undefined;
  },
};

/** `unarchive({ src: 'files/etcd-v3.4.23.tar.gz', dest: '/opt' })`: unpack an archive into a folder. */
export const unarchive = defineTaskType(unarchiveType);
