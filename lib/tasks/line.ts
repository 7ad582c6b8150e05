/**
 * `line` and `block`: edit one line (Ansible `lineinfile` semantics, checked against Ansible's own
 * answers) or a managed block between marker lines (`blockinfile`) in a text file on the host.
 * Probe: attributes and the whole content in one round trip; plan: the pure edit; apply: an atomic rewrite.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TaskFailedError, tail } from '../core/errors.ts';
import { defineTaskType } from '../core/define-task-type.ts';
import { fileStatProbe, type FileState } from '../probes/file-stat.ts';
import { quote } from '../transport/quote.ts';
import { atomicWriteCommand } from './atomic.ts';
import { editBlock } from './block-edit.ts';
import type { ApplyStep, StepContext, StepResults } from '../core/apply-steps.ts';
import type { ApplyResult, Diff, Plan, TaskContext, TaskType } from '../core/task-contract.ts';
import { attrChanges, attrCommands, OwnerSchema, type WantedAttrs } from './file-attrs.ts';
import { decodeBytes, displayText, encodeText } from './file-bytes.ts';
import { editLines, type LineEditResult } from './line-edit.ts';
import { overlayFile, overlayOf, predictedHost, recordWritten, withUnknown } from './predicted.ts';
import { PythonRegexError, pythonRegExp } from './line-edit-regex.ts';
import { AbsolutePath, Args, FileModeSchema, normalizeMode } from './schema-types.ts';
import { validateProblem } from './validate-command.ts';

/**
 * Largest file the line and block tasks edit: its whole content travels to the controller (base64 in
 * the probe's output) and back. 64 MiB covers large config files (block lists, generated hosts files)
 * while keeping a run over many hosts within memory.
 */
export const EDIT_SIZE_LIMIT = 64 * 1024 * 1024;

const fileAttrs = {
  /** Mode of the file when it is created or rewritten (default: keep; new files 0644). */
  mode: Type.Optional(FileModeSchema),
  /** User name or numeric uid. */
  owner: Type.Optional(OwnerSchema),
  /** Group name or numeric gid. */
  group: Type.Optional(OwnerSchema),
  /** Keep a timestamped copy of the old file. */
  backup: Type.Optional(Type.Boolean()),
  /** Command run on the new temporary file before it replaces the real one; `%s` is its path. */
  validate: Type.Optional(Type.String({ pattern: '%s', description: 'a command containing %s' })),
};

/** Arguments of the `line` task (Ansible `lineinfile`, camelCase). */
export const LineArgsSchema = Args({
  path: AbsolutePath,
  line: Type.Optional(Type.String()),
  regexp: Type.Optional(Type.String()),
  searchString: Type.Optional(Type.String()),
  state: Type.Optional(Type.Union([Type.Literal('present'), Type.Literal('absent')])),
  insertAfter: Type.Optional(Type.String()),
  insertBefore: Type.Optional(Type.String()),
  create: Type.Optional(Type.Boolean()),
  backrefs: Type.Optional(Type.Boolean()),
  firstMatch: Type.Optional(Type.Boolean()),
  ...fileAttrs,
});
/** Arguments of the `line` task. */
export type LineArgs = Static<typeof LineArgsSchema>;

/** Arguments of the `block` task (Ansible `blockinfile`, camelCase). */
export const BlockArgsSchema = Args({
  path: AbsolutePath,
  /** The block's text (without markers); empty with state present removes the block's content. */
  block: Type.Optional(Type.String()),
  /** Marker line template; `{mark}` becomes markerBegin / markerEnd. */
  marker: Type.Optional(Type.String({ pattern: '\\{mark\\}', description: 'a line containing {mark}' })),
  markerBegin: Type.Optional(Type.String()),
  markerEnd: Type.Optional(Type.String()),
  state: Type.Optional(Type.Union([Type.Literal('present'), Type.Literal('absent')])),
  insertAfter: Type.Optional(Type.String()),
  insertBefore: Type.Optional(Type.String()),
  create: Type.Optional(Type.Boolean()),
  ...fileAttrs,
});
/** Arguments of the `block` task. */
export type BlockArgs = Static<typeof BlockArgsSchema>;

/**
 * What a line or block plan hands to apply: the file's new bytes, or (`attrsOnly`) only attributes to set
 * in place; `target` is the file written: the path, or the file a symlinked path resolves to.
 */
export interface EditData {
  target: string;
  content?: Buffer;
  attrsOnly?: WantedAttrs;
}

/**
 * Pure plan shared by `line` and `block`: the edit result and the probed file in, a plan out. The edit
 * works on {@link decodeBytes} text, so every byte it does not change is written back as it was.
 */
