/**
 * `copy`: a file or a whole directory tree from the controller (or, with `remoteSrc`, from elsewhere on
 * the host) to a path on the host, with mode, owner and group. One probe lists the target (and a remote
 * source) with the SHA-256 of every file; the apply sends only the files that differ, in one tar stream,
 * unpacks them in a private folder beside them and renames each into place; extra files on the host are
 * removed only with `delete`. A single file is written atomically (temporary file, renamed).
 * Idempotent: ok when every file's checksum and the wanted attributes match.
 *
 * Paths as in Ansible: `src: 'dir'` lands in `dest/dir`, `src: 'dir/'` puts the folder's contents into
 * `dest`; a file lands in `dest`, or in `dest/NAME` when dest ends with `/` or is a directory.
 */
import { createHash } from 'node:crypto';
import { statSync, readFileSync, accessSync, constants } from 'node:fs';
import { basename } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { TaskFailedError, ValidationError, tail } from '../core/errors.ts';
import { defineTaskType } from '../core/define-task-type.ts';
import { copyTreeProbe, type CopyState, type TreeEntry } from '../probes/copy-tree.ts';
import { checkedCatLines, contentDigest, type ContentDigest } from '../transport/content-check.ts';
import { quote } from '../transport/quote.ts';
import { atomicWriteCommand } from './atomic.ts';
import { attrChanges, attrCommands, OwnerSchema, type WantedAttrs } from './file-attrs.ts';
import { localTar, readLocalTree, type LocalEntry } from './local-tree.ts';
import type { ApplyStep } from '../core/apply-steps.ts';
import type { Diff, Plan, TaskContext, TaskType } from '../core/task-contract.ts';
import { AbsolutePath, Args, FileModeSchema, normalizeMode } from './schema-types.ts';

/** Arguments of the `copy` task. */
export const CopyArgsSchema = Args({
  /** A file or folder on the controller (or on the host with `remoteSrc`); `dir/` copies the folder's contents. */
  src: Type.Optional(Type.String({ minLength: 1 })),
  /** Text to write instead of `src` (a single file). */
  content: Type.Optional(Type.String()),
  /** Absolute path on the host. */
  dest: AbsolutePath,
  /** Mode of every file copied (default: an existing file keeps its mode, a new one gets its source's mode). */
  mode: Type.Optional(FileModeSchema),
  /** Mode of every directory of a copied tree (default: the source folder's mode for new ones). */
  directoryMode: Type.Optional(FileModeSchema),
  /** Owner of everything copied: a name or a numeric uid. */
  owner: Type.Optional(OwnerSchema),
  /** Group of everything copied: a name or a numeric gid. */
  group: Type.Optional(OwnerSchema),
  /** `src` is a path on the host, copied there (Ansible's `remote_src`). */
  remoteSrc: Type.Optional(Type.Boolean()),
  /** Trees: remove files and folders under the target that the source does not have. */
  delete: Type.Optional(Type.Boolean()),
});
/** Arguments of the `copy` task. */
export type CopyArgs = Static<typeof CopyArgsSchema>;

/** What apply needs. Paths are relative to `target` (`''` is the target itself). */
export interface CopyPlanData {
  target: string;
  /** The source is one file (written atomically), not a tree. */
  single: boolean;
  /** Files to send (changed or missing). */
  send: string[];
  /** Directories to create, parents first, with the mode each gets when no directoryMode is given. */
  mkdir: { path: string; mode: string }[];
  /** Attribute fixes on paths that stay. */
  attrs: { path: string; attrs: WantedAttrs }[];
  /** Paths to remove (`delete`), top-most only. */
  remove: string[];
  /** Mode a sent file gets: `mode`, else the mode the file had on the host, else its source's mode. */
  fileModes: Record<string, string>;
}

/** The wanted tree: relative path → entry (from the controller, `content`, or the remote source). */
export type WantedTree = Record<string, LocalEntry>;

const isDirSrc = (src: string | undefined) => src?.endsWith('/');

// The local tree is read in probe() and kept per host for plan(); plans stay pure on (args, state, wanted).
const wantedTrees = new WeakMap<TaskContext, WantedTree>();

