/**
 * Python `re` patterns, as Ansible's `lineinfile` / `blockinfile` use them, translated to JS RegExps
 * with the same matching semantics, plus Python's `match.expand()` for `backrefs` templates.
 *
 * Ansible compiles patterns as *bytes* patterns and searches each line *with* its trailing `\n`, so the
 * translation keeps Python's meaning of the parts where JS differs:
 * - `^` / `$` / `\A` / `\Z`: Python `$` also matches before a final `\n` ("foo$" matches "foo\n"); under
 *   `(?m)` they match around `\n` only (JS also treats `\r`, U+2028, U+2029 as line ends). Emitted as
 *   lookarounds, so the JS `m` / `s` flags are never used.
 * - `.` matches anything but `\n` (JS also stops at `\r`, which matters in CRLF files).
 * - `\s` is ASCII whitespace ` \t\n\r\f\v` (JS adds Unicode spaces); `\a` is BEL; `\A`, `\Z` exist.
 * - `(?P<name>...)`, `(?P=name)`, `(?#comment)`, `{,n}`, a `]` first in a class, global flags
 *   `(?aiLmsux)` at the start, scoped flags `(?i:...)`, verbose mode `(?x)`.
 * - Unknown ASCII-letter escapes (`\e`, `\q`) and references to undefined groups are errors, as in Python.
 *
 * Known differences, documented rather than emulated: the file is matched as text, not bytes, so `.`
 * matches one character rather than one byte of a UTF-8 sequence, and `(?i)` also folds non-ASCII letters;
 * `\S` inside a class keeps JS's Unicode meaning; possessive quantifiers, atomic groups and conditionals
 * `(?(1)a|b)` are refused with an error.
 */
import { HostwrightError } from '../core/errors.ts';

/** A pattern Python's `re` (or JS) refuses, or one that has no JS translation. */
export class PythonRegexError extends HostwrightError {
  override name = 'PythonRegexError';
}

/** A translated pattern: the RegExp, and whether the pattern turned on Python's MULTILINE flag. */
export interface PythonRegExp {
  regexp: RegExp;
  /** `(?m)` at the start: blockinfile then searches the whole file instead of line by line. */
  multiline: boolean;
}

interface Scope {
  m: boolean;
  s: boolean;
  x: boolean;
}

const SPACE_CLASS_BODY = ' \\t\\n\\r\\f\\v';
const START = '(?<![\\s\\S])';
const END = '(?![\\s\\S])';
const LETTER = /[A-Za-z]/;
const DIGIT = /[0-9]/;
const OCTAL = /^[0-7]{3}/;

/** Python octal escape (`\0`, `\012`, `\141`) at `body` (the text after the backslash), or undefined. */
function octalEscape(body: string): { text: string; length: number } | undefined {
  const three = OCTAL.exec(body);
  if (three && body[0] <= '3') return { text: hexChar(parseInt(three[0], 8)), length: 3 };
  if (body[0] === '0') {
    const zero = /^0[0-7]{0,2}/.exec(body)!;
    return { text: hexChar(parseInt(zero[0], 8)), length: zero[0].length };
  }
  return undefined;
}

function hexChar(code: number): string {
  return '\\x' + code.toString(16).padStart(2, '0');
}

/**
 * Translate a Python `re` pattern into a JS RegExp with the same meaning (see the module comment).
 * @throws PythonRegexError naming the pattern and the reason, for patterns Python or JS cannot compile.
 */
