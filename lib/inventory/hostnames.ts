/**
 * Host entries as Ansible reads them in inventory files: an optional `:port` suffix (`db1:2222`,
 * `[::1]:22`), then ranges expanded (`node[1:3]`, `node[01:10]` keeps the zero padding,
 * `www[01:50:2]` has a stride, `db-[a:f]` is alphabetic, several ranges multiply).
 */

/** A host entry expanded: the host names and the port given after `:`, if any. */
export interface HostEntry {
  names: string[];
  port?: number;
}

// The pieces of Ansible's parse_address() regular expressions (ansible/parsing/utils/addresses.py).
const NUMERIC_RANGE = String.raw`\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const HEX_RANGE = String.raw`\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]`;
const ALNUM_RANGE = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const IPV4_PART = `(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${NUMERIC_RANGE})`;
const IPV6_PART = `(?:[0-9a-f]{1,4}|${HEX_RANGE})`;
// Python's \w in a str pattern is Unicode-aware: letters, digits, underscore.
const W = String.raw`[\p{L}\p{N}\p{M}_]`;
const LABEL = `(?:${W}|${ALNUM_RANGE})(?:${W}|-|${ALNUM_RANGE})*(?<![_-])`;

const BRACKETED_HOSTPORT = /^\[(.+)\]:([0-9]+)$/;
const HOSTPORT = /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/;
const IPV4 = new RegExp(String.raw`^(?:${IPV4_PART}\.){3}${IPV4_PART}$`, 'i');
const HOSTNAME = new RegExp(String.raw`^${LABEL}(?:\.${LABEL})*$`, 'iu');
const IPV6 = new RegExp(
  String.raw`^(?:(?:${IPV6_PART}:){7}${IPV6_PART}|(?:${IPV6_PART}:){1,7}:|(?:(?:${IPV6_PART}:)*${IPV6_PART})?::(?:(?:${IPV6_PART}:)*${IPV6_PART})?|(?:${IPV6_PART}:){6}(?:${IPV4_PART}\.){3}${IPV4_PART})(?:%\S+)?$`,
  'i',
);

/**
 * Split `host:port` the way Ansible's `parse_address(allow_ranges=True)` does. Returns undefined when
 * the text is not a recognisable host name or address; Ansible then uses the whole text as the name.
 */
export function parseAddress(text: string): { host: string; port?: number } | undefined {
  let address = text;
  let port: number | undefined;
  for (const re of [BRACKETED_HOSTPORT, HOSTPORT]) {
    const m = re.exec(address);
    if (m) {
      address = m[1];
      port = Number(m[2]);
    }
  }
  if (IPV4.test(address) || IPV6.test(address) || HOSTNAME.test(address)) return { host: address, port };
  return undefined;
}

/** Expand every `[begin:end(:step)]` range of a name (Ansible's expand_hostname_range). */
export function expandRanges(name: string): string[] {
  const open = name.indexOf('[');
  if (open < 0) return [name];
  const close = name.indexOf(']', open);
  if (close < 0) throw new Error(`host range "${name}" has no closing "]"`);
  const head = name.slice(0, open);
  const tail = name.slice(close + 1);
  const bounds = name.slice(open + 1, close).split(':');
  if (bounds.length !== 2 && bounds.length !== 3) throw new Error(`host range "${name}" must be [begin:end] or [begin:end:step]`);
  const beg = bounds[0] === '' ? '0' : bounds[0];
  const end = bounds[1];
  const stepText = bounds[2] ?? '1';
  if (!end) throw new Error(`host range "${name}" must specify an end value`);
  if (!/^\d+$/.test(stepText) || Number(stepText) < 1) throw new Error(`host range "${name}": step must be a positive integer`);
  const step = Number(stepText);
  let width = 0;
  if (beg[0] === '0' && beg.length > 1) {
    if (beg.length !== end.length) throw new Error(`host range "${name}": begin and end must have the same width (${beg}, ${end})`);
    width = beg.length;
  }
  const items: string[] = [];
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  if (beg.length === 1 && end.length === 1 && letters.includes(beg) && letters.includes(end)) {
    const from = letters.indexOf(beg);
    const to = letters.indexOf(end);
    if (from > to) throw new Error(`host range "${name}" must have begin <= end`);
    for (let i = from; i <= to; i += step) items.push(letters[i]);
  } else {
    if (!/^\d+$/.test(beg) || !/^\d+$/.test(end)) throw new Error(`host range "${name}": bounds must be numbers or single letters`);
    for (let i = Number(beg); i <= Number(end); i += step) items.push(width ? String(i).padStart(width, '0') : String(i));
  }
  const out: string[] = [];
  for (const item of items) out.push(...expandRanges(head + item + tail));
  return out;
}

/** Expand an inventory host entry: optional port, then ranges. Throws with a readable reason. */
export function expandHostEntry(entry: string): HostEntry {
  const parsed = parseAddress(entry);
  const pattern = parsed ? parsed.host : entry;
  const names = pattern.includes('[') ? expandRanges(pattern) : [pattern];
  return parsed?.port === undefined ? { names } : { names, port: parsed.port };
}