function localWanted(args: CopyArgs, host: string): WantedTree {
  if (args.content !== undefined) {
    const bytes = Buffer.from(args.content);
    return { '': { type: 'f', mode: '0644', size: bytes.length, sha256: sha256(bytes) } };
  }
  try {
    return readLocalTree(args.src!);
  } catch (error) {
    throw new ValidationError(`${host}: copy ${args.dest}: src ${args.src}: ${(error as Error).message}`, { source: args.src, path: 'src' });
  }
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The probe inputs: where the copy lands, decided on the host in the same command. */
export function copyProbeInputs(args: CopyArgs, srcIsDir: boolean): Parameters<typeof copyTreeProbe>[0] {
  const src = args.src ?? '';
  const name = basename(src.replace(/\/+$/, '')) || '';
  if (args.remoteSrc) return { dest: args.dest, name, nameMode: isDirSrc(src) ? 'never' : 'srcDir', remoteSrc: src };
  if (args.content !== undefined) return { dest: args.dest, nameMode: 'never' };
  if (srcIsDir) return isDirSrc(src) ? { dest: args.dest, nameMode: 'never' } : { dest: args.dest, name, nameMode: 'always' };
  return { dest: args.dest, name, nameMode: 'ifDir' };
}

const shortSum = (e: { sha256?: string; size: number } | undefined) =>
  e ? `sha256 ${(e.sha256 ?? '?').slice(0, 12)} (${e.size} bytes)` : '(absent)';
const TYPE_NAMES: Record<TreeEntry['type'], string> = { f: 'a file', d: 'a directory', l: 'a symlink', o: 'a special file' };

/** Pure plan of the `copy` task (exported for fixture tests). `wanted` is the source tree. */
export function planCopy(
  args: CopyArgs,
  state: CopyState,
  wanted: WantedTree,
  ctx: Pick<TaskContext, 'check' | 'earlierChangePredicted'>,
): Plan<CopyPlanData> {
  const target = state.target.path;
  const host = state.target.entries;
  const full = (rel: string) => (rel === '' ? target : `${target.replace(/\/$/, '')}/${rel}`);
  if (!wanted['']) {
    const why = `source ${args.src} does not exist on the host`;
    if (ctx.check && ctx.earlierChangePredicted) return { status: 'may-change', reason: `${why} (an earlier task may create it)` };
    return { status: 'failed', reason: why };
  }
  const single = wanted[''].type === 'f';
  if (!single && args.remoteSrc && full('') === state.source?.path) return { status: 'failed', reason: `src and dest are the same folder ${target}` };
  const data: CopyPlanData = { target, single, send: [], mkdir: [], attrs: [], remove: [], fileModes: {} };
  const diff: Diff[] = [];
  for (const [rel, want] of Object.entries(wanted).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const have = host[rel];
    if (have && have.type !== want.type)
      return {
        status: 'failed',
        reason: `${full(rel)} is ${TYPE_NAMES[have.type]} on the host; the source has ${TYPE_NAMES[want.type]} there (remove it first)`,
      };
    const wantedAttrs: WantedAttrs = { mode: want.type === 'f' ? args.mode : args.directoryMode, owner: args.owner, group: args.group };
    if (want.type === 'f' && (!have || have.sha256 !== want.sha256)) {
      data.send.push(rel);
      data.fileModes[rel] = normalizeMode(args.mode ?? have?.mode ?? want.mode);
      diff.push({ kind: 'state', key: full(rel), before: shortSum(have), after: shortSum(want) });
      continue;
    }
    if (want.type === 'd' && !have) {
      data.mkdir.push({ path: rel, mode: normalizeMode(args.directoryMode ?? want.mode) });
      diff.push({ kind: 'state', key: full(rel), before: '(absent)', after: '(directory)' });
      continue;
    }
    const a = attrChanges(wantedAttrs, { ...have!, parentExists: true, type: have!.type === 'f' ? 'file' : 'directory' });
    if (a.attrs) {
      data.attrs.push({ path: rel, attrs: a.attrs });
      diff.push(...a.diff.map((d) => (d.kind === 'state' ? { ...d, key: `${full(rel)} ${d.key}` } : d)));
    }
  }
  if (args.delete && !single) {
    const extra = Object.keys(host)
      .filter((rel) => rel !== '' && !wanted[rel])
      .sort();
    for (const rel of extra) {
      if (data.remove.some((r) => rel.startsWith(`${r}/`))) continue;
      data.remove.push(rel);
      diff.push({ kind: 'state', key: full(rel), before: host[rel].type === 'd' ? '(directory)' : shortSum(host[rel]), after: '(deleted)' });
    }
  }
  const parts = [
    data.send.length && `send ${data.send.length} file${data.send.length === 1 ? '' : 's'}`,
    data.mkdir.length && `create ${data.mkdir.length} director${data.mkdir.length === 1 ? 'y' : 'ies'}`,
    data.attrs.length && `fix attributes of ${data.attrs.length} path${data.attrs.length === 1 ? '' : 's'}`,
    data.remove.length && `delete ${data.remove.length} extra path${data.remove.length === 1 ? '' : 's'}`,
  ].filter(Boolean);
  const count = Object.values(wanted).filter((e) => e.type === 'f').length;
  if (!parts.length)
    return {
      status: 'ok',
      reason: single
        ? `${target} has the same content${args.mode || args.owner || args.group ? ' and attributes' : ''}`
        : `${target}: all ${count} files are the same`,
    };
  return { status: 'change', summary: `${target}: ${parts.join(', ')}`, diff, data };
}

/** A file copied on the host into a temporary file beside the target, given its attributes, renamed into place. */
export function remoteFileCopyCommand(src: string, target: string, attrs: WantedAttrs): string {
  return [
    `p=${quote(target)}`,
    't=$(mktemp "$(dirname -- "$p")/.hostwright.XXXXXX") || exit 1',
    'trap \'rm -f -- "$t"\' EXIT',
    `cp -- ${quote(src)} "$t" || exit 1`,
    ...attrCommands('"$t"', attrs).map((c) => `${c} || exit 1`),
    'mv -f -- "$t" "$p" || exit 1',
    'trap - EXIT',
  ].join('\n');
}

/**
 * The shell text of a tree apply: folders, the tar stream unpacked beside, renamed into place, attributes,
 * removals. `digest`: of the tar sent on stdin; it is stored and checked before anything is unpacked.
 */
export function copyTreeCommand(args: CopyArgs, data: CopyPlanData, digest?: ContentDigest): string {
  const t = quote(data.target);
  const steps = [`t=${t}`, 'mkdir -p -- "$(dirname -- "$t")" || exit 1'];
  const own = args.owner || args.group ? quote(`${args.owner ?? ''}${args.group ? ':' + args.group : ''}`) : undefined;
  for (const d of data.mkdir) {
    const p = d.path === '' ? '"$t"' : `"$t"/${quote(d.path)}`;
    steps.push(`mkdir -p -- ${p} || exit 1`);
    if (own) steps.push(`chown ${own} -- ${p} || exit 1`);
    steps.push(`chmod ${quote(d.mode)} -- ${p} || exit 1`);
  }
  if (data.send.length) {
    steps.push('x=$(mktemp -d "$t/.hostwright.XXXXXX") || exit 1', 'trap \'rm -rf -- "$x"\' EXIT');
    // --no-same-owner: the files belong to the user running the task (then `owner`), not to the controller's uid.
    if (args.remoteSrc) steps.push(`tar --null -C ${quote(args.src!)} -T - -cf - | tar -C "$x" --no-same-owner -xf - || exit 1`);
    else {
      // The stream is kept whole and checked first: an interrupted upload unpacks nothing. The stream has
      // no times (local-tree.ts), so the files are dated when unpacked (--touch).
      steps.push(
        'a="$x/.archive"',
        ...(digest ? checkedCatLines('a', digest, data.target) : ['cat > "$a" || exit 1']),
        'TAR_OPTIONS=--touch tar -C "$x" --no-same-owner -xf "$a" || exit 1',
        'rm -f -- "$a"',
      );
    }
    // Every file gets its mode (wanted, or its source's) before it is renamed into place.
    const byMode = new Map<string, string[]>();
    for (const f of data.send) byMode.set(data.fileModes[f], [...(byMode.get(data.fileModes[f]) ?? []), f]);
    if (own) steps.push(`find "$x" -mindepth 1 -exec chown ${own} -- {} + || exit 1`);
    for (const [mode, files] of byMode) steps.push(`(cd "$x" && chmod ${quote(mode)} -- ${files.map((f) => quote(`./${f}`)).join(' ')}) || exit 1`);
    steps.push('(cd "$x" && find . -type f -exec sh -c \'for f; do mv -f -- "$f" "$0/$f" || exit 1; done\' "$t" {} +) || exit 1');
  }
  for (const a of data.attrs) {
    const p = a.path === '' ? '"$t"' : `"$t"/${quote(a.path)}`;
    steps.push(...attrCommands(p, a.attrs).map((c) => `${c} || exit 1`));
  }
  if (data.remove.length) steps.push(`(cd "$t" && rm -rf -- ${data.remove.map((r) => quote(`./${r}`)).join(' ')}) || exit 1`);
  return steps.join('\n');
}

/** The `copy` task type. */
export const copyType: TaskType<typeof CopyArgsSchema, CopyState, CopyPlanData> = {
  name: 'copy',
  description: 'Copy a file or a directory tree from the controller (or on the host) with mode, owner, group; only what differs is sent.',
  schema: CopyArgsSchema,
  supportsDiff: true,
  ownSrc: true,
  check(args) {
    if ((args.src === undefined) === (args.content === undefined)) return 'give either src or content (one of them)';
    if (args.content !== undefined && (args.remoteSrc || args.delete || args.directoryMode))
      return 'remoteSrc, delete and directoryMode need src, not content';
    if (args.remoteSrc) {
      if (!args.src!.startsWith('/')) return `with remoteSrc, src must be an absolute path on the host (got ${JSON.stringify(args.src)})`;
      return undefined;
    }
    if (args.src !== undefined) {
      try {
        const st = statSync(args.src);
        if (!st.isFile() && !st.isDirectory()) return `src ${args.src} is neither a file nor a folder`;
        accessSync(args.src, constants.R_OK);
        if (st.isFile() && (args.delete || args.directoryMode)) return `delete and directoryMode are for folders; src ${args.src} is a file`;
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        return `src ${args.src} ${e.code === 'ENOENT' ? 'does not exist on this machine' : e.code === 'EACCES' ? 'is not readable (permission denied)' : e.message}`;
      }
    }
    return undefined;
  },
  probe(args, ctx) {
    if (args.remoteSrc) return copyTreeProbe(copyProbeInputs(args, false));
    const wanted = localWanted(args, ctx.host);
    wantedTrees.set(ctx, wanted);
    return copyTreeProbe(copyProbeInputs(args, wanted['']?.type === 'd'));
  },
  plan(args, state, ctx) {
    const wanted = args.remoteSrc ? remoteWanted(state) : wantedTrees.get(ctx)!;
    return planCopy(args, state, wanted, ctx);
  },
  steps: (args, plan) => copySteps(args, plan.data!, plan.summary),
  outcome(_args, plan, results, ctx) {
    const data = plan.data!;
    const r = results.get('apply')!;
    if (r.code !== 0)
      throw new TaskFailedError(`${ctx.host}: copy ${data.target}: ${tail(r.stderr || r.stdout) || `exit ${r.code}`}`, {
        host: ctx.host,
        command: copyCommandHead(data),
        code: r.code,
        stderr: r.stderr,
      });
    return undefined;
  },
};

const mkdirParent = (target: string) => `mkdir -p -- "$(dirname -- ${quote(target)})" || exit 1`;

/**
 * The one step of a copy apply. A local source is read here, when the steps are made: a file's bytes, or a
 * tar stream of the tree's files to send (made reproducibly, so the step is the same for the same files).
 */
export function copySteps(args: CopyArgs, data: CopyPlanData, summary: string): ApplyStep[] {
  const step = (label: string, command: string, stdin?: string | Buffer): ApplyStep[] => [
    { id: 'apply', kind: 'exec', label, command, ...(stdin === undefined ? {} : { stdin }) },
  ];
  if (data.single) {
    if (!data.send.length)
      return step(
        `${data.target}: set ${data.attrs.flatMap((a) => Object.keys(a.attrs)).join(', ')}`,
        data.attrs.flatMap((a) => attrCommands(quote(data.target), a.attrs)).join(' && '),
      );
    if (args.remoteSrc)
      return step(
        `cp ${args.src} ${data.target} (on the host)`,
        `${mkdirParent(data.target)}\n${remoteFileCopyCommand(args.src!, data.target, { mode: data.fileModes[''], owner: args.owner, group: args.group })}`,
      );
    const bytes = args.content !== undefined ? Buffer.from(args.content) : readFileSync(args.src!);
    return step(
      `write ${data.target}`,
      `${mkdirParent(data.target)}\n${atomicWriteCommand(data.target, { content: bytes, mode: data.fileModes[''], owner: args.owner, group: args.group })}`,
      bytes,
    );
  }
  if (!data.send.length) return step(summary, copyTreeCommand(args, data));
  // The host tars its own source; only the list of files to send travels (NUL-separated).
  if (args.remoteSrc)
    return step(`${summary} from ${args.src} (on the host)`, copyTreeCommand(args, data), data.send.map((f) => `./${f}\0`).join(''));
  const tar = localTar(args.src!, data.send);
  return step(`${summary} (tar of ${args.src})`, copyTreeCommand(args, data, contentDigest(tar)), tar);
}

/** The first line of the copy command, named in a failure (as the apply always did). */
function copyCommandHead(data: CopyPlanData): string {
  if (!data.single) return `t=${quote(data.target)}`;
  if (data.send.length) return mkdirParent(data.target);
  return data.attrs
    .flatMap((a) => attrCommands(quote(data.target), a.attrs))
    .join(' && ')
    .split('\n')[0];
}

/** The wanted tree from the remote source's listing. */
export function remoteWanted(state: CopyState): WantedTree {
  const out: WantedTree = {};
  for (const [rel, e] of Object.entries(state.source?.entries ?? {})) {
    if (e.type === 'l' || e.type === 'o') continue; // symlinks and special files in a remote tree are not copied
    out[rel] = { type: e.type, mode: e.mode, size: e.size, ...(e.sha256 ? { sha256: e.sha256 } : {}) };
  }
  return out;
}

/** `copy({ src: 'files/conf.d/', dest: '/etc/app/conf.d', mode: '0644', delete: true })`: copy a file or a tree. */
export const copy = defineTaskType(copyType);
