/**
 * The sysctl probe: the live value (`sysctl -n KEY`, with its error when the key cannot be read) and the
 * persistence file's content, in one round trip. Also the pure pieces both probe and plan need: key and
 * value normalisation and the reading and editing of `sysctl.d(5)` files.
 */
import { quote } from '../transport/quote.ts';
import type { Probe } from '../core/task-contract.ts';
import type { ExecResult } from '../core/transport-types.ts';

/** What the probe found. */
export interface SysctlState {
  /** Exit code of `sysctl -n KEY` (non-zero: unknown key or not readable). */
  liveRc: number;
  /** The live value, whitespace normalised (tabs of multi-value keys become single spaces). */
  live: string;
  /** The last lines of sysctl's stderr, when it said something. */
  liveError: string;
  /** `file` exists as a regular file, `other` is something else (a directory...), `absent`. */
  fileType: 'file' | 'other' | 'absent';
  /** The file's content (empty unless `fileType` is `file`). */
  content: string;
  /** Whether the file's directory exists. */
  parentExists: boolean;
}

/** Directories where sysctl lives on hosts whose non-root PATH lacks them (CentOS 7). */
export const SYSCTL_PATH = 'PATH=$PATH:/usr/sbin:/sbin';

/**
 * Build the probe for one key and one file. Two processes on the host (`sysctl`, and `cat` when the file
 * exists): sysctl's stderr comes first in stdout, framed (fd 3), the raw value next, framed; the parser
 * normalises whitespace and keeps the error's last lines.
 */
export function sysctlProbe(key: string, file: string): Probe<SysctlState> {
  const command = [
    SYSCTL_PATH,
    `f=${quote(file)}`,
    'echo ---live-err---',
    `{ v=$(sysctl -n ${quote(key)} 2>&3 3>&-); r=$?; } 3>&1`,
    'printf \'\\n---live---\\n%s\\n---end-live---\\n\' "$v"',
    'echo "live_rc=$r"',
    'd=${f%/*}; if [ -d "${d:-/}" ]; then echo parent=yes; else echo parent=no; fi',
    'if [ -f "$f" ]; then echo file=file; echo ---file---; cat -- "$f"; elif [ -e "$f" ]; then echo file=other; else echo file=absent; fi',
  ].join('\n');
  return { command, parse: parseSysctl, local: true };
}

/** Pure parser of the probe's output. */
export function parseSysctl(result: ExecResult): SysctlState {
  if (result.code !== 0) throw new Error(`sysctl probe failed (exit ${result.code}): ${result.stderr.trim()}`);
  const out = result.stdout;
  const errAt = out.indexOf('---live-err---\n');
  const liveAt = errAt < 0 ? -1 : out.indexOf('\n---live---\n', errAt);
  const endAt = liveAt < 0 ? -1 : out.indexOf('\n---end-live---\n', liveAt);
  if (endAt < 0) throw new Error(`sysctl probe printed no result: ${JSON.stringify(out.slice(0, 200))}`);
  const errLines = out
    .slice(errAt + '---live-err---\n'.length, liveAt)
    .split('\n')
    .filter((l, i, all) => l !== '' || i < all.length - 1);
  const rest = out.slice(endAt + '\n---end-live---\n'.length);
  const marker = rest.indexOf('---file---\n');
  const head = marker < 0 ? rest : rest.slice(0, marker);
  const state: SysctlState = {
    liveRc: -1,
    live: normalizeSysctlValue(out.slice(liveAt + '\n---live---\n'.length, endAt)),
    liveError: errLines.slice(-3).join(' ').trim(),
    fileType: 'absent',
    content: '',
    parentExists: true,
  };
  for (const line of head.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'live_rc') state.liveRc = Number(value);
    else if (key === 'parent') state.parentExists = value === 'yes';
    else if (key === 'file') state.fileType = value as SysctlState['fileType'];
  }
  if (state.liveRc < 0) throw new Error(`sysctl probe printed no result: ${JSON.stringify(out.slice(0, 200))}`);
  if (marker >= 0) state.content = rest.slice(marker + '---file---\n'.length);
  return state;
}

/**
 * A value as the kernel shows it: whitespace collapsed to single spaces, integers without leading zeros
 * or plus signs (`vm.swappiness = 010` reads back as `10`).
 */
export function normalizeSysctlValue(value: string | number): string {
  return String(value)
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => (/^[+-]?\d+$/.test(w) ? BigInt(w).toString() : w))
    .join(' ');
}

/**
 * The dotted form of a key: `net/ipv4/ip_forward` → `net.ipv4.ip_forward`. As in sysctl, when the first
 * separator is a slash, slashes separate and dots are literal (`net/ipv4/conf/eth0.10/rp_filter` →
 * `net.ipv4.conf.eth0/10.rp_filter`).
 */
export function canonicalSysctlKey(key: string): string {
  const k = key.trim();
  const first = /[./]/.exec(k)?.[0];
  return first === '/' ? k.replace(/[./]/g, (c) => (c === '/' ? '.' : '/')) : k;
}

/** One line of a sysctl.d file that sets a key. */
export interface SysctlLine {
  /** Index of the line in the file (0-based). */
  index: number;
  /** The dotted key. */
  key: string;
  /** The value, normalised. */
  value: string;
}

/** The lines of a sysctl.d file (comments `#`/`;` and blank lines skipped; a leading `-` allowed). */
export function sysctlLines(content: string): SysctlLine[] {
  const out: SysctlLine[] = [];
  content.split('\n').forEach((line, index) => {
    const t = line.trim();
    if (!t || t.startsWith('#') || t.startsWith(';')) return;
    const eq = t.indexOf('=');
    if (eq < 0) return;
    out.push({ index, key: canonicalSysctlKey(t.slice(0, eq).replace(/^-/, '')), value: normalizeSysctlValue(t.slice(eq + 1)) });
  });
  return out;
}

/** The values a file sets for a key, in order (the last one wins when the file is loaded). */
export function sysctlFileValues(content: string, key: string): string[] {
  const k = canonicalSysctlKey(key);
  return sysctlLines(content)
    .filter((l) => l.key === k)
    .map((l) => l.value);
}

/**
 * Set a key in a file's content: the first line for the key becomes `KEY = VALUE`, later lines for it
 * are dropped (they would override it), or the line is appended. Other lines keep their bytes.
 */
export function setSysctlLine(content: string, key: string, value: string): string {
  const k = canonicalSysctlKey(key);
  const matches = sysctlLines(content)
    .filter((l) => l.key === k)
    .map((l) => l.index);
  const line = `${key} = ${value}`;
  if (!matches.length) return content === '' || content.endsWith('\n') ? `${content}${line}\n` : `${content}\n${line}\n`;
  const lines = content.split('\n');
  lines[matches[0]] = line;
  const drop = new Set(matches.slice(1));
  return lines.filter((_, i) => !drop.has(i)).join('\n');
}

/** Remove every line for a key from a file's content. */
export function removeSysctlLine(content: string, key: string): string {
  const k = canonicalSysctlKey(key);
  const drop = new Set(
    sysctlLines(content)
      .filter((l) => l.key === k)
      .map((l) => l.index),
  );
  return content
    .split('\n')
    .filter((_, i) => !drop.has(i))
    .join('\n');
}
