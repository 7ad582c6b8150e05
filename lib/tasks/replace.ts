/**
 * `replace`: every match of a Python-syntax regular expression in a file replaced, as Ansible's replace
 * module does (ansible-core 2.14): the pattern is compiled with MULTILINE, the replacement is Python's
 * template (`\1`, `\g<name>`, escapes), and `after`/`before` limit the edit to the text between the
 * first match of `after` and the next match of `before` (DOTALL). Reuses the line type's Python regex
 * translation. Idempotent only when the replacement no longer matches (as in Ansible: changed when the
 * text changes). The file must exist.
 */
import { Type, type Static } from '@sinclair/typebox';
import { defineTaskType } from '../core/define-task-type.ts';
import { fileStatProbe, type FileState } from '../probes/file-stat.ts';
import type { Plan, TaskType } from '../core/task-contract.ts';
import { OwnerSchema } from './file-attrs.ts';
import { decodeBytes } from './file-bytes.ts';
import { EDIT_SIZE_LIMIT, editOutcome, editSteps, planEdit, type EditData } from './line.ts';
import { expandTemplate, pythonRegExp, PythonRegexError } from './line-edit-regex.ts';
import { AbsolutePath, Args, FileModeSchema } from './schema-types.ts';

/** Arguments of the `replace` task. */
export const ReplaceArgsSchema = Args({
  /** The file (it must exist). */
  path: AbsolutePath,
  /** A Python regular expression, searched with MULTILINE (`^`/`$` at every line). */
  regexp: Type.String({ minLength: 1 }),
  /** The replacement, a Python template: `\1`, `\g<1>`, `\g<name>`, `\n`. Default: empty (delete). */
  replace: Type.Optional(Type.String()),
  /** Only replace after the first match of this Python regex (DOTALL). */
  after: Type.Optional(Type.String({ minLength: 1 })),
  /** Only replace before the match of this Python regex (DOTALL). */
  before: Type.Optional(Type.String({ minLength: 1 })),
  mode: Type.Optional(FileModeSchema),
  owner: Type.Optional(OwnerSchema),
  group: Type.Optional(OwnerSchema),
  /** Keep a timestamped copy of the old file. */
  backup: Type.Optional(Type.Boolean()),
  /** Command run on the new temporary file before it replaces the real one; `%s` is its path. */
  validate: Type.Optional(Type.String({ pattern: '%s', description: 'a command containing %s' })),
});
/** Arguments of the `replace` task. */
export type ReplaceArgs = Static<typeof ReplaceArgsSchema>;

/** The result of a replace: Ansible's `changed`, the new text, how many replacements, or why nothing. */
export interface ReplaceResult {
  changed: boolean;
  content: string;
  count: number;
  message: string;
}

/** Python's `re.subn(pattern, template, text)` with a translated pattern. */
export function pythonSubn(regexp: RegExp, template: string, text: string): { text: string; count: number } {
  const re = new RegExp(regexp.source, regexp.flags.replace(/[gy]/g, '') + 'g');
  let out = '';
  let last = 0;
  let count = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out += text.slice(last, m.index) + expandTemplate(template, m);
    last = m.index + m[0].length;
    count++;
    if (m[0] === '') re.lastIndex = m.index + 1;
    if (re.lastIndex > text.length) break;
  }
  return { text: out + text.slice(last), count };
}

/** Pure: Ansible's replace on a file's text. Throws PythonRegexError for a pattern or template Python refuses. */
export function replaceText(contents: string, args: Pick<ReplaceArgs, 'regexp' | 'replace' | 'after' | 'before'>): ReplaceResult {
  let section = contents;
  let bounds: [number, number] | undefined;
  const pattern =
    args.after && args.before
      ? `${args.after}(?P<subsection>.*?)${args.before}`
      : args.after
        ? `${args.after}(?P<subsection>.*)`
        : args.before
          ? `(?P<subsection>.*)${args.before}`
          : '';
  if (pattern) {
    const section_re = pythonRegExp(`(?s)${pattern}`).regexp;
    const m = new RegExp(section_re.source, section_re.flags + 'd').exec(contents);
    if (!m)
      return { changed: false, content: contents, count: 0, message: `Pattern for before/after params did not match the given file: ${pattern}` };
    bounds = m.indices!.groups!.subsection as [number, number];
    section = m.groups!.subsection;
  }
  const result = pythonSubn(pythonRegExp(`(?m)${args.regexp}`).regexp, args.replace ?? '', section);
  if (result.count > 0 && result.text !== section) {
    const content = bounds ? contents.slice(0, bounds[0]) + result.text + contents.slice(bounds[1]) : result.text;
    return { changed: true, content, count: result.count, message: `${result.count} replacements made` };
  }
  return { changed: false, content: contents, count: result.count, message: result.count ? 'the replacements change nothing' : 'no match' };
}

/** Pure plan of the `replace` task. */
export function planReplace(args: ReplaceArgs, state: FileState, ctx: { check: boolean; earlierChangePredicted: boolean }): Plan<EditData> {
  if (state.type === 'absent') {
    if (ctx.check && ctx.earlierChangePredicted)
      return { status: 'may-change', reason: `${args.path} does not exist yet (an earlier task may create it)` };
    return { status: 'failed', reason: `${args.path} does not exist` };
  }
  if (state.type !== 'file')
    return { status: 'failed', reason: `${args.path}${state.resolved ? ` (link to ${state.resolved})` : ''} is a ${state.type}, not a regular file` };
  if (state.content === undefined)
    return { status: 'failed', reason: `${args.path} is larger than ${EDIT_SIZE_LIMIT} bytes; replace edits text files only` };
  let r: ReplaceResult;
  try {
    r = replaceText(decodeBytes(state.content), args);
  } catch (error) {
    if (error instanceof PythonRegexError) return { status: 'failed', reason: error.message };
    throw error;
  }
  return planEdit(args.path, state, { changed: r.changed, content: r.content, message: r.changed ? r.message : '' }, ctx, args);
}

/** The `replace` task type (Ansible's replace). */
export const replaceType: TaskType<typeof ReplaceArgsSchema, FileState, EditData> = {
  name: 'replace',
  description: 'Replace every match of a Python regular expression in a file (Ansible replace), with after/before bounds and backreferences.',
  schema: ReplaceArgsSchema,
  supportsDiff: true,
  check(args) {
    for (const [name, pattern] of [
      ['regexp', `(?m)${args.regexp}`],
      ['after', args.after],
      ['before', args.before],
    ] as const) {
      if (pattern === undefined) continue;
      try {
        pythonRegExp(pattern);
      } catch (error) {
        return `${name}: ${(error as Error).message}`;
      }
    }
    return undefined;
  },
  // As Ansible (os.path.realpath): a symlinked path edits the file the link points to.
  probe: (args) => fileStatProbe(args.path, { fetchContent: true, sizeLimit: EDIT_SIZE_LIMIT, follow: true }),
  plan: (args, state, ctx) => planReplace(args, state, ctx),
  steps: (args, plan) => editSteps(args, plan.data!, { makeParent: false }),
  outcome: (args, _plan, results, ctx) => editOutcome('replace', args, results, ctx, { note: false }),
};

/** `replace({ path: '/etc/ssh/sshd_config', regexp: '^#?PermitRootLogin .*$', replace: 'PermitRootLogin no' })`. */
export const replace = defineTaskType(replaceType);
