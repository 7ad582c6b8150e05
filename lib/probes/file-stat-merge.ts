/**
 * Merged file probes: the file probes of one batch (file, line, replace and fetch tasks; getUrl builds its own) as ONE
 * command with a fixed number of processes: one `stat` for every path that exists, one `sha256sum` for
 * every regular file, one `readlink` for every link, one `cat | base64` for the contents wanted. Each
 * path is classified with shell builtins exactly as the single probe does it; only `follow` costs a
 * `readlink -f` per symlink. `split` rebuilds, per probe, the very output its own command prints, so
 * `parseFileStat` and the tasks do not know the difference; anything it cannot vouch for (a race: a file
 * that changed between `stat`, `sha256sum` and `cat`; a name that does not come back as sent) makes it
 * return undefined and the engine runs the probes alone.
 */
import { createHash } from 'node:crypto';
import { quote } from '../transport/quote.ts';
import type { ProbeMerge } from '../core/task-contract.ts';
import type { ExecResult } from '../core/transport-types.ts';

/** What one merged file probe asks: the single probe's inputs. */
export interface FileStatItem {
  path: string;
  follow: boolean;
  fetchContent: boolean;
  /** The single probe's expected checksum, `-` when none. */
  expectedSha256: string;
  sizeLimit: number;
}

/**
 * Whether a probe can travel in the merged command: its line formats need paths without a newline; the
 * contents are cut by the sizes stat gives, which /proc and /sys files do not have (their whole batch
 * would be asked again alone).
 */
export function mergeablePath(path: string, fetchContent = false): boolean {
  // `-` is stdin to stat, sha256sum and cat; '' names nothing.
  if (fetchContent && /^\/+(proc|sys)(\/|$)/.test(path)) return false;
  return path !== '' && path !== '-' && !/[\n\0]/.test(path);
}

/** The item string of a probe (ProbeMerge items are strings). */
export function fileStatItem(item: FileStatItem): string {
  return JSON.stringify([item.path, item.follow ? 1 : 0, item.fetchContent ? 1 : 0, item.expectedSha256, item.sizeLimit]);
}

function decode(item: string): FileStatItem {
  const [path, follow, fetchContent, expectedSha256, sizeLimit] = JSON.parse(item) as [string, number, number, string, number];
  return { path, follow: follow === 1, fetchContent: fetchContent === 1, expectedSha256, sizeLimit };
}

// The host side, POSIX sh. Lists are newline-separated (paths carry no newline) and expanded with
// IFS=newline and globbing off, so one command gets them all as separate arguments.
const FUNCTIONS = [
  "nl='\n'",
  'hw_all= hw_alli= hw_reg= hw_regi= hw_lnk= hw_lnki= hw_cat= hw_xi=',
  // hw_c INDEX PATH FOLLOW: classify like the single probe; remember the path for stat, sha256sum, readlink.
  'hw_c() {',
  '  p=$2; r=',
  '  if [ "$3" = 1 ] && [ -L "$p" ]; then r=$(readlink -f -- "$p") && [ -n "$r" ] || { echo "c $1 !"; return 0; }; case $r in *"$nl"*) echo "c $1 ?"; return 0;; esac; p=$r; fi',
  '  if [ -L "$p" ]; then t=link; elif [ -d "$p" ]; then t=directory; elif [ -f "$p" ]; then t=file; elif [ -e "$p" ]; then t=other; else t=absent; fi',
  '  d=${p%/*}; if [ -d "${d:-/}" ]; then e=yes; else e=no; fi',
  '  printf "c %s %s %s %s\\n" "$1" "$t" "$e" "$r"',
  '  eval "hw_t$1=\\$t hw_p$1=\\$p"',
  '  if [ $t != absent ]; then hw_all=$hw_all$p$nl; hw_alli=$hw_alli$1$nl; fi',
  '  if [ $t = link ]; then hw_lnk=$hw_lnk$p$nl; hw_lnki=$hw_lnki$1$nl; fi',
  '  if [ $t = file ]; then hw_reg=$hw_reg$p$nl; hw_regi=$hw_regi$1$nl; fi',
  '}',
  // hw_w TAG OUTPUT INDICES: print the section (tag, exit code, line count check) and keep line k of
  // OUTPUT in hw_TAG<index k> for the content decision.
  'hw_w() {',
  '  o=$2$nl; x=$3; n=ok',
  '  while [ -n "$x" ]; do',
  '    [ -n "$o" ] || n=short',
  '    i=${x%%"$nl"*}; x=${x#*"$nl"}; l=${o%%"$nl"*}; o=${o#*"$nl"}',
  '    eval "hw_$1$i=\\$l"',
  '  done',
  '  [ -z "$o" ] || n=long',
  '  printf "%s %s %s\\n%s\\n" "$1" "$hw_rc" "$n" "$2"',
  '}',
  // hw_x INDEX EXPECTED LIMIT: the single probe\'s content condition (a file, another checksum, not too large).
  'hw_x() {',
  '  eval "t=\\$hw_t$1 s=\\$hw_h$1 a=\\$hw_a$1 p=\\$hw_p$1"',
  '  [ "$t" = file ] || return 0',
  '  s=${s#\\\\}; s=${s%% *}; z=${a#* * * }; z=${z%% *}',
  '  if [ "$s" != "$2" ] && [ "$z" -le "$3" ] 2>/dev/null; then hw_cat=$hw_cat$p$nl; hw_xi="$hw_xi $1"; fi',
  '}',
].join('\n');

