/**
 * The `validate` argument of `file`, `line` and `block`, run the way Ansible runs it: the string is split
 * into words like Python's `shlex.split` (POSIX quoting, no comments, no shell), `%s` in any word becomes
 * the temporary file's path, and the words run as one command. The path is always exactly one word, so
 * `'%s'`, a `#` or a `$` in the command mean what they say and nothing is interpreted by a shell.
 */
import { quote } from '../transport/quote.ts';

/** Split like Python's `shlex.split(s)` (POSIX mode, `#` is not a comment). Throws on an open quote. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error('no closing quotation');
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let inner = '';
      for (i++; i < text.length && text[i] !== '"'; i++) {
        // Inside double quotes a backslash escapes only `"` and `\` (shlex's escapedquotes).
        if (text[i] === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) i++;
        inner += text[i];
      }
      if (i >= text.length) throw new Error('no closing quotation');
      word = (word ?? '') + inner;
    } else if (c === '\\') {
      if (i + 1 >= text.length) throw new Error('no escaped character');
      word = (word ?? '') + text[++i];
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Why a `validate` string cannot be used, or undefined (for the task types' `check`). */
export function validateProblem(validate: string | undefined): string | undefined {
  if (validate === undefined) return undefined;
  let words: string[];
  try {
    words = shellWords(validate);
  } catch (error) {
    return `validate ${JSON.stringify(validate)}: ${(error as Error).message}`;
  }
  if (!words.length) return 'validate is empty';
  if (!words.some((w) => w.includes('%s'))) return `validate ${JSON.stringify(validate)} must contain %s (the temporary file's path)`;
  return undefined;
}

/**
 * Shell text running `validate` with `%s` replaced by `pathWord` (shell text for ONE word, e.g. `"$t"`):
 * every word quoted, the path spliced in by split/join (never `String.replace`, whose `$` patterns would
 * rewrite user text).
 */
export function validateCommandText(validate: string, pathWord: string): string {
  return shellWords(validate)
    .map(
      (w) =>
        w
          .split('%s')
          .map((part) => (part === '' ? '' : quote(part)))
          .join(pathWord) || "''",
    )
    .join(' ');
}
