/**
 * Tree probe of the `copy` task: one command lists a path on the host (a file, or a directory and every
 * entry below it) with type, mode, owner, group, size and the SHA-256 of every regular file; with
 * `remoteSrc` the source on the host is listed by the same command. Records are NUL-terminated, so any
 * file name (spaces, newlines) survives.
 */
import { quote } from '../transport/quote.ts';
import type { Probe } from '../core/task-contract.ts';
import type { ExecResult } from '../core/transport-types.ts';

/** One path in a tree, relative to its root (`''` is the root itself). */
export interface TreeEntry {
  /** `f` file, `d` directory, `l` symlink, `o` anything else. */
  type: 'f' | 'd' | 'l' | 'o';
  /** Four octal digits, e.g. `0644`. */
  mode: string;
  owner: string;
  group: string;
  uid: string;
  gid: string;
  size: number;
  /** Regular files only. */
  sha256?: string;
}

/** A listed tree: absent, or its entries by relative path. */
export interface TreeListing {
  /** The absolute path listed. */
  path: string;
  /** Entries by relative path; empty when the path does not exist. `''` is the root. */
  entries: Record<string, TreeEntry>;
}

/** What the copy probe returns. */
export interface CopyState {
  /** Where the copy lands (dest, or dest/NAME when dest is a directory and a file or `dir` is copied). */
  target: TreeListing;
  /** The source tree on the host, with `remoteSrc`. */
  source?: TreeListing;
}

/** How the probe decides the target path from `dest`. */
export interface CopyProbeInputs {
  dest: string;
  /** Appended to dest when dest ends with `/` or is an existing directory (a copied file's name); or always (`dir` without a slash). */
  name?: string;
  /**
   * `always`: dest/NAME; `ifDir`: dest/NAME when dest ends with / or is a directory; `never`: dest;
   * `srcDir`: `always` when the remote source is a directory, else `ifDir`.
   */
  nameMode: 'always' | 'ifDir' | 'never' | 'srcDir';
  /** The source on the host (remoteSrc). */
  remoteSrc?: string;
}

// list PREFIX PATH: entries, then the checksums of the regular files (relative to the root).
const LIST = [
  'l() {',
  '  printf "%s\\0" "=$1 $2"',
  '  if [ -e "$2" ] || [ -L "$2" ]; then',
  '    find "$2" -printf "E %y %m %u %g %U %G %s %P\\0" || return 1',
  '    if [ -L "$2" ]; then :; elif [ -d "$2" ]; then (cd -- "$2" && find . -type f -exec sha256sum -z -- {} +) || return 1',
  '    elif [ -f "$2" ]; then sha256sum -z < "$2" || return 1; fi',
  '  fi',
  '}',
].join('\n');

/** Build the probe: one command. */
export function copyTreeProbe(inputs: CopyProbeInputs): Probe<CopyState> {
  const lines = [LIST, `t=${quote(inputs.dest)}`];
  const name = quote(inputs.name ?? '');
  const always = `t=\${t%/}/${name}`;
  const ifDir = `case $t in */) t=\${t}${name};; *) if [ -d "$t" ] && [ ! -L "$t" ]; then t=\${t}/${name}; fi;; esac`;
  if (inputs.nameMode === 'always') lines.push(always);
  else if (inputs.nameMode === 'ifDir') lines.push(ifDir);
  else if (inputs.nameMode === 'srcDir') lines.push(`if [ -d ${quote(inputs.remoteSrc ?? '')} ]; then ${always}; else ${ifDir}\nfi`);
  lines.push('l target "$t" || exit 1');
  // A missing remote source lists no entries: the plan says so (or "may change" after an earlier change).
  if (inputs.remoteSrc !== undefined) lines.push(`l source ${quote(inputs.remoteSrc)} || exit 1`);
  return { command: lines.join('\n'), parse: parseCopyTree, local: true };
}

/** Pure parser of the probe's output. */
export function parseCopyTree(result: ExecResult): CopyState {
  if (result.code !== 0) throw new Error(`copy probe failed (exit ${result.code}): ${result.stderr.trim()}`);
  const listings: Record<string, TreeListing> = {};
  let current: TreeListing | undefined;
  for (const record of result.stdout.split('\0')) {
    if (record === '') continue;
    if (record.startsWith('=')) {
      const space = record.indexOf(' ');
      current = { path: record.slice(space + 1), entries: {} };
      listings[record.slice(1, space)] = current;
    } else if (!current) {
      throw new Error(`copy probe printed no header before ${JSON.stringify(record.slice(0, 40))}`);
    } else if (record.startsWith('E ')) {
      // E TYPE MODE OWNER GROUP UID GID SIZE RELPATH (the path may hold spaces: everything after the 8th field)
      const m = /^E (\S) ([0-7]+) (\S+) (\S+) (\d+) (\d+) (\d+) ?([\s\S]*)$/.exec(record);
      if (!m) throw new Error(`copy probe: unreadable entry ${JSON.stringify(record.slice(0, 80))}`);
      const type = (['f', 'd', 'l'].includes(m[1]) ? m[1] : 'o') as TreeEntry['type'];
      current.entries[m[8]] = { type, mode: m[2].padStart(4, '0'), owner: m[3], group: m[4], uid: m[5], gid: m[6], size: Number(m[7]) };
    } else {
      // sha256sum -z: HASH, two spaces, ./REL (a tree) or - (a single file on stdin)
      const m = /^([0-9a-f]{64}) [ *]([\s\S]*)$/.exec(record);
      if (!m) throw new Error(`copy probe: unreadable checksum ${JSON.stringify(record.slice(0, 80))}`);
      const rel = m[2] === '-' ? '' : m[2].replace(/^\.\//, '');
      const entry = current.entries[rel];
      if (entry) entry.sha256 = m[1];
    }
  }
  if (!listings.target) throw new Error('copy probe printed no target');
  return listings.source ? { target: listings.target, source: listings.source } : { target: listings.target };
}