const TAIL = [
  'IFS=$nl; set -f',
  'if [ -n "$hw_all" ]; then hw_o=$(stat -c "%a %U %G %s %u %g %n" -- $hw_all 2>/dev/null); hw_rc=$?; hw_w a "$hw_o" "$hw_alli"; fi',
  'if [ -n "$hw_lnk" ]; then hw_o=$(readlink -- $hw_lnk 2>/dev/null); hw_rc=$?; hw_w l "$hw_o" "$hw_lnki"; fi',
  'if [ -n "$hw_reg" ]; then hw_o=$(sha256sum -- $hw_reg 2>/dev/null); hw_rc=$?; hw_w h "$hw_o" "$hw_regi"; fi',
].join('\n');

/** The one command for several file probes. */
export function mergedFileStatCommand(items: readonly string[]): string {
  const decoded = items.map(decode);
  const lines = [FUNCTIONS];
  decoded.forEach((it, i) => lines.push(`hw_c ${i} ${quote(it.path)} ${it.follow ? 1 : 0}`));
  lines.push(TAIL);
  decoded.forEach((it, i) => {
    if (it.fetchContent) lines.push(`hw_x ${i} ${quote(it.expectedSha256)} ${quote(it.sizeLimit)}`);
  });
  lines.push('if [ -n "$hw_cat" ]; then echo "x$hw_xi"; cat -- $hw_cat 2>/dev/null | base64 -w0; echo; fi');
  lines.push('true');
  return lines.join('\n');
}

interface Classified {
  type: string;
  parent: string;
  resolved: string;
  /** The path stat, sha256sum and cat were given (the resolved one with follow). */
  path: string;
  attrs?: string;
  target?: string;
  sha256?: string;
  size?: number;
}

/** sha256sum's line `HASH  NAME`, or `\HASH  NAME` with `\\`, `\n`, `\r` escaped in NAME. */
function shaLine(line: string): { hash: string; name: string } | undefined {
  const escaped = line.startsWith('\\');
  const m = /^([0-9a-f]{64}) [ *](.*)$/s.exec(escaped ? line.slice(1) : line);
  if (!m) return undefined;
  const name = escaped ? m[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c)) : m[2];
  return { hash: m[1], name };
}

/**
 * Each probe's result, rebuilt from the merged output exactly as its own command prints it; undefined
 * when the output does not account for every path (a race, a name that did not come back as sent).
 */
