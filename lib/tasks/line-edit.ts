/**
 * The pure edit behind the `line` task: Ansible `lineinfile` semantics (ansible-core 2.14), checked
 * against Ansible's own answers in `shared/reference/ansible-corpus/lineinfile`.
 *
 * Byte rules, as in Ansible: the file is split after each `\n` and every line keeps its ending; regexps
 * and `searchString` see that ending; a line is "already there" when it equals `line` once trailing
 * `\r`/`\n` are stripped; every line written ends in a plain `\n` (also in CRLF files); a missing final
 * newline is added before a line appended at the end; an empty file gets no blank line.
 *
 * One deliberate difference from Ansible: when `insertAfter` matches the last line of a file that has no
 * final newline, Ansible glues the new line onto it (`lastnew\n`); here a `\n` is added first.
 */
import { expandTemplate, pythonRegExp, PythonRegexError } from './line-edit-regex.ts';

/** Arguments of the `line` task (Ansible `lineinfile` names in camelCase). */
export interface LineEditArgs {
  /** The line to ensure (state present, required) or to remove (state absent, when no regexp/searchString). */
  line?: string;
  /**
   * Python `re` pattern searched in every line (with its `\n`): with state present the last matching
   * line (the first with `firstMatch`) is replaced by `line`; with state absent every match is removed.
   */
  regexp?: string;
  /** Like `regexp` but a literal substring; exclusive with `regexp` and `backrefs`. */
  searchString?: string;
  /** `present` (default) or `absent`. */
  state?: 'present' | 'absent';
  /** Python regex: insert after the last matching line (the first with `firstMatch`); `EOF` (the default) appends, `BOF` prepends. Only used when regexp/searchString/line find nothing. */
  insertAfter?: string;
  /** Python regex: insert before the last matching line (the first with `firstMatch`); `BOF` prepends. Exclusive with `insertAfter`. */
  insertBefore?: string;
  /** Create the file when it is missing (state present); otherwise a missing file fails. */
  create?: boolean;
  /** Expand `\1`, `\g<name>` of the regexp match in `line`; when the regexp matches nothing, change nothing. */
  backrefs?: boolean;
  /** `regexp`/`searchString`/`insertAfter`/`insertBefore` use the first matching line instead of the last. */
  firstMatch?: boolean;
  /** The file's path, only used in messages. */
  path?: string;
}

/** The outcome of a pure line or block edit. */
export interface LineEditResult {
  /** Whether `content` differs from the input (or the file would be created). */
  changed: boolean;
  /** The file's new text; `null` = the file is (still) absent. Equals the input when nothing changed or it failed. */
  content: string | null;
  /** Ansible's message: `line added`, `line replaced`, `1 line(s) removed`, `file not present`, or `` when unchanged. */
  message: string;
  /** Set when the module fails (bad arguments, missing file without `create`, bad regexp): the error text. */
  failed?: string;
  /** Ansible's warnings, e.g. for an empty regexp. */
  warnings?: string[];
}