export function pythonRegExp(pattern: string): PythonRegExp {
  const fail = (why: string): never => {
    throw new PythonRegexError(`invalid regular expression ${JSON.stringify(pattern)}: ${why}`);
  };
  let pos = 0;
  const flags: Scope & { i: boolean } = { i: false, m: false, s: false, x: false };
  // Global flags are only allowed at the very start (Python 3.11 refuses them anywhere else).
  for (let m = /^\(\?([aiLmsux]+)\)/.exec(pattern); m; m = /^\(\?([aiLmsux]+)\)/.exec(pattern.slice(pos))) {
    for (const f of m[1]) if (f === 'i' || f === 'm' || f === 's' || f === 'x') flags[f] = true;
    pos += m[0].length;
  }
  const scopes: Scope[] = [{ m: flags.m, s: flags.s, x: flags.x }];
  const names = new Set<string>();
  let groups = 0;
  let out = '';

  while (pos < pattern.length) {
    const scope = scopes[scopes.length - 1];
    const c = pattern[pos];
    if (scope.x && /\s/.test(c)) {
      pos++;
      continue;
    }
    if (scope.x && c === '#') {
      const nl = pattern.indexOf('\n', pos);
      pos = nl < 0 ? pattern.length : nl + 1;
      continue;
    }
    if (c === '\\') {
      const body = pattern.slice(pos + 1);
      if (body === '') fail('bad escape (end of pattern)');
      const e = body[0];
      const octal = octalEscape(body);
      if (octal) {
        out += octal.text;
        pos += 1 + octal.length;
        continue;
      }
      if (DIGIT.test(e)) {
        const ref = /^[0-9]{1,2}/.exec(body)![0];
        if (Number(ref) > groups) fail(`invalid group reference ${ref}`);
        out += `(?:\\${ref})`;
        pos += 1 + ref.length;
        continue;
      }
      pos += 2;
      if (e === 'A') out += START;
      else if (e === 'Z') out += END;
      else if (e === 's') out += `[${SPACE_CLASS_BODY}]`;
      else if (e === 'S') out += `[^${SPACE_CLASS_BODY}]`;
      else if (e === 'a') out += '\\x07';
      else if (e === 'x') {
        if (!/^x[0-9a-fA-F]{2}/.test(body)) fail(`incomplete escape \\${body.slice(0, 3)}`);
        out += '\\x';
      } else if ('bBdDwWfnrtv'.includes(e)) out += '\\' + e;
      else if (LETTER.test(e)) fail(`bad escape \\${e}`);
      else out += '\\' + e;
      continue;
    }
    if (c === '[') {
      const cls = translateClass(pattern, pos, fail);
      out += cls.text;
      pos = cls.end;
      continue;
    }
    if (c === '(') {
      const open = openGroup(pattern.slice(pos), scope, names, fail);
      if (open.capturing) groups++;
      if (open.scope) scopes.push(open.scope);
      out += open.text;
      pos += open.length;
      continue;
    }
    if (c === ')') {
      if (scopes.length === 1) fail(`unbalanced parenthesis at position ${pos}`);
      scopes.pop();
      out += ')';
      pos++;
      continue;
    }
    if (c === '{') {
      const q = /^\{(\d*)(,?)(\d*)\}/.exec(pattern.slice(pos));
      if (q && (q[1] || q[2])) {
        out += q[2] ? `{${q[1] || '0'},${q[3]}}` : q[0];
        pos += q[0].length;
        if (pattern[pos] === '+') fail('possessive quantifiers have no JS equivalent');
      } else {
        out += '\\{';
        pos++;
      }
      continue;
    }
    if ((c === '*' || c === '+' || c === '?') && pattern[pos + 1] === '+') {
      fail('possessive quantifiers have no JS equivalent'); // `a*+`, `a++`, `a?+` (Python 3.11)
    }
    if (c === '.') out += scope.s ? '[\\s\\S]' : '[^\\n]';
    else if (c === '^') out += scope.m ? '(?<![^\\n])' : START;
    else if (c === '$') out += scope.m ? '(?![^\\n])' : `(?=\\n?${END})`;
    else out += c;
    pos++;
  }
  if (scopes.length !== 1) fail('missing ), unterminated subpattern');
  try {
    return { regexp: new RegExp(out, flags.i ? 'i' : ''), multiline: flags.m };
  } catch (e) {
    return fail((e as Error).message);
  }
}

/** What an opening parenthesis becomes: JS text, pattern length consumed, and the scope it opens. */
interface OpenGroup {
  text: string;
  length: number;
  capturing: boolean;
  scope?: Scope;
}

