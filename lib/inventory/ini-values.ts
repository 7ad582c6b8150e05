/**
 * The two pieces of Python that decide what an Ansible INI inventory line means: `shlex.split(line,
 * comments=True)` for host lines and `ast.literal_eval` for values. Ansible 2.14 types every INI value
 * (inline host vars and `[group:vars]` alike) with `literal_eval`, keeping the raw text when that fails:
 * `0` is an int, `3.0` a float, `False` a bool, `[]` a list, `'a'` the string a, but `no`, `false` and
 * `010` stay strings. A Python comment after a literal is allowed (`8080 # port` is 8080), while a
 * value that is not a literal keeps its comment (`local # x` stays the string `local # x`).
 */

/**
 * Split a line like POSIX `shlex.split(line, comments=True)`; throws on an unclosed quote.
 * With `comments` false, `#` is an ordinary character.
 */
export function shlexSplit(line: string, comments = true): string[] {
  const tokens: string[] = [];
  let token = '';
  let inToken = false; // a token has started (possibly empty, from quotes)
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inToken) tokens.push(token);
      token = '';
      inToken = false;
      i++;
    } else if (c === '#' && comments) {
      break; // a comment runs to the end of the line, even right after a word
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error('No closing quotation');
      token += line.slice(i + 1, end);
      inToken = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new Error('No closing quotation');
        const d = line[i];
        if (d === '"') break;
        // Inside double quotes a backslash only escapes \ " $ ` and newline (POSIX shell rules).
        if (d === '\\' && i + 1 < line.length && '\\"$`\n'.includes(line[i + 1])) {
          token += line[i + 1];
          i += 2;
        } else {
          token += d;
          i++;
        }
      }
      inToken = true;
      i++;
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new Error('No escaped character');
      token += line[i + 1];
      inToken = true;
      i += 2;
    } else {
      token += c;
      inToken = true;
      i++;
    }
  }
  if (inToken) tokens.push(token);
  return tokens;
}

/** Thrown inside the literal parser when the text is not a Python literal. */
class NotLiteral extends Error {}

/**
 * Ansible's `_parse_value`: the value of a Python literal (numbers, strings, booleans, None, lists,
 * tuples, dicts, sets), or the text itself when it is not one.
 */
export function parseIniValue(text: string): unknown {
  try {
    return new LiteralParser(text).parseAll();
  } catch (error) {
    if (error instanceof NotLiteral) return text;
    throw error;
  }
}

// Python numeric literals: hex/octal/binary ints, floats ("3.0", ".5", "1e3"), decimal ints; "_" separators.
const NUMBER =
  /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*\.(?:\d(?:_?\d)*)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?|\d(?:_?\d)*[eE][+-]?\d(?:_?\d)*|\d(?:_?\d)*)/;

/** A small recursive-descent parser for the subset of Python that `ast.literal_eval` accepts. */
class LiteralParser {
  private pos = 0;
  private readonly src: string;
  constructor(src: string) {
    this.src = src;
  }

  parseAll(): unknown {
    const value = this.expr();
    this.skip();
    if (this.pos < this.src.length) throw new NotLiteral();
    return value;
  }

