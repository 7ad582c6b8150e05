/**
 * The fingerprint of a task's probed states (the `probe` field of host-result events; a saved plan is
 * checked against it). It is the SHA-256 of the states' JSON (Maps, Sets and bigints spelled out), and
 * it must stay that value. States can hold a file's old content as a Buffer (line, file with a diff): its
 * JSON, `{"type":"Buffer","data":[1,2,…]}`, is written here byte by byte straight into the hash instead
 * of through `Buffer.toJSON` and a replacer call per byte, which were most of a 1,000-task no-op's CPU.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Stands in for a Buffer in the JSON (random: no probed text can hold it). */
const BUFFER_MARK = `hw-buffer-${randomBytes(8).toString('hex')}-`;
const MARKS = new RegExp(`"${BUFFER_MARK}(\\d+)"`);

/** A short stable fingerprint of probed states (Maps, Sets and Buffers included; key order kept as parsed). */
export function stateFingerprint(states: unknown[]): string {
  const buffers: Buffer[] = [];
  const json = JSON.stringify(withMarks(states, buffers), (_k, v) =>
    v instanceof Map ? { map: [...v] } : v instanceof Set ? { set: [...v] } : typeof v === 'bigint' ? String(v) : v,
  );
  const hash = createHash('sha256');
  if (json === undefined) hash.update('undefined');
  else {
    // split with a capture group: text, buffer index, text, …
    const parts = buffers.length > 0 ? json.split(MARKS) : [json];
    parts.forEach((part, i) => hash.update(i % 2 === 0 ? part : bufferJson(buffers[Number(part)])));
  }
  return hash.digest('hex').slice(0, 32);
}

/** A copy of `v` whose Buffers are marks (everything else left for JSON.stringify as it was). */
function withMarks(v: unknown, buffers: Buffer[]): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Buffer.isBuffer(v)) return `${BUFFER_MARK}${buffers.push(v) - 1}`;
  // Dates and other objects with their own JSON form: as JSON.stringify writes them.
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return v;
  if (v instanceof Map) return { map: [...v].map((e) => withMarks(e, buffers)) };
  if (v instanceof Set) return { set: [...v].map((e) => withMarks(e, buffers)) };
  if (Array.isArray(v)) return v.map((e) => withMarks(e, buffers));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = withMarks((v as Record<string, unknown>)[k], buffers);
  return out;
}

const HEAD = Buffer.from('{"type":"Buffer","data":[');
const TAIL = Buffer.from(']}');

/** `JSON.stringify(buffer)` as bytes: the decimal values, comma-separated. */
function bufferJson(b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEAD.length + b.length * 4 + TAIL.length);
  let n = HEAD.copy(out, 0);
  for (let i = 0; i < b.length; i++) {
    if (i > 0) out[n++] = 44; // ,
    const v = b[i];
    if (v >= 100) out[n++] = 48 + ((v / 100) | 0);
    if (v >= 10) out[n++] = 48 + (((v / 10) | 0) % 10);
    out[n++] = 48 + (v % 10);
  }
  n += TAIL.copy(out, n);
  return out.subarray(0, n);
}