export function planEdit(
  path: string,
  state: FileState,
  edit: LineEditResult,
  ctx: Pick<TaskContext, 'check' | 'earlierChangePredicted'>,
  attrs: WantedAttrs = {},
): Plan<EditData> {
  if (edit.failed) {
    // On a fresh host in check mode the file may come from a package an earlier task installs.
    if (state.type === 'absent' && ctx.check && ctx.earlierChangePredicted)
      return { status: 'may-change', reason: `${path} does not exist yet (an earlier task may create it)` };
    return { status: 'failed', reason: edit.failed };
  }
  const target = state.resolved ?? path;
  // A symlinked path: the link stays, its target is edited, and the diff header says so.
  const shown = state.resolved ? `${path} -> ${state.resolved}` : path;
  const changes = state.type === 'file' ? attrChanges({ ...attrs, mode: attrs.mode && normalizeMode(attrs.mode) }, state) : { diff: [] as Diff[] };
  if (edit.changed && edit.content !== null) {
    const before = state.content ? displayText(decodeBytes(state.content)) : '';
    // The rewrite applies the wanted attributes too; the diff says which change.
    const diff: Diff[] = [{ kind: 'file', path: shown, before, after: displayText(edit.content) }, ...changes.diff];
    return { status: 'change', summary: `${shown}: ${edit.message}`, diff, data: { target, content: encodeText(edit.content) } };
  }
  if (changes.attrs) {
    return {
      status: 'change',
      summary: `${shown}: set ${Object.keys(changes.attrs).join(', ')}`,
      diff: changes.diff,
      data: { target, attrsOnly: changes.attrs },
    };
  }
  const where = state.resolved ? ` (link to ${state.resolved})` : '';
  return {
    status: 'ok',
    reason: edit.message && edit.message !== 'file not present' ? `${path}${where}: ${edit.message}` : `${path}${where} already as wanted`,
  };
}

function currentContent(path: string, state: FileState): string | null {
  if (state.type === 'absent') return null;
  if (state.type !== 'file') throw new Error(`${path}${state.resolved ? ` (link to ${state.resolved})` : ''} is a ${state.type}, not a regular file`);
  if (state.content === undefined)
    throw new Error(
      `${path} is larger than ${EDIT_SIZE_LIMIT} bytes (${state.size ?? '?'} bytes), the most the line and block tasks edit; manage it with file({ content }) or split it into a .d folder`,
    );
  return decodeBytes(state.content);
}

/** Argument combinations a schema cannot express (refused before any host is touched). */
export function checkEditArgs(
  args: {
    state?: string;
    line?: string;
    regexp?: string;
    searchString?: string;
    insertAfter?: string;
    insertBefore?: string;
    backrefs?: boolean;
    block?: string;
    validate?: string;
  },
  kind: 'line' | 'block',
): string | undefined {
  if (args.insertAfter !== undefined && args.insertBefore !== undefined) return 'insertAfter and insertBefore are mutually exclusive';
  const validate = validateProblem(args.validate);
  if (validate) return validate;
  if (kind === 'block') return undefined;
  if (args.regexp !== undefined && args.searchString !== undefined) return 'regexp and searchString are mutually exclusive';
  // As in Ansible: backrefs needs regexp to build the line (state present); with state absent it is ignored.
  if (args.backrefs && args.regexp === undefined && (args.state ?? 'present') === 'present') return 'backrefs needs regexp';
  // Ansible appends such a line again on every run: it can never converge.
  if (args.line?.includes('\n')) return 'line must not contain a newline (it could never match a line of the file); use block for several lines';
  if ((args.state ?? 'present') === 'present' && args.line === undefined) return 'state "present" needs line';
  if (args.state === 'absent' && args.line === undefined && args.regexp === undefined && args.searchString === undefined)
    return 'state "absent" needs line, regexp or searchString';
  return undefined;
}

/** Every regular expression among the arguments compiles (refused before any host is touched, not at task time). */
export function checkEditPatterns(args: { regexp?: string; insertAfter?: string; insertBefore?: string }): string | undefined {
  const patterns: [string, string | undefined][] = [
    ['regexp', args.regexp],
    ['insertAfter', args.insertAfter === 'EOF' ? undefined : args.insertAfter],
    ['insertBefore', args.insertBefore === 'BOF' ? undefined : args.insertBefore],
  ];
  for (const [key, pattern] of patterns) {
    if (pattern === undefined) continue;
    try {
      pythonRegExp(pattern);
    } catch (error) {
      if (error instanceof PythonRegexError) return `${key}: ${error.message}`;
      throw error;
    }
  }
  return undefined;
}

/** The arguments of an edit apply (line, block, replace). */
type EditApplyArgs = { path: string; mode?: string; owner?: string; group?: string; validate?: string; backup?: boolean };

/**
 * The one step of an edit apply (line, block, replace): attributes set in place when only they differ,
 * else the whole new content (computed by the plan from the probed bytes) written atomically to the target.
 */
