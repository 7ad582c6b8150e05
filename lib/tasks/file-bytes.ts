/**
 * Lossless bytes ↔ text for the `line` and `block` edits: a file is decoded as UTF-8 where it is valid,
 * and every byte that is not part of a valid UTF-8 sequence becomes one lone surrogate U+DC80..U+DCFF
 * (Python's `surrogateescape`). Encoding turns those back into the very same bytes, so every byte an
 * edit does not change is written back unchanged: a Latin-1 `café` stays `63 61 66 E9`, a NUL stays a
 * NUL. Regexps keep their text meaning on the valid parts; an escaped byte matches `.` and `[^...]`.
 */

import { isUtf8 } from 'node:buffer';

const ESCAPE_BASE = 0xdc00;
const isEscaped = (code: number) => code >= 0xdc80 && code <= 0xdcff;
const ANY_ESCAPED = /[\udc80-\udcff]/;

/** Decode bytes to text without losing any byte (invalid UTF-8 bytes become U+DC80..U+DCFF). */
export function decodeBytes(bytes: Buffer): string {
  if (isUtf8Fast(bytes)) return bytes.toString('utf8');
  let out = '';
  let start = 0; // start of the pending run of valid UTF-8
  const flush = (end: number) => {
    if (end > start) out += bytes.toString('utf8', start, end);
  };
  for (let i = 0; i < bytes.length; ) {
    const length = validSequenceLength(bytes, i);
    if (length > 0) {
      i += length;
      continue;
    }
    flush(i);
    out += String.fromCharCode(ESCAPE_BASE + bytes[i]);
    i++;
    start = i;
  }
  flush(bytes.length);
  return out;
}

/** Encode text from {@link decodeBytes} (or any text) to bytes; escaped bytes become their original byte. */
export function encodeText(text: string): Buffer {
  if (!ANY_ESCAPED.test(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A low surrogate right after a high one is half of a real pair, not an escaped byte.
    if (!isEscaped(code) || (i > 0 && isHigh(text.charCodeAt(i - 1)))) continue;
    if (i > start) parts.push(Buffer.from(text.slice(start, i), 'utf8'));
    parts.push(Buffer.of(code - ESCAPE_BASE));
    start = i + 1;
  }
  if (start < text.length) parts.push(Buffer.from(text.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/** Text for display (diffs, messages): escaped bytes shown as `\xNN`. */
export function displayText(text: string): string {
  if (!ANY_ESCAPED.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    out += isEscaped(code) && !(i > 0 && isHigh(text.charCodeAt(i - 1))) ? `\\x${(code - ESCAPE_BASE).toString(16).padStart(2, '0')}` : text[i];
  }
  return out;
}

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;

// node:buffer's native check: most files are valid UTF-8 and decode in one step.
const isUtf8Fast = (bytes: Buffer) => isUtf8(bytes);

/** Length of the valid UTF-8 sequence at `i` (1-4), or 0 when the byte there does not start one. */
function validSequenceLength(b: Buffer, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  const cont = (k: number) => i + k < b.length && (b[i + k] & 0xc0) === 0x80;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (!cont(1) || !cont(2)) return 0;
    const c1 = b[i + 1];
    if (c === 0xe0 && c1 < 0xa0) return 0; // overlong
    if (c === 0xed && c1 >= 0xa0) return 0; // a surrogate
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    const c1 = b[i + 1];
    if (c === 0xf0 && c1 < 0x90) return 0; // overlong
    if (c === 0xf4 && c1 >= 0x90) return 0; // above U+10FFFF
    return 4;
  }
  return 0;
}
