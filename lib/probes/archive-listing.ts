/**
 * Archive listings for `unarchive`: GNU `tar -tvf` and `unzip -l` output parsed into members (path, type,
 * size), and the probe: one command that checks `creates`, lists the archive when it is on the host, and
 * lists what the destination folder holds under the archive's top-level names (type, size, owner, group,
 * NUL-separated).
 */
import { quote } from '../transport/quote.ts';
import type { Probe } from '../core/task-contract.ts';
import type { ExecResult } from '../core/transport-types.ts';

/** One member of an archive. */
export interface ArchiveMember {
  path: string;
  /** `f` file, `d` directory, `l` symlink, `h` hard link, `o` other. */
  type: 'f' | 'd' | 'l' | 'h' | 'o';
  size: number;
}

/** One path under the destination. */
export interface DestEntry {
  type: 'f' | 'd' | 'l' | 'o';
  size: number;
  owner: string;
  group: string;
}

/** What the unarchive probe returns. */
export interface UnarchiveState {
  /** `creates` exists (nothing else matters then). */
  creates?: boolean;
  /** The destination folder exists. */
  destExists: boolean;
  /** The archive on the host (remoteSrc): whether it exists and its members. */
  remote?: { exists: boolean; members: ArchiveMember[]; error?: string };
  /** Paths under dest (relative), for the archive's top-level names. */
  dest: Record<string, DestEntry>;
}

const cleanPath = (p: string) => p.replace(/^(\.\/)+/, '').replace(/\/+$/, '');

/** Parse GNU `tar -tvf` output (LANG=C): `-rw-r--r-- root/root 5 2026-12-06 12:00 path`. */
export function parseTarListing(text: string): ArchiveMember[] {
  const out: ArchiveMember[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S)\S*\s+\S+\s+([\d,]+)\s+\S+\s+\S+\s(.*)$/.exec(line);
    if (!m) continue;
    const kind = m[1];
    let name = m[3];
    if (kind === 'l') name = name.replace(/ -> .*$/, '');
    if (kind === 'h') name = name.replace(/ link to .*$/, '');
    const path = cleanPath(name);
    if (path === '' || path === '.') continue;
    const type = kind === '-' ? 'f' : kind === 'd' ? 'd' : kind === 'l' ? 'l' : kind === 'h' ? 'h' : 'o';
    out.push({ path, type, size: type === 'f' ? Number(m[2]) : 0 });
  }
  return out;
}

/** Parse `unzip -l` output: the lines between the two dashed lines, `SIZE DATE TIME NAME`. */
export function parseZipListing(text: string): ArchiveMember[] {
  const out: ArchiveMember[] = [];
  let inside = false;
  for (const line of text.split('\n')) {
    if (/^-{5,}/.test(line.trim())) {
      if (inside) break;
      inside = true;
      continue;
    }
    if (!inside) continue;
    const m = /^\s*(\d+)\s+\S+\s+\S+\s+(.*)$/.exec(line);
    if (!m) continue;
    const dir = m[2].endsWith('/');
    const path = cleanPath(m[2]);
    if (path) out.push({ path, type: dir ? 'd' : 'f', size: dir ? 0 : Number(m[1]) });
  }
  return out;
}

/** List a zip file's members from its central directory (no unzip needed on the controller; no zip64). */
export function zipMembers(bytes: Buffer): ArchiveMember[] {
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65557); i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = bytes.readUInt16LE(eocd + 10);
  let at = bytes.readUInt32LE(eocd + 16);
  const out: ArchiveMember[] = [];
  for (let i = 0; i < count; i++) {
    if (bytes.readUInt32LE(at) !== 0x02014b50) throw new Error('broken zip central directory');
    const size = bytes.readUInt32LE(at + 24);
    const nameLength = bytes.readUInt16LE(at + 28);
    const skip = nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    const unixMode = bytes.readUInt32LE(at + 38) >>> 16;
    const raw = bytes.toString('utf8', at + 46, at + 46 + nameLength);
    const path = cleanPath(raw);
    const type = raw.endsWith('/') ? 'd' : (unixMode & 0xf000) === 0xa000 ? 'l' : 'f';
    if (path) out.push({ path, type, size: type === 'f' ? size : 0 });
    at += 46 + skip;
  }
  return out;
}