export function editSteps(args: EditApplyArgs, data: EditData, options: { makeParent: boolean }): ApplyStep[] {
  // Only attributes differ: set them in place; the bytes are not rewritten at all.
  if (data.attrsOnly)
    return [
      {
        id: 'apply',
        kind: 'exec',
        label: `${data.target}: set ${Object.keys(data.attrsOnly).join(', ')}`,
        command: attrCommands(quote(data.target), data.attrsOnly).join(' && '),
      },
    ];
  const write = atomicWriteCommand(data.target, {
    content: data.content!,
    mode: args.mode && normalizeMode(args.mode),
    owner: args.owner,
    group: args.group,
    validate: args.validate,
    backup: args.backup,
  });
  const checked = args.validate ? `, checked with ${args.validate} before it replaces the old one` : '';
  const command = options.makeParent ? `mkdir -p -- "$(dirname -- ${quote(data.target)})" && {\n${write}\n}` : write;
  return [{ id: 'apply', kind: 'exec', label: `write ${data.target}${checked}`, command, stdin: data.content! }];
}

/** Judge an edit apply: the task's words on failure, the backup path (and with `note`, a note) on success. */
export function editOutcome(
  name: string,
  args: { path: string },
  results: StepResults,
  ctx: StepContext,
  options: { note: boolean },
): ApplyResult | undefined {
  const r = results.get('apply')!;
  if (r.code !== 0)
    throw new TaskFailedError(`${ctx.host}: ${name} ${args.path}: ${tail(r.stderr || r.stdout) || `exit ${r.code}`}`, {
      host: ctx.host,
      code: r.code,
      stderr: r.stderr,
      command: `${name} ${args.path}`,
    });
  const backup = /^backup=(.*)$/m.exec(r.stdout)?.[1];
  if (!backup) return undefined;
  return options.note ? { extra: { backup_file: backup }, note: `backup: ${backup}` } : { extra: { backup_file: backup } };
}

function editTaskType<S extends TSchema>(
  name: 'line' | 'block',
  description: string,
  schema: S,
  edit: (current: string | null, args: Static<S>) => LineEditResult,
): TaskType<S, FileState, EditData> {
  return {
    name,
    description,
    schema,
    supportsDiff: true,
    check: (args: any) => checkEditArgs(args, name) ?? checkEditPatterns(args),
    probe: (args: any) => fileStatProbe(args.path, { fetchContent: true, sizeLimit: EDIT_SIZE_LIMIT, follow: true }),
    plan(args: any, probed, ctx) {
      // Check mode: the file as earlier predicted changes leave it (a package's copy, an earlier edit of this run).
      const predicted = overlayOf(ctx);
      const state = overlayFile(probed, predicted, args.path);
      const from = state.predicted ?? predicted?.files.get(args.path);
      if (from && state.type === 'file' && state.content === undefined)
        return { status: 'may-change', reason: `${args.path} will come from ${from.source}; its content cannot be read before that` };
      let current: string | null;
      try {
        current = currentContent(args.path, state);
      } catch (error) {
        return { status: 'failed', reason: (error as Error).message };
      }
      const plan = withUnknown(planEdit(args.path, state, edit(current, args), ctx, args), predicted);
      if (ctx.check && ctx.memory && plan.status === 'change') {
        const existing = state.type !== 'absent';
        recordWritten(
          predictedHost(ctx.memory),
          args.path,
          {
            type: 'file',
            content: plan.data!.content ?? state.content,
            mode: args.mode ? normalizeMode(args.mode) : existing ? state.mode : '0644',
            owner: args.owner ?? (existing ? state.owner : ctx.runAs),
            group: args.group ?? (existing ? state.group : ctx.runAs === 'root' ? 'root' : undefined),
          },
          `${name} task on ${args.path}`,
        );
      }
      return plan;
    },
    steps: (args: any, plan) => editSteps(args, plan.data!, { makeParent: true }),
    outcome: (args: any, _plan, results, ctx) => editOutcome(name, args, results, ctx, { note: true }),
  };
}

/** The `line` task type. */
export const lineType = editTaskType(
  'line',
  'Ensure a line is present (replacing a regexp match) or absent in a text file (Ansible lineinfile).',
  LineArgsSchema,
  (current, args) => editLines(current, args),
);

/** The `block` task type. */
export const blockType = editTaskType(
  'block',
  'Ensure a block of lines between marker lines is present or absent (Ansible blockinfile).',
  BlockArgsSchema,
  (current, args) => editBlock(current, args),
);

/** `line({ path: '/etc/hosts', regexp: '^10\\.0\\.0\\.1\\s', line: '10.0.0.1 master' })`. */
export const line = defineTaskType(lineType);

/** `block({ path, block: 'a\nb\n' })`: a managed block between `# BEGIN/END HOSTWRIGHT MANAGED BLOCK` markers. */
export const block = defineTaskType(blockType);
