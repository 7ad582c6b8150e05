/**
 * `file`: a file with content (inline, from a role template, or from a local file), a directory, a link,
 * an empty file (`touch`) or nothing (`absent`); mode, owner, group; atomic writes with `validate` and
 * `backup`. Idempotent: decided from the SHA-256 and the attributes in one round trip.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { TaskFailedError, ValidationError, tail } from '../core/errors.ts';
import { localFileProblem } from '../core/local-file.ts';
import { defineTaskType } from '../core/define-task-type.ts';
import { fileStatProbe, DIFF_SIZE_LIMIT, type FileState } from '../probes/file-stat.ts';
import { quote } from '../transport/quote.ts';
import { atomicWriteCommand } from './atomic.ts';
import { attrChanges as attrDiff, attrCommands, OwnerSchema } from './file-attrs.ts';
import { validateProblem } from './validate-command.ts';
import type { ExecStep } from '../core/apply-steps.ts';
import type { Diff, Plan, TaskContext, TaskType } from '../core/task-contract.ts';
import { overlayFile, overlayOf, predictedHost, recordWritten, withUnknown, type PredictedFile, type PredictedHost } from './predicted.ts';
import { AbsolutePath, Args, FileModeSchema, TemplateRefSchema, normalizeMode } from './schema-types.ts';

/** Arguments of the `file` task. */
export const FileArgsSchema = Args({
  /** Absolute path on the host. */
  path: AbsolutePath,
  /** `file` (default), `absent`, `directory`, `link` or `touch`. */
  state: Type.Optional(
    Type.Union([Type.Literal('file'), Type.Literal('absent'), Type.Literal('directory'), Type.Literal('link'), Type.Literal('touch')]),
  ),
  /** Content: a string, or `template('name.hbs')` rendered with the host's variables. */
  content: Type.Optional(Type.Union([Type.String(), TemplateRefSchema])),
  /** A local file on the controller whose bytes become the content. */
  src: Type.Optional(Type.String({ minLength: 1 })),
  /** Link target (state `link`). */
  target: Type.Optional(Type.String({ minLength: 1 })),
  /** Octal mode string such as `'0644'`. */
  mode: Type.Optional(FileModeSchema),
  /** User name or numeric uid. */
  owner: Type.Optional(OwnerSchema),
  /** Group name or numeric gid. */
  group: Type.Optional(OwnerSchema),
  /** Keep a timestamped copy of the old file before replacing it. */
  backup: Type.Optional(Type.Boolean()),
  /** Command run on the new temporary file before it replaces the real one; `%s` is its path. */
  validate: Type.Optional(Type.String({ pattern: '%s', description: 'a command containing %s' })),
});

/** Arguments of the `file` task. */
export type FileArgs = Static<typeof FileArgsSchema>;

/** What a file plan hands to apply: content to write, attributes, removal, directory, link, touch. */
export interface FilePlanData {
  write?: Buffer;
  attrs?: { mode?: string; owner?: string; group?: string };
  remove?: boolean;
  mkdir?: boolean;
  link?: string;
  touch?: boolean;
}