/** Whether an archive path is a zip (by its name); everything else is read by tar, which detects gzip/xz/bzip2 itself. */
export const isZip = (path: string) => /\.zip$/i.test(path);

/** The top-level names of a member list (what the destination listing looks at). */
export function topNames(members: readonly ArchiveMember[]): string[] {
  return [...new Set(members.map((m) => m.path.split('/')[0]))].sort();
}

/** Build the probe. `tops`: the top-level names (known for a controller archive); with `remoteSrc` they come from the listing on the host. */
export function unarchiveProbe(p: { dest: string; creates?: string; remoteSrc?: string; tops?: string[] }): Probe<UnarchiveState> {
  const lines = ['export LANG=C LC_ALL=C', 'set -f', `d=${quote(p.dest)}`];
  if (p.creates !== undefined) lines.push(`if [ -e ${quote(p.creates)} ]; then echo creates=yes; exit 0; fi`, 'echo creates=no');
  lines.push('if [ -d "$d" ]; then echo dest=yes; else echo dest=no; exit 0; fi');
  if (p.remoteSrc !== undefined) {
    const a = quote(p.remoteSrc);
    const list = isZip(p.remoteSrc) ? `unzip -l ${a}` : `tar -tvf ${a}`;
    lines.push(
      `if [ ! -f ${a} ]; then echo archive=no; exit 0; fi`,
      `l=$(${list} 2>&1) || { echo archive=unreadable; printf '%s\\n' "$l" | tail -n 3; exit 0; }`,
      'echo archive=yes',
      'echo ---listing---',
      'printf \'%s\\n\' "$l"',
      'echo ---end---',
      // The top-level names, from the listing itself.
      isZip(p.remoteSrc)
        ? `set -- $(unzip -Z1 ${a} | sed 's|^\\./||; s|/.*||' | sort -u)`
        : `set -- $(tar -tf ${a} | sed 's|^\\./||; s|/.*||' | grep -v '^\\.\\?$' | sort -u)`,
    );
  } else {
    lines.push(`set -- ${(p.tops ?? []).map(quote).join(' ')}`);
  }
  lines.push(
    'echo ---dest---',
    'cd -- "$d" || exit 1',
    'for n in "$@"; do if [ -e "$n" ] || [ -L "$n" ]; then find "$n" -printf "%y %s %u %g %p\\0"; fi; done',
  );
  return { command: lines.join('\n'), parse: parseUnarchive, local: true };
}

/** Pure parser of the probe's output. */
export function parseUnarchive(result: ExecResult): UnarchiveState {
  if (result.code !== 0) throw new Error(`unarchive probe failed (exit ${result.code}): ${result.stderr.trim()}`);
  const [head, destPart = ''] = result.stdout.split('---dest---\n');
  const state: UnarchiveState = { destExists: false, dest: {} };
  const [before, rest = ''] = head.split('---listing---\n');
  for (const line of before.split('\n')) {
    const [k, v] = line.split('=');
    if (k === 'creates') state.creates = v === 'yes';
    else if (k === 'dest') state.destExists = v === 'yes';
    else if (k === 'archive')
      state.remote = {
        exists: v !== 'no',
        members: [],
        ...(v === 'unreadable' ? { error: before.split('archive=unreadable\n')[1]?.trim() ?? '' } : {}),
      };
  }
  if (state.remote && rest) {
    const listing = rest.split('\n---end---')[0];
    state.remote.members = /^\s*Length\s+Date/m.test(listing) ? parseZipListing(listing) : parseTarListing(listing);
  }
  for (const record of destPart.split('\0')) {
    const m = /^(\S) (\d+) (\S+) (\S+) ([\s\S]+)$/.exec(record);
    if (!m) continue;
    const type = (['f', 'd', 'l'].includes(m[1]) ? m[1] : 'o') as DestEntry['type'];
    state.dest[m[5]] = { type, size: Number(m[2]), owner: m[3], group: m[4] };
  }
  return state;
}
