/**
 * The `stat` probe: everything about one path in one `stat` call plus an optional checksum, printed as
 * `key=value` lines and parsed by a pure function into Ansible's `stat` result shape.
 */
import { quote } from '../transport/quote.ts';
import type { Probe } from '../core/task-contract.ts';
import type { ExecResult } from '../core/transport-types.ts';

/** Checksum algorithms the host's coreutils provide. */
export type ChecksumAlgorithm = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/** What `stat` registers, with Ansible's field names (`result.stat.exists`, `result.stat.isdir`, ...). */
export interface PathStat {
  exists: boolean;
  path: string;
  /** Present when the path exists. */
  isreg?: boolean;
  isdir?: boolean;
  islnk?: boolean;
  isblk?: boolean;
  ischr?: boolean;
  isfifo?: boolean;
  issock?: boolean;
  /** Permission bits as four octal digits, e.g. `0644`. */
  mode?: string;
  uid?: number;
  gid?: number;
  pw_name?: string;
  gr_name?: string;
  size?: number;
  /** Seconds since the epoch. */
  mtime?: number;
  inode?: number;
  nlink?: number;
  /** Link target (links only, not followed). */
  lnk_target?: string;
  /** Checksum of a regular file with the chosen algorithm. */
  checksum?: string;
}

/** Options of {@link pathStatProbe}. */
export interface PathStatOptions {
  /** Follow a symbolic link and describe its target (default false, as Ansible's `follow`). */
  follow?: boolean;
  /** Checksum algorithm for regular files, or false for none (default `sha1`, as Ansible). */
  checksum?: ChecksumAlgorithm | false;
}

/** Build the probe of one path. */
export function pathStatProbe(path: string, options: PathStatOptions = {}): Probe<PathStat> {
  const algo = options.checksum === undefined ? 'sha1' : options.checksum;
  const L = options.follow ? '-L ' : '';
  const command = [
    `p=${quote(path)}`,
    // %F type, %a mode, %u/%g ids, %U/%G names, %s size, %Y mtime, %i inode, %h links; names last (may be UNKNOWN).
    `if s=$(stat ${L}-c '%F|%a|%u|%g|%s|%Y|%i|%h|%U|%G' -- "$p" 2>/dev/null); then printf 'stat=%s\\n' "$s"; else echo stat=absent; exit 0; fi`,
    `[ -L "$p" ] && printf 'target=%s\\n' "$(readlink -- "$p")"`,
    algo ? `[ -f "$p" ] && [ -r "$p" ] && { c=$(${algo}sum < "$p") && printf 'checksum=%s\\n' "\${c%% *}"; }` : '',
    'true',
  ]
    .filter(Boolean)
    .join('\n');
  return { command, parse: (r) => parsePathStat(r, path, Boolean(options.follow)), local: true };
}

const TYPES: Record<string, keyof PathStat> = {
  'regular file': 'isreg',
  'regular empty file': 'isreg',
  directory: 'isdir',
  'symbolic link': 'islnk',
  'block special file': 'isblk',
  'character special file': 'ischr',
  fifo: 'isfifo',
  socket: 'issock',
};

/** Pure parser of the probe's output. */
export function parsePathStat(result: ExecResult, path: string, follow = false): PathStat {
  if (result.code !== 0) throw new Error(`stat probe failed (exit ${result.code}): ${result.stderr.trim()}`);
  const line = /^stat=(.*)$/m.exec(result.stdout)?.[1];
  if (line === undefined) throw new Error(`stat probe printed no result: ${JSON.stringify(result.stdout.slice(0, 200))}`);
  if (line === 'absent') return { exists: false, path };
  const parts = line.split('|');
  if (parts.length < 10) throw new Error(`stat probe: unreadable line ${JSON.stringify(line)}`);
  const [type, mode, uid, gid, size, mtime, inode, nlink, user, group] = parts;
  const kind = TYPES[type] ?? TYPES[type.replace(/^fifo.*/, 'fifo')];
  const state: PathStat = {
    exists: true,
    path,
    isreg: kind === 'isreg',
    isdir: kind === 'isdir',
    islnk: kind === 'islnk',
    isblk: kind === 'isblk',
    ischr: kind === 'ischr',
    isfifo: kind === 'isfifo',
    issock: kind === 'issock',
    mode: mode.padStart(4, '0'),
    uid: Number(uid),
    gid: Number(gid),
    pw_name: user,
    gr_name: group,
    size: Number(size),
    mtime: Number(mtime),
    inode: Number(inode),
    nlink: Number(nlink),
  };
  const target = /^target=(.*)$/m.exec(result.stdout)?.[1];
  if (target !== undefined && !follow) state.lnk_target = target;
  const checksum = /^checksum=([0-9a-f]+)$/m.exec(result.stdout)?.[1];
  if (checksum && state.isreg) state.checksum = checksum;
  return state;
}