/** Translate the group opening at the start of `rest` (which starts with `(`). */
function openGroup(rest: string, scope: Scope, names: Set<string>, fail: (why: string) => never): OpenGroup {
  let m: RegExpExecArray | null;
  if ((m = /^\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest))) {
    if (names.has(m[1])) fail(`redefinition of group name ${m[1]}`);
    names.add(m[1]);
    return { text: `(?<${m[1]}>`, length: m[0].length, capturing: true, scope: { ...scope } };
  }
  if ((m = /^\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/.exec(rest))) {
    if (!names.has(m[1])) fail(`unknown group name ${m[1]}`);
    return { text: `(?:\\k<${m[1]}>)`, length: m[0].length, capturing: false };
  }
  if ((m = /^\(\?#[^)]*\)/.exec(rest))) return { text: '', length: m[0].length, capturing: false };
  if ((m = /^\(\?(:|=|!|<=|<!)/.exec(rest))) return { text: m[0], length: m[0].length, capturing: false, scope: { ...scope } };
  if ((m = /^\(\?([aiLmsux]*)(?:-([imsx]*))?:/.exec(rest))) {
    // Scoped flags: `i` maps to a JS modifier group; `m`, `s`, `x` change how the inside is translated.
    const on = m[1],
      off = m[2] ?? '';
    const flag = (f: 'm' | 's' | 'x') => on.includes(f) || (scope[f] && !off.includes(f));
    const iOn = on.includes('i') ? 'i' : '',
      iOff = off.includes('i') ? '-i' : '';
    return {
      text: iOn || iOff ? `(?${iOn}${iOff}:` : '(?:',
      length: m[0].length,
      capturing: false,
      scope: { m: flag('m'), s: flag('s'), x: flag('x') },
    };
  }
  if (/^\(\?[aiLmsux]+\)/.test(rest)) fail('global flags not at the start of the expression');
  if (/^\(\?[(>]/.test(rest)) fail('conditional and atomic groups have no JS equivalent');
  if (rest.startsWith('(?')) fail(`unknown extension ${rest.slice(0, 3)}`);
  return { text: '(', length: 1, capturing: true, scope: { ...scope } };
}

/** Translate the character class starting at `start` (a `[`); returns the JS text and the index after it. */
function translateClass(pattern: string, start: number, fail: (why: string) => never): { text: string; end: number } {
  let pos = start + 1;
  let text = '[';
  if (pattern[pos] === '^') {
    text += '^';
    pos++;
  }
  if (pattern[pos] === ']') {
    text += '\\]';
    pos++;
  } // a leading `]` is literal in Python, an empty class in JS
  while (pos < pattern.length && pattern[pos] !== ']') {
    const c = pattern[pos];
    if (c === '\\') {
      const body = pattern.slice(pos + 1);
      if (body === '') break;
      const e = body[0];
      const octal = octalEscape(body);
      if (octal) {
        text += octal.text;
        pos += 1 + octal.length;
        continue;
      }
      pos += 2;
      if (e === 's') text += SPACE_CLASS_BODY;
      else if (e === 'a') text += '\\x07';
      else if (e === 'b') text += '\\x08';
      else if ('dDwWSfnrtvx'.includes(e)) text += '\\' + e;
      else if (LETTER.test(e) || DIGIT.test(e)) fail(`bad escape \\${e}`);
      else text += '\\' + e;
      continue;
    }
    text += c === '[' ? '\\[' : c;
    pos++;
  }
  if (pos >= pattern.length) fail(`unterminated character set at position ${start}`);
  return { text: text + ']', end: pos + 1 };
}

const TEMPLATE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/**
 * Python's `match.expand(template)`: `\1`..`\99`, `\g<1>`, `\g<name>` are groups (an unmatched group
 * is empty), `\n` `\t` `\\` etc. are escapes, other non-letter escapes stay as written.
 * @throws PythonRegexError for bad escapes and references to groups the pattern does not have.
 */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  const fail = (why: string): never => {
    throw new PythonRegexError(`invalid backrefs template ${JSON.stringify(template)}: ${why}`);
  };
  const group = (ref: string): string => {
    if (/^[0-9]+$/.test(ref)) {
      if (Number(ref) >= match.length) fail(`invalid group reference ${ref}`);
      return match[Number(ref)] ?? '';
    }
    if (!match.groups || !(ref in match.groups)) fail(`unknown group name ${ref}`);
    return match.groups![ref] ?? '';
  };
  let out = '';
  for (let pos = 0; pos < template.length; ) {
    const c = template[pos];
    if (c !== '\\') {
      out += c;
      pos++;
      continue;
    }
    const body = template.slice(pos + 1);
    if (body === '') fail('bad escape (end of template)');
    const e = body[0];
    let m: RegExpExecArray | null;
    if (e === 'g') {
      if (!(m = /^g<([^>]*)>/.exec(body))) fail('missing group name or > after \\g');
      out += group(m![1]);
      pos += 1 + m![0].length;
    } else if ((m = /^([0-3][0-7]{2}|0[0-7]?)/.exec(body)) && (m[0][0] === '0' || m[0].length === 3)) {
      out += String.fromCharCode(parseInt(m[0], 8));
      pos += 1 + m[0].length;
    } else if ((m = /^[1-9][0-9]?/.exec(body))) {
      out += group(m[0]);
      pos += 1 + m[0].length;
    } else if (e in TEMPLATE_ESCAPES) {
      out += TEMPLATE_ESCAPES[e];
      pos += 2;
    } else if (LETTER.test(e)) {
      fail(`bad escape \\${e}`);
    } else {
      out += '\\' + e;
      pos += 2;
    }
  }
  return out;
}