function desiredContent(args: FileArgs, ctx: TaskContext): Buffer | undefined {
  if (args.content !== undefined) return Buffer.from(typeof args.content === 'string' ? args.content : ctx.renderTemplate(args.content));
  if (args.src !== undefined) {
    // A deferred src is only known now; a static one was checked before the run.
    const problem = localFileProblem(args.src);
    if (problem) throw new ValidationError(`${ctx.host}: file ${args.path}: src ${args.src} ${problem}`, { source: args.src, path: 'src' });
    return readFileSync(args.src);
  }
  return undefined;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function isText(b: Buffer): boolean {
  if (b.includes(0)) return false;
  return Buffer.from(b.toString('utf8'), 'utf8').equals(b);
}

/** The `before` of an attribute that a predicted change sets but that cannot be known before it runs. */
export const UNKNOWN_BEFORE = 'unknown until the earlier task runs';

function attrChanges(args: FileArgs, state: FileState & { predicted?: PredictedFile }): { diff: Diff[]; attrs?: FilePlanData['attrs'] } {
  const r = attrDiff({ mode: args.mode && normalizeMode(args.mode), owner: args.owner, group: args.group }, state);
  if (!state.predicted) return r;
  // An attribute of a path an earlier predicted change makes is not "none": it is not known yet.
  return { ...r, diff: r.diff.map((d) => (d.kind === 'state' && d.before === '(none)' ? { ...d, before: UNKNOWN_BEFORE } : d)) };
}

// Content and a template are resolved in probe() and kept per host for plan(); plans stay pure on (args, state).
const rendered = new WeakMap<TaskContext, Buffer | undefined>();

/** The `file` task type. */
export const fileType: TaskType<typeof FileArgsSchema, FileState, FilePlanData> = {
  name: 'file',
  description: 'Manage a file, directory or link: content, mode, owner, group (atomic writes).',
  schema: FileArgsSchema,
  supportsDiff: true,
  check(args) {
    const state = args.state ?? 'file';
    const given = [args.content !== undefined && 'content', args.src !== undefined && 'src'].filter(Boolean);
    if (given.length > 1) return 'give either content or src, not both';
    if (state !== 'file' && given.length) return `${given[0]} is only allowed with state "file"`;
    if (state === 'link' && !args.target) return 'state "link" needs target';
    if (state !== 'link' && args.target) return 'target is only allowed with state "link"';
    if ((args.validate || args.backup) && state !== 'file') return 'validate and backup are only allowed with state "file"';
    return validateProblem(args.validate);
  },
  probe(args, ctx) {
    const content = desiredContent(args, ctx);
    rendered.set(ctx, content);
    return fileStatProbe(args.path, { expectedSha256: content && sha256(content), fetchContent: Boolean(content) && ctx.diff && !ctx.sensitive });
  },
  plan(args, state, ctx): Plan<FilePlanData> {
    // Check mode: a path an earlier predicted change brings (a package's file, a command's output) is planned against that.
    const predicted = overlayOf(ctx);
    const seen = overlayFile(state, predicted, args.path);
    const plan = withUnknown(planFile(args, seen, rendered.get(ctx), ctx), predicted);
    if (ctx.check && ctx.memory && plan.status === 'change') recordFilePlan(predictedHost(ctx.memory), args, seen, plan.data ?? {}, ctx.runAs);
    return plan;
  },
  steps(args, plan) {
    const data = plan.data ?? {};
    const step = fileStep(args, data);
    return step ? [step] : [];
  },
  outcome(args, plan, results, ctx) {
    const r = results.get('apply');
    if (!r) return undefined;
    if (r.code !== 0) {
      const command = fileStep(args, plan.data ?? {})!.command.split('\n')[0];
      throw new TaskFailedError(`${ctx.host}: file ${args.path}: ${tail(r.stderr || r.stdout) || `exit ${r.code}`}`, {
        host: ctx.host,
        command,
        code: r.code,
        stderr: r.stderr,
      });
    }
    const backup = /^backup=(.*)$/m.exec(r.stdout)?.[1];
    return backup ? { extra: { backup_file: backup }, note: `backup: ${backup}` } : undefined;
  },
};

/** The one command of a file apply (remove, write, or make and set attributes); none when nothing is left to do. */
function fileStep(args: FileArgs, data: FilePlanData): ExecStep | undefined {
  const p = quote(args.path);
  if (data.remove) return { id: 'apply', kind: 'exec', label: `rm -rf -- ${args.path}`, command: `rm -rf -- ${p}` };
  if (data.write) {
    const command = atomicWriteCommand(args.path, {
      content: data.write,
      mode: args.mode && normalizeMode(args.mode),
      owner: args.owner,
      group: args.group,
      validate: args.validate,
      backup: args.backup,
    });
    return {
      id: 'apply',
      kind: 'exec',
      label: `write ${args.path}${args.validate ? `, checked with ${args.validate} before it replaces the old one` : ''}`,
      command,
      stdin: data.write,
    };
  }
  const parts: [command: string, what: string][] = [];
  if (data.mkdir) parts.push([`mkdir -p -- ${p}`, 'create directory']);
  // The link is made inside a fresh private directory (mktemp -d, same filesystem) and renamed into
  // place: no name anyone could plant a file or directory at beforehand.
  if (data.link !== undefined) parts.push([`{ ${linkCommand(args.path, data.link)}; }`, `link to ${data.link}`]);
  if (data.touch) parts.push([`touch -- ${p}`, 'create empty file']);
  const attrs = attrCommands(p, data.attrs ?? {}, { noDeref: data.link !== undefined || (args.state ?? 'file') === 'link' });
  if (attrs.length) parts.push([attrs.join(' && '), `set ${Object.keys(data.attrs ?? {}).join(', ')}`]);
  if (!parts.length) return undefined;
  return {
    id: 'apply',
    kind: 'exec',
    label: `${args.path}: ${parts.map(([, what]) => what).join(', ')}`,
    command: parts.map(([command]) => command).join(' && '),
  };
}

/** Check mode: what this task's apply would leave at its path, for the later tasks of the run. */
function recordFilePlan(predicted: PredictedHost, args: FileArgs, seen: FileState, data: FilePlanData, runAs: string | undefined): void {
  const existing = seen.type !== 'absent';
  const attrs = {
    mode: args.mode ? normalizeMode(args.mode) : existing ? seen.mode : undefined,
    owner: args.owner ?? (existing ? seen.owner : runAs),
    group: args.group ?? (existing ? seen.group : runAs === 'root' ? 'root' : undefined),
  };
  const source = `file task on ${args.path}`;
  if (data.remove) recordWritten(predicted, args.path, { type: 'absent' }, source);
  else if (data.write) recordWritten(predicted, args.path, { type: 'file', ...attrs, content: data.write }, source);
  else if (data.mkdir) recordWritten(predicted, args.path, { type: 'directory', ...attrs }, source);
  else if (data.link !== undefined) recordWritten(predicted, args.path, { type: 'link', target: data.link }, source);
  else if (data.touch) recordWritten(predicted, args.path, { type: 'file', ...attrs, content: Buffer.alloc(0) }, source);
  else if (existing)
    recordWritten(
      predicted,
      args.path,
      {
        type: seen.type === 'other' ? 'other' : seen.type,
        ...attrs,
        content: seen.content,
        sha256: seen.sha256,
        size: seen.size,
        target: seen.target,
      },
      source,
    );
}

/** Pure plan of the `file` task (exported for fixture tests). */
export function planFile(
  args: FileArgs,
  state: FileState & { predicted?: PredictedFile },
  content: Buffer | undefined,
  ctx: Pick<TaskContext, 'check' | 'earlierChangePredicted' | 'diff'>,
): Plan<FilePlanData> {
  const want = args.state ?? 'file';
  const path = args.path;
  const withAttrs = (
    base: { summary: string[]; diff: Diff[]; data: FilePlanData },
    st: FileState & { predicted?: PredictedFile },
  ): Plan<FilePlanData> => {
    const a = attrChanges(args, st);
    // Only attributes an earlier task sets in a way not known beforehand differ: they may turn out as wanted.
    if (!base.summary.length && a.diff.length && a.diff.every((d) => d.kind === 'state' && d.before === UNKNOWN_BEFORE)) {
      return {
        status: 'may-change',
        reason: `${path} will be made by ${st.predicted!.source}; its ${a.diff.map((d) => (d as { key: string }).key).join(', ')} cannot be known before that runs`,
      };
    }
    if (a.attrs) {
      base.summary.push(`set ${Object.keys(a.attrs).join(', ')}`);
      base.diff.push(...a.diff);
      base.data.attrs = a.attrs;
    }
    if (!base.summary.length) return { status: 'ok', reason: `${path} is as wanted` };
    return { status: 'change', summary: `${path}: ${base.summary.join(', ')}`, diff: base.diff, data: base.data };
  };
  switch (want) {
    case 'absent':
      if (state.type === 'absent') return { status: 'ok', reason: `${path} is absent` };
      return {
        status: 'change',
        summary: `remove ${state.type} ${path}`,
        diff: [{ kind: 'state', key: path, before: state.type, after: 'absent' }],
        data: { remove: true },
      };
    case 'directory':
      if (state.type === 'directory') return withAttrs({ summary: [], diff: [], data: {} }, state);
      if (state.type !== 'absent') return { status: 'failed', reason: `${path} exists as a ${state.type}, not a directory` };
      return withAttrs(
        { summary: ['create directory'], diff: [{ kind: 'state', key: path, before: 'absent', after: 'directory' }], data: { mkdir: true } },
        {} as FileState,
      );
    case 'link':
      if (state.type === 'link' && state.target === args.target) return withAttrs({ summary: [], diff: [], data: {} }, state);
      if (state.type === 'directory') return { status: 'failed', reason: `${path} is a directory; refusing to replace it with a link` };
      return {
        status: 'change',
        summary: `${path}: link to ${args.target}`,
        diff: [{ kind: 'state', key: path, before: state.type === 'link' ? `link to ${state.target}` : state.type, after: `link to ${args.target}` }],
        data: { link: args.target },
      };
    case 'touch':
      if (state.type === 'absent') {
        if (!state.parentExists) return missingParent(path, ctx);
        return withAttrs(
          { summary: ['create empty file'], diff: [{ kind: 'state', key: path, before: 'absent', after: 'file' }], data: { touch: true } },
          {} as FileState,
        );
      }
      return withAttrs({ summary: [], diff: [], data: {} }, state);
    case 'file': {
      if (content === undefined) {
        if (state.type === 'absent') {
          if (ctx.check && ctx.earlierChangePredicted)
            return { status: 'may-change', reason: `${path} does not exist yet (an earlier task may create it)` };
          return { status: 'failed', reason: `${path} does not exist; give content, src or template, or use state "touch"` };
        }
        return withAttrs({ summary: [], diff: [], data: {} }, state);
      }
      if (state.type === 'directory' || state.type === 'other') return { status: 'failed', reason: `${path} is a ${state.type}, not a file` };
      if (state.type === 'absent' && !state.parentExists) return missingParent(path, ctx);
      if (state.predicted && state.type === 'file' && state.sha256 === undefined) {
        return {
          status: 'may-change',
          reason: `${path} will come from ${state.predicted.source}; its content cannot be read before that (rpm2cpio and cpio on the host show it)`,
        };
      }
      const same = state.type === 'file' && state.sha256 === sha256(content);
      if (same) return withAttrs({ summary: [], diff: [], data: {} }, state);
      const diff: Diff[] = [];
      if (ctx.diff) diff.push(contentDiff(path, state, content));
      // A rewrite applies the wanted attributes too; report them in the diff.
      const attrs = state.type === 'file' ? attrChanges(args, state).diff : [];
      return {
        status: 'change',
        summary: state.type === 'absent' ? `create ${path} (${content.length} bytes)` : `update ${path} (${content.length} bytes)`,
        diff: [...diff, ...attrs],
        data: { write: content },
      };
    }
  }
}

/** Shell text replacing `path` by a symlink to `target` atomically, built under an unpredictable temp name. */
export function linkCommand(path: string, target: string): string {
  return [
    `p=${quote(path)}`,
    'd=$(dirname -- "$p")',
    'w=$(mktemp -d "$d/.hostwright-link.XXXXXX") || exit 1',
    `ln -s -- ${quote(target)} "$w/l" && mv -Tf -- "$w/l" "$p"; r=$?`,
    'rm -rf -- "$w"',
    '[ "$r" = 0 ]',
  ].join('; ');
}

function missingParent(path: string, ctx: Pick<TaskContext, 'check' | 'earlierChangePredicted'>): Plan<FilePlanData> {
  const parent = path.replace(/\/[^/]*$/, '') || '/';
  if (ctx.check && ctx.earlierChangePredicted)
    return { status: 'may-change', reason: `${parent} does not exist yet (an earlier task may create it)` };
  return {
    status: 'failed',
    reason: `parent directory ${parent} does not exist; create it first with file({ path: '${parent}', state: 'directory' })`,
  };
}

function contentDiff(path: string, state: FileState, content: Buffer): Diff {
  // New content is bounded like old content: a 10 MB file is not printed as a 10 MB diff.
  if (content.length > DIFF_SIZE_LIMIT)
    return {
      kind: 'note',
      text: `${path}: content differs (${state.size ?? 0} → ${content.length} bytes); new content too large for a diff (over ${DIFF_SIZE_LIMIT} bytes)`,
    };
  if (!isText(content)) return { kind: 'note', text: `${path}: binary content differs (${content.length} bytes); no diff shown` };
  if (state.type === 'absent') return { kind: 'file', path, before: '', after: content.toString('utf8') };
  if (state.content === undefined) {
    return {
      kind: 'note',
      text: `${path}: content differs (${state.size ?? '?'} → ${content.length} bytes); ${(state.size ?? 0) > DIFF_SIZE_LIMIT ? 'file too large for a diff' : 'old content not fetched'}`,
    };
  }
  if (!isText(state.content))
    return { kind: 'note', text: `${path}: binary file replaced (${state.content.length} → ${content.length} bytes); no diff shown` };
  return { kind: 'file', path, before: state.content.toString('utf8'), after: content.toString('utf8') };
}

/** `file({ path, content, mode: '0644' })`: manage a file, directory, link, or make sure a path is absent. */
export const file = defineTaskType(fileType);