/** Split after each `\n`, keeping the endings (Python's `bytes.readlines()`). */
export function splitAfterNewlines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
    lines.push(text.slice(start, nl + 1));
    start = nl + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** A line without its trailing `\r`/`\n` characters (Python's `rstrip(b'\r\n')`). */
export function stripEol(line: string): string {
  let end = line.length;
  while (end > 0 && (line[end - 1] === '\n' || line[end - 1] === '\r')) end--;
  return line.slice(0, end);
}

const endsLine = (line: string) => line.endsWith('\n') || line.endsWith('\r');

/** Argument errors, in the words Ansible uses; undefined when the arguments are usable. */
function argumentProblem(args: LineEditArgs): string | undefined {
  for (const [a, b] of [
    ['insertBefore', 'insertAfter'],
    ['regexp', 'searchString'],
  ] as const) {
    if (args[a] !== undefined && args[b] !== undefined) return `parameters are mutually exclusive: ${a}|${b}`;
  }
  if (args.backrefs && args.searchString !== undefined) return 'parameters are mutually exclusive: backrefs|searchString';
  if ((args.state ?? 'present') === 'present') {
    if (args.backrefs && args.regexp === undefined) return 'regexp is required with backrefs=true';
    if (args.line === undefined) return 'line is required with state=present';
  } else if (args.line === undefined && args.regexp === undefined && args.searchString === undefined) {
    return 'one of line, searchString, or regexp is required with state=absent';
  }
  return undefined;
}

function emptyPatternWarnings(args: LineEditArgs): string[] {
  const base = (what: string) =>
    `The ${what} is an empty string, which will match every line in the file. ` +
    'This may have unintended consequences, such as replacing the last line in the file rather than appending.';
  if (args.regexp === '')
    return [base('regular expression') + " If this is desired, use '^' to match every line in the file and avoid this warning."];
  if (args.searchString === '') return [base('search string')];
  return [];
}

/**
 * Ensure a line is present in, or absent from, a file's text (Ansible `lineinfile`). Pure: check mode
 * is the same call. `current` is the file's text, `null` when the file does not exist.
 */
export function editLines(current: string | null, args: LineEditArgs): LineEditResult {
  const warnings = emptyPatternWarnings(args);
  const fail = (text: string): LineEditResult => ({ changed: false, content: current, message: text, failed: text, warnings });
  const problem = argumentProblem(args);
  if (problem) return fail(problem);
  try {
    const result = (args.state ?? 'present') === 'present' ? ensurePresent(current, args) : ensureAbsent(current, args);
    return { ...result, warnings };
  } catch (e) {
    if (e instanceof PythonRegexError) return fail(e.message);
    throw e;
  }
}

function unchangedOrNew(current: string | null, lines: string[], message: string): Omit<LineEditResult, 'warnings'> {
  return message ? { changed: true, content: lines.join(''), message } : { changed: false, content: current, message };
}

function ensureAbsent(current: string | null, args: LineEditArgs): Omit<LineEditResult, 'warnings'> {
  const re = args.regexp !== undefined ? pythonRegExp(args.regexp).regexp : undefined;
  if (current === null) return { changed: false, content: null, message: 'file not present' };
  const matches = (l: string) => (re ? re.test(l) : args.searchString !== undefined ? l.includes(args.searchString) : stripEol(l) === args.line);
  const lines = splitAfterNewlines(current);
  const kept = lines.filter((l) => !matches(l));
  const removed = lines.length - kept.length;
  return unchangedOrNew(current, kept, removed ? `${removed} line(s) removed` : '');
}

function ensurePresent(current: string | null, args: LineEditArgs): Omit<LineEditResult, 'warnings'> {
  const line = args.line!;
  const { regexp, searchString, firstMatch, backrefs } = args;
  const insertBefore = args.insertBefore;
  const insertAfter = insertBefore === undefined && args.insertAfter === undefined ? 'EOF' : args.insertAfter;
  const re = regexp !== undefined ? pythonRegExp(regexp).regexp : undefined;
  const insertPattern =
    insertAfter !== undefined && insertAfter !== 'BOF' && insertAfter !== 'EOF'
      ? insertAfter
      : insertBefore !== undefined && insertBefore !== 'BOF'
        ? insertBefore
        : undefined;
  const insertRe = insertPattern !== undefined ? pythonRegExp(insertPattern).regexp : undefined;
  if (current === null && !args.create) {
    const text = `Destination ${args.path ?? '(path)'} does not exist !`;
    return { changed: false, content: null, message: text, failed: text };
  }
  const lines = current === null ? [] : splitAfterNewlines(current);

  // 1. regexp or searchString decides which line to replace (the last match, or the first).
  let found = -1;
  let match: RegExpExecArray | null = null;
  for (let i = 0; i < lines.length && re; i++) {
    const m = re.exec(lines[i]);
    if (m) {
      found = i;
      match = m;
      if (firstMatch) break;
    }
  }
  for (let i = 0; i < lines.length && searchString !== undefined; i++) {
    if (lines[i].includes(searchString)) {
      found = i;
      if (firstMatch) break;
    }
  }
  // 2. Otherwise: is the line already there, and where would insertAfter/insertBefore put it?
  let insertAt = -1;
  if (found === -1) {
    for (let i = 0; i < lines.length; i++) {
      if (stripEol(lines[i]) === line) found = i;
      else if (insertRe?.test(lines[i])) {
        // Ansible tests truthiness here: an empty insertAfter pattern never sets the position.
        if (insertAfter) insertAt = i + 1;
        else if (insertBefore) insertAt = i;
        if ((insertAfter || insertBefore) && firstMatch) break;
      }
    }
  }

  if (found !== -1) {
    let wanted = backrefs && match ? expandTemplate(line, match) : line;
    if (!wanted.endsWith('\n')) wanted += '\n';
    if (lines[found] === wanted) return unchangedOrNew(current, lines, '');
    lines[found] = wanted;
    return unchangedOrNew(current, lines, 'line replaced');
  }
  // With backrefs and no match the line cannot be built: Ansible leaves the file alone.
  if (backrefs) return unchangedOrNew(current, lines, '');
  if (insertBefore === 'BOF' || insertAfter === 'BOF') {
    lines.unshift(line + '\n');
    return unchangedOrNew(current, lines, 'line added');
  }
  if (insertAfter === 'EOF' || insertAt === -1) {
    if (lines.length && !endsLine(lines[lines.length - 1])) lines.push('\n');
    lines.push(line + '\n');
    return unchangedOrNew(current, lines, 'line added');
  }
  if (insertAfter) {
    // Ansible does not insert when the line right after the anchor is already the line.
    if (insertAt === lines.length) {
      if (stripEol(lines[insertAt - 1]) === line) return unchangedOrNew(current, lines, '');
      if (!endsLine(lines[insertAt - 1])) lines[insertAt - 1] += '\n'; // deliberate fix, see the module comment
      lines.push(line + '\n');
    } else {
      if (stripEol(lines[insertAt]) === line) return unchangedOrNew(current, lines, '');
      lines.splice(insertAt, 0, line + '\n');
    }
    return unchangedOrNew(current, lines, 'line added');
  }
  lines.splice(insertAt, 0, line + '\n');
  return unchangedOrNew(current, lines, 'line added');
}
