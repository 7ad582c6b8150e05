/**
 * The pure edit behind the `block` task: Ansible `blockinfile` semantics (ansible-core 2.14) with
 * hostwright's default marker `# {mark} HOSTWRIGHT MANAGED BLOCK`.
 *
 * As in Ansible: the file is split into lines at `\n`, `\r\n` or `\r`; the block sits between a BEGIN
 * and an END marker line and replaces whatever is between existing markers; without both markers it is
 * inserted after the last line matching `insertAfter` (or before the last matching `insertBefore`), at
 * the end (`EOF`, the default) or the start (`BOF`); a pattern that matches nothing means the end; a
 * `(?m)` pattern is searched in the whole file instead of line by line. An empty `block` with state
 * present removes the block, like state absent. A `\n` is added to the block and to the line before it
 * when they lack one.
 *
 * Deliberate differences from Ansible, both for idempotence and safety:
 * - a marker line is recognised with a `\r\n` ending or none (last line); Ansible only sees `MARKER\n`
 *   and inserts a second block in CRLF files on every run;
 * - state absent on a missing file is ok ("File ... not present") even without `create`; Ansible fails.
 */
import type { LineEditResult } from './line-edit.ts';
import { pythonRegExp, PythonRegexError } from './line-edit-regex.ts';

/** hostwright's default marker; Ansible's is `# {mark} ANSIBLE MANAGED BLOCK`. */
export const DEFAULT_BLOCK_MARKER = '# {mark} HOSTWRIGHT MANAGED BLOCK';

/** Arguments of the `block` task (Ansible `blockinfile` names in camelCase). */
export interface BlockEditArgs {
  /** The text between the markers; a final `\n` is added when missing. Empty (the default) removes the block. */
  block?: string;
  /** Marker line template; `{mark}` becomes `markerBegin` / `markerEnd`. Default {@link DEFAULT_BLOCK_MARKER}. */
  marker?: string;
  /** Replaces `{mark}` in the first marker line. Default `BEGIN`. */
  markerBegin?: string;
  /** Replaces `{mark}` in the last marker line. Default `END`. */
  markerEnd?: string;
  /** `present` (default) or `absent` (remove the markers and everything between them). */
  state?: 'present' | 'absent';
  /** Python regex: a new block goes after the last matching line; `EOF` (the default) appends. */
  insertAfter?: string;
  /** Python regex: a new block goes before the last matching line; `BOF` prepends. Exclusive with `insertAfter`. */
  insertBefore?: string;
  /** Create the file when it is missing; otherwise a missing file fails (state present). */
  create?: boolean;
  /** The file's path, only used in messages. */
  path?: string;
}

/** Split into lines at `\n`, `\r\n` or `\r`, keeping the endings (Python's `bytes.splitlines(True)`). */
function splitLinesKeepEnds(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

/**
 * Ensure a marked block is present in, or absent from, a file's text (Ansible `blockinfile`). Pure:
 * check mode is the same call. `current` is the file's text, `null` when the file does not exist.
 */
export function editBlock(current: string | null, args: BlockEditArgs): LineEditResult {
  const path = args.path ?? '(path)';
  const fail = (text: string): LineEditResult => ({ changed: false, content: current, message: text, failed: text });
  if (args.insertAfter !== undefined && args.insertBefore !== undefined) {
    return fail('parameters are mutually exclusive: insertBefore|insertAfter');
  }
  const present = (args.state ?? 'present') === 'present';
  if (current === null && !present) return { changed: false, content: null, message: `File ${path} not present` };
  if (current === null && !args.create) return fail(`Path ${path} does not exist !`);

  const insertBefore = args.insertBefore;
  const insertAfter = insertBefore === undefined && args.insertAfter === undefined ? 'EOF' : args.insertAfter;
  // As in Ansible, insertAfter 'BOF' is a pattern (only insertBefore knows BOF).
  const pattern =
    insertAfter !== undefined && insertAfter !== 'EOF'
      ? insertAfter
      : insertBefore !== undefined && insertBefore !== 'BOF'
        ? insertBefore
        : undefined;
  let insertRe;
  try {
    insertRe = pattern !== undefined ? pythonRegExp(pattern) : undefined;
  } catch (e) {
    if (e instanceof PythonRegexError) return fail(e.message);
    throw e;
  }

  const marker = args.marker ?? DEFAULT_BLOCK_MARKER;
  // split/join, never String.replace: `$&`, `$'`, `$$` in user text must stay as written.
  const begin = marker.split('{mark}').join(args.markerBegin ?? 'BEGIN');
  const end = marker.split('{mark}').join(args.markerEnd ?? 'END');
  let block = args.block ?? '';
  if (block && !block.endsWith('\n')) block += '\n';
  const blockLines = present && block ? [begin + '\n', block, end + '\n'] : [];

  const original = current ?? '';
  const lines = splitLinesKeepEnds(original);
  const isMarker = (line: string, text: string) => line === text + '\n' || line === text + '\r\n' || line === text;
  let n0: number | undefined;
  let n1: number | undefined;
  lines.forEach((line, i) => {
    if (isMarker(line, begin)) n0 = i;
    if (isMarker(line, end)) n1 = i;
  });

  let at: number;
  if (n0 === undefined || n1 === undefined) {
    at = insertRe ? insertPosition(original, lines, insertRe, insertAfter !== undefined) : insertBefore !== undefined ? 0 : lines.length;
  } else if (n0 < n1) {
    lines.splice(n0, n1 - n0 + 1);
    at = n0;
  } else {
    lines.splice(n1, n0 - n1 + 1);
    at = n1;
  }
  if (at > 0 && !lines[at - 1].endsWith('\n')) lines[at - 1] += '\n';
  lines.splice(at, 0, ...blockLines);
  const result = lines.join('');

  if (result === current) return { changed: false, content: current, message: '' };
  const message = current === null ? 'File created' : blockLines.length ? 'Block inserted' : 'Block removed';
  return { changed: true, content: result, message };
}

/** Where a new block goes when the markers are not both there; `after`: insertAfter (else insertBefore). */
function insertPosition(original: string, lines: string[], insert: { regexp: RegExp; multiline: boolean }, after: boolean): number {
  let at: number | undefined;
  if (insert.multiline) {
    const m = insert.regexp.exec(original);
    if (m) {
      const upTo = after ? m.index + m[0].length : m.index;
      at = original.slice(0, upTo).split('\n').length - 1;
    }
  } else {
    lines.forEach((line, i) => {
      if (insert.regexp.test(line)) at = i;
    });
  }
  if (at === undefined) return lines.length;
  return after ? at + 1 : at;
}
