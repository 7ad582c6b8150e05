/**
 * File state probe: type, mode, owner, group, size, link target and SHA-256 in one round trip; the old
 * content (base64) only when a diff is wanted, the checksum differs and the file is small enough.
 */
import { quote } from '../transport/quote.ts';
import type { Probe } from '../core/task-contract.ts';
import type { ExecResult } from '../core/transport-types.ts';
import { fileStatItem, fileStatMerge, mergeablePath } from './file-stat-merge.ts';

/** What a path looks like on the host. */
export interface FileState {
  type: 'absent' | 'file' | 'directory' | 'link' | 'other';
  /** Octal permission bits as four digits, e.g. `0644`. */
  mode?: string;
  owner?: string;
  group?: string;
  /** Numeric owner and group, compared when the task gives ids (`owner: '0'`). */
  uid?: string;
  gid?: string;
  size?: number;
  /** Link target, for links. */
  target?: string;
  sha256?: string;
  /** Old content, when fetched for a diff. */
  content?: Buffer;
  /** Whether the parent directory exists. */
  parentExists: boolean;
  /**
   * With `follow`: `path` is a symlink and everything above describes the file it resolves to (on the
   * host, `readlink -f`), which is this path. Absent when `path` is not a link.
   */
  resolved?: string;
}

/** Largest file whose old content is fetched for a diff. */
export const DIFF_SIZE_LIMIT = 256 * 1024;

/**
 * Build the probe. `expectedSha256` lets the host decide on its own whether the old content is needed,
 * so a diff costs no extra round trip.
 */
export function fileStatProbe(
  path: string,
  options: { expectedSha256?: string; fetchContent?: boolean; sizeLimit?: number; follow?: boolean } = {},
): Probe<FileState> {
  const p = quote(path);
  const limit = options.sizeLimit ?? DIFF_SIZE_LIMIT;
  // Few processes on the host: stat's size is reused, dirname and cut are parameter expansions.
  const fetch = options.fetchContent
    ? `if [ "$s" != ${quote(options.expectedSha256 ?? '-')} ] && [ "$z" -le ${limit} ]; then echo ---content---; base64 -w0 < "$p"; echo; fi`
    : '';
  // follow: a symlink is resolved on the host and the file it points to is described instead.
  const follow = options.follow
    ? [
        'if [ -L "$p" ]; then r=$(readlink -f -- "$p") && [ -n "$r" ] || { echo "cannot resolve link $p" >&2; exit 1; }; printf "resolved=%s\\n" "$r"; p=$r; fi',
      ]
    : [];
  const command = [
    `p=${p}`,
    ...follow,
    'if [ -L "$p" ]; then t=link; elif [ -d "$p" ]; then t=directory; elif [ -f "$p" ]; then t=file; elif [ -e "$p" ]; then t=other; else t=absent; fi',
    'echo "type=$t"',
    // z: the size, the fourth of the six fields (the size limit of the content).
    'z=0; if [ "$t" != absent ]; then a=$(stat -c "%a %U %G %s %u %g" -- "$p"); echo "attrs=$a"; z=${a% * *}; z=${z##* }; fi',
    '[ "$t" = link ] && printf "target=%s\\n" "$(readlink -- "$p")"',
    'd=${p%/*}; [ -d "${d:-/}" ] && echo parent=yes || echo parent=no',
    `if [ "$t" = file ]; then s=$(sha256sum < "$p"); s=\${s%% *}; echo "sha256=$s"; ${fetch} fi`,
    'true',
  ].join('\n');
  // Several file probes of a batch become one command (file-stat-merge.ts); a path it cannot carry runs alone.
  const item = {
    path,
    follow: Boolean(options.follow),
    fetchContent: Boolean(options.fetchContent),
    expectedSha256: options.expectedSha256 ?? '-',
    sizeLimit: limit,
  };
  const merge = mergeablePath(path, item.fetchContent) ? { ...fileStatMerge, item: fileStatItem(item) } : undefined;
  return { command, parse: parseFileStat, local: true, ...(merge ? { merge } : {}) };
}

/** Pure parser of the probe's output. */
export function parseFileStat(result: ExecResult): FileState {
  if (result.code !== 0) throw new Error(`file probe failed (exit ${result.code}): ${result.stderr.trim()}`);
  const [head, content] = result.stdout.split('---content---\n');
  const state: FileState = { type: 'absent', parentExists: true };
  for (const line of head.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'type') state.type = value as FileState['type'];
    else if (key === 'attrs') {
      const [mode, owner, group, size, uid, gid] = value.split(' ');
      state.mode = mode.padStart(4, '0');
      state.owner = owner;
      state.group = group;
      state.size = Number(size);
      if (uid !== undefined) state.uid = uid;
      if (gid !== undefined) state.gid = gid;
    } else if (key === 'target') state.target = value;
    else if (key === 'parent') state.parentExists = value === 'yes';
    else if (key === 'sha256') state.sha256 = value;
    else if (key === 'resolved') state.resolved = value;
  }
  if (content !== undefined) state.content = Buffer.from(content.trim(), 'base64');
  return state;
}