export function splitFileStat(result: ExecResult, items: readonly string[]): ExecResult[] | undefined {
  if (result.code !== 0) return undefined;
  const decoded = items.map(decode);
  const lines = result.stdout.split('\n');
  let at = 0;
  const classes: (Classified | 'unresolved')[] = [];
  for (let i = 0; i < decoded.length; i++) {
    const line = lines[at++] ?? '';
    const head = `c ${i} `;
    if (!line.startsWith(head)) return undefined;
    const rest = line.slice(head.length);
    if (rest === '!') {
      classes.push('unresolved');
      continue;
    }
    const m = /^(link|directory|file|other|absent) (yes|no) (.*)$/s.exec(rest);
    if (!m) return undefined;
    const [, type, parent, resolved] = m;
    if (resolved !== '' && !decoded[i].follow) return undefined;
    classes.push({ type, parent, resolved, path: resolved || decoded[i].path });
  }
  const described = classes.filter((c): c is Classified => c !== 'unresolved');
  // One section per command, its lines in the order of the paths it was given.
  const section = (tag: string, members: Classified[], take: (c: Classified, line: string) => boolean): boolean => {
    if (members.length === 0) return true;
    if (lines[at++] !== `${tag} 0 ok`) return false;
    for (const c of members) if (!take(c, lines[at++] ?? '')) return false;
    return true;
  };
  const existing = described.filter((c) => c.type !== 'absent');
  const ok =
    section('a', existing, (c, line) => {
      if (!line.endsWith(` ${c.path}`)) return false;
      c.attrs = line.slice(0, -c.path.length - 1);
      const fields = c.attrs.split(' ');
      c.size = Number(fields[3]);
      return fields.length === 6;
    }) &&
    section(
      'l',
      described.filter((c) => c.type === 'link'),
      (c, line) => ((c.target = line), true),
    ) &&
    section(
      'h',
      described.filter((c) => c.type === 'file'),
      (c, line) => {
        const sha = shaLine(line);
        c.sha256 = sha?.hash;
        return sha?.name === c.path;
      },
    );
  if (!ok) return undefined;
  // The contents: the files the single probes would stream, in item order, cut by their sizes.
  const wanted = decoded.flatMap((it, i) => {
    const c = classes[i];
    if (!it.fetchContent || c === 'unresolved' || c.type !== 'file') return [];
    return c.sha256 !== it.expectedSha256 && c.size! <= it.sizeLimit ? [i] : [];
  });
  const contents = new Map<number, string>();
  if (wanted.length > 0) {
    if (lines[at++] !== `x ${wanted.join(' ')}`) return undefined;
    const all = Buffer.from(lines[at++] ?? '', 'base64');
    let offset = 0;
    for (const i of wanted) {
      const c = classes[i] as Classified;
      const part = all.subarray(offset, offset + c.size!);
      offset += c.size!;
      // A file that changed after sha256sum read it: its bytes are not the ones described.
      if (part.length !== c.size || createHash('sha256').update(part).digest('hex') !== c.sha256) return undefined;
      contents.set(i, part.toString('base64'));
    }
    if (offset !== all.length) return undefined;
  }
  if (lines.slice(at).join('\n') !== '') return undefined;
  return decoded.map((it, i) => {
    const c = classes[i];
    if (c === 'unresolved') return { code: 1, stdout: '', stderr: `cannot resolve link ${it.path}\n` };
    let out = c.resolved ? `resolved=${c.resolved}\n` : '';
    out += `type=${c.type}\n`;
    if (c.type !== 'absent') out += `attrs=${c.attrs}\n`;
    if (c.type === 'link') out += `target=${c.target}\n`;
    out += `parent=${c.parent}\n`;
    if (c.type === 'file') {
      out += `sha256=${c.sha256}\n`;
      const content = contents.get(i);
      if (content !== undefined) out += `---content---\n${content}\n`;
    }
    return { code: 0, stdout: out, stderr: '' };
  });
}

/** The merge of the file probe (without `item`: see {@link fileStatItem}). */
export const fileStatMerge: Omit<ProbeMerge, 'item'> = {
  kind: 'file-stat',
  command: mergedFileStatCommand,
  split: splitFileStat,
};
