/**
 * Splitting an ad-hoc `-a` string into words the way a POSIX shell (Python's `shlex`) would: blanks
 * separate words, '…' is literal, "…" honours `\"`, `\\`, `\$` and `` \` ``, a backslash outside quotes
 * escapes the next character. Nothing is expanded. Each word keeps where it stood in the text, so a
 * free-form command can be cut out of the original text with its quoting intact.
 */

/** One word of an argument string: its unquoted value and its place in the text (`text.slice(start, end)`). */
export interface Word {
  /** The word after unquoting. */
  value: string;
  /** Index of the word's first character in the text. */
  start: number;
  /** Index just after the word's last character. */
  end: number;
  /** Index of the first `=` that was neither quoted nor escaped, relative to `value`; -1 when none. */
  eq: number;
}

/** Split `text` into shell-like words. Throws an Error naming the problem on an unterminated quote. */
export function splitWords(text: string): Word[] {
  const words: Word[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i])) {
      i++;
      continue;
    }
    const start = i;
    let value = '';
    let eq = -1;
    while (i < text.length && !/\s/.test(text[i])) {
      const c = text[i];
      if (c === "'") {
        const close = text.indexOf("'", i + 1);
        if (close < 0) throw new Error(`unterminated single quote at column ${i + 1}`);
        value += text.slice(i + 1, close);
        i = close + 1;
      } else if (c === '"') {
        for (i++; ; i++) {
          if (i >= text.length) throw new Error(`unterminated double quote at column ${start + 1}`);
          if (text[i] === '"') break;
          if (text[i] === '\\' && '"\\$`\n'.includes(text[i + 1] ?? '')) i++;
          value += text[i];
        }
        i++;
      } else if (c === '\\') {
        if (i + 1 < text.length) value += text[i + 1];
        i += 2;
      } else {
        if (c === '=' && eq < 0) eq = value.length;
        value += c;
        i++;
      }
    }
    words.push({ value, start, end: i, eq });
  }
  return words;
}