  /** Skip spaces, tabs and a trailing comment (a comment ends the logical line). */
  private skip(): void {
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === ' ' || c === '\t' || c === '\f') this.pos++;
      else if (c === '#') this.pos = this.src.length;
      else break;
    }
  }

  private peek(): string {
    this.skip();
    return this.src[this.pos] ?? '';
  }

  private eat(ch: string): boolean {
    if (this.peek() === ch) {
      this.pos++;
      return true;
    }
    return false;
  }

  private expr(): unknown {
    const c = this.peek();
    if (c === '-' || c === '+') {
      this.pos++;
      const v = this.expr();
      if (typeof v !== 'number') throw new NotLiteral();
      return c === '-' ? -v : v;
    }
    if (c === '[') {
      this.pos++;
      return this.items(']');
    }
    if (c === '(') {
      this.pos++;
      if (this.eat(')')) return [];
      const first = this.expr();
      if (this.eat(')')) return first; // parentheses around a single value, not a tuple
      if (!this.eat(',')) throw new NotLiteral();
      const rest = this.items(')');
      return [first, ...rest];
    }
    if (c === '{') return this.braces();
    if (c === "'" || c === '"') return this.strings();
    const rest = this.src.slice(this.pos);
    const word = /^[A-Za-z_]\w*/.exec(rest);
    if (word) {
      // String prefixes: r'..', b'..', u'..' (bytes are turned into text by Ansible's to_text).
      if (/^(?:[rRuUbB]|[bB][rR]|[rR][bB])$/.test(word[0]) && /['"]/.test(rest[word[0].length] ?? '')) {
        this.pos += word[0].length;
        return this.strings(/[rR]/.test(word[0]));
      }
      this.pos += word[0].length;
      if (word[0] === 'True') return true;
      if (word[0] === 'False') return false;
      if (word[0] === 'None') return null;
      throw new NotLiteral();
    }
    const num = NUMBER.exec(rest);
    if (num && num[0] !== '') {
      const t = num[0].replace(/_/g, '');
      this.pos += num[0].length;
      if (/[jJ]/.test(this.src[this.pos] ?? '')) throw new NotLiteral(); // complex numbers: keep the text
      if (/^0[xXoObB]/.test(t)) return Number(t.toLowerCase());
      if (/[.eE]/.test(t)) return Number(t);
      // Python 3 refuses leading zeros in decimal ints ("010"), except zeros only ("00").
      if (/^0\d/.test(t) && !/^0+$/.test(t)) throw new NotLiteral();
      if (/^[A-Za-z0-9_]/.test(this.src[this.pos] ?? '')) throw new NotLiteral();
      return Number(t);
    }
    throw new NotLiteral();
  }

  private items(close: string): unknown[] {
    const out: unknown[] = [];
    for (;;) {
      if (this.eat(close)) return out;
      out.push(this.expr());
      if (this.eat(close)) return out;
      if (!this.eat(',')) throw new NotLiteral();
    }
  }

  /** `{}` is a dict; `{1, 2}` a set (returned as a list, the closest JSON value). */
  private braces(): unknown {
    this.pos++;
    if (this.eat('}')) return {};
    const first = this.expr();
    if (this.eat(':')) {
      const out: Record<string, unknown> = {};
      let key = first;
      for (;;) {
        if (key !== null && typeof key === 'object') throw new NotLiteral(); // unhashable key
        out[String(key)] = this.expr();
        if (this.eat('}')) return out;
        if (!this.eat(',')) throw new NotLiteral();
        if (this.eat('}')) return out;
        key = this.expr();
        if (!this.eat(':')) throw new NotLiteral();
      }
    }
    if (Array.isArray(first) || (first !== null && typeof first === 'object')) throw new NotLiteral(); // unhashable
    if (this.eat('}')) return [first];
    if (!this.eat(',')) throw new NotLiteral();
    return [first, ...this.items('}')];
  }

  /** One or more adjacent string literals, concatenated as Python does. */
  private strings(raw = false): string {
    let out = this.string(raw);
    for (;;) {
      const save = this.pos;
      const c = this.peek();
      if (c === "'" || c === '"') out += this.string(false);
      else {
        this.pos = save;
        return out;
      }
    }
  }

  private string(raw: boolean): string {
    const q = this.src[this.pos];
    const triple = this.src.startsWith(q.repeat(3), this.pos);
    const quote = triple ? q.repeat(3) : q;
    this.pos += quote.length;
    let out = '';
    while (this.pos < this.src.length) {
      if (this.src.startsWith(quote, this.pos)) {
        this.pos += quote.length;
        return out;
      }
      const c = this.src[this.pos];
      if (c === '\\' && this.pos + 1 < this.src.length) {
        const n = this.src[this.pos + 1];
        if (raw) {
          out += c + n;
          this.pos += 2;
          continue;
        }
        const simple: Record<string, string> = {
          n: '\n',
          t: '\t',
          r: '\r',
          '\\': '\\',
          "'": "'",
          '"': '"',
          a: '\x07',
          b: '\b',
          f: '\f',
          v: '\v',
          '0': '\0',
        };
        if (n in simple) {
          out += simple[n];
          this.pos += 2;
        } else if (n === 'x' || n === 'u' || n === 'U') {
          const len = n === 'x' ? 2 : n === 'u' ? 4 : 8;
          const hex = this.src.slice(this.pos + 2, this.pos + 2 + len);
          if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw new NotLiteral();
          out += String.fromCodePoint(parseInt(hex, 16));
          this.pos += 2 + len;
        } else {
          out += c + n; // unknown escapes stay as written
          this.pos += 2;
        }
        continue;
      }
      if (!triple && c === '\n') throw new NotLiteral();
      out += c;
      this.pos++;
    }
    throw new NotLiteral(); // unterminated
  }
}
