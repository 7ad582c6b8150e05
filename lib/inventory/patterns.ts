/**
 * Host patterns, as in a play's `hosts:` and `--limit`, with Ansible's semantics:
 *
 * | pattern              | meaning                                                     |
 * |----------------------|-------------------------------------------------------------|
 * | `all`, `*`           | every host                                                  |
 * | `web`, `node1`       | a group's hosts (child groups included), or one host        |
 * | `a:b`, `a,b`         | union                                                       |
 * | `a:&b`               | intersection: hosts in both                                 |
 * | `a:!b`               | exclusion: hosts in a but not in b                          |
 * | `web*`, `*.lan`      | glob over group and host names                              |
 * | `~web\d+`            | regular expression (matched from the start of the name)     |
 * | `web[0]`, `web[1:3]` | subscript: the first host, the 2nd to 4th hosts of `web`    |
 * | `@file`              | one pattern per line of the file (a retry file, `--limit`)  |
 *
 * Plain patterns apply first, then `&` ones, then `!` ones, whatever their order in the text.
 * Hosts come out in the order the patterns produce them (Ansible's default `order: inventory`).
 */
import { fnmatchRegExp } from '../core/fnmatch.ts';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ValidationError } from '../core/errors.ts';
import { parseAddress } from './hostnames.ts';
import { groupHosts } from './host-var-layers.ts';
import type { Inventory } from './inventory-types.ts';

/** Options of {@link selectHosts}. */
export interface SelectOptions {
  /** `--limit`: only hosts that also match this pattern are kept. */
  limit?: string;
  /** Folder that `@file` patterns are relative to (default: the working directory). */
  baseDir?: string;
  /** Called for each pattern that matches no group or host (Ansible warns and ignores it). */
  onUnmatched?: (pattern: string) => void;
}

/** Split a pattern list on `,` and on `:` (but not inside `[x:y]` ranges or a `host:port`). */
export function splitPattern(pattern: string): string[] {
  const out: string[] = [];
  for (const part of pattern.split(',')) {
    const p = part.trim();
    if (!p) continue;
    if (!p.includes(':') || (parseAddress(p) && !/[&!~*?]/.test(p))) out.push(p);
    else out.push(...(p.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? []));
  }
  return out.map((p) => p.trim()).filter(Boolean);
}

/** Expand `@file` entries into the patterns listed in the file, one per line. */
function expandFiles(patterns: string[], baseDir: string): string[] {
  const out: string[] = [];
  for (const p of patterns) {
    if (!p.startsWith('@')) {
      out.push(p);
      continue;
    }
    const file = resolve(baseDir, p.slice(1));
    let text: string;
    try {
      if (statSync(file).isDirectory()) throw new Error('is a folder, not a file');
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ValidationError(`limit file ${p.slice(1)}: ${(error as Error).message}`, { source: p.slice(1) });
    }
    out.push(
      ...text
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#')),
    );
  }
  return out;
}

const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/;

/** Hosts matched by one pattern without its `&`/`!` prefix. */
function matchOne(inv: Inventory, raw: string, onUnmatched?: (p: string) => void): string[] {
  let pattern = raw;
  let subscript: [number, number | undefined] | undefined;
  const m = pattern.startsWith('~') ? null : SUBSCRIPT.exec(pattern);
  if (m) {
    pattern = m[1];
    subscript = m[2] !== undefined ? [Number(m[2]), undefined] : [Number(m[3]), m[5] ? Number(m[5]) : -1];
  }
  let matcher: RegExp;
  try {
    matcher = pattern.startsWith('~') ? new RegExp(`^(?:${pattern.slice(1)})`) : fnmatchRegExp(pattern);
  } catch {
    throw new ValidationError(`invalid host pattern "${raw}"`, { source: raw });
  }
  const results: string[] = [];
  const groups = [...inv.groups.keys()].filter((g) => matcher.test(g));
  for (const g of groups) results.push(...groupHosts(inv, g));
  if (groups.length === 0 || pattern.startsWith('~') || /[.?*[]/.test(pattern)) {
    for (const h of inv.hosts.keys()) if (matcher.test(h)) results.push(h);
  }
  const unique = [...new Set(results)];
  if (unique.length === 0 && groups.length === 0 && pattern !== 'all') onUnmatched?.(raw);
  if (!subscript) return unique;
  const [start, end] = subscript;
  const at = (i: number) => (i < 0 ? unique.length + i : i);
  if (end === undefined) {
    const host = unique[at(start)];
    return host === undefined ? [] : [host];
  }
  return unique.slice(start, (end === -1 ? unique.length - 1 : end) + 1);
}

/**
 * Refuse a malformed pattern rather than read it as one that matches nothing (or everything): a lone `&`
 * or `!` (`a:&`, `!`), an empty `~` regexp, a regexp that does not compile, a subscript that is not
 * `[N]` or `[N:M]` (`all[a:b]`).
 */
export function checkPattern(whole: string, patterns: string[]): void {
  const bad = (what: string) => new ValidationError(`host pattern "${whole}": ${what}`, { source: whole });
  if (patterns.length === 0) throw bad('no pattern in it; use "all" for every host');
  for (const p of patterns) {
    const body = p[0] === '&' || p[0] === '!' ? p.slice(1) : p;
    if (body === '' || body === '&' || body === '!') throw bad(`"${p}" must be followed by a group or host name (e.g. "web:!db", "web:&prod")`);
    if (body.startsWith('~')) {
      if (body.length === 1) throw bad('"~" must be followed by a regular expression');
      try {
        new RegExp(body.slice(1));
      } catch (error) {
        throw bad(`"${body}" is not a valid regular expression: ${(error as Error).message}`);
      }
      continue;
    }
    const sub = /\[([^\]]*)\]$/.exec(body);
    if (sub?.[1].includes(':') && !SUBSCRIPT.test(body)) throw bad(`"${body}": a subscript must be [N], [N:M] or [N:] with numbers`);
  }
}

/** Evaluate a list of patterns: plain ones (union), then `&` (intersection), then `!` (exclusion). */
function evaluate(inv: Inventory, patterns: string[], onUnmatched?: (p: string) => void): string[] {
  const regular = patterns.filter((p) => p[0] !== '&' && p[0] !== '!');
  const ordered = [...(regular.length ? regular : ['all']), ...patterns.filter((p) => p[0] === '&'), ...patterns.filter((p) => p[0] === '!')];
  let hosts: string[] = [];
  for (const p of ordered) {
    if (inv.hosts.has(p)) {
      if (!hosts.includes(p)) hosts.push(p);
      continue;
    }
    const that = matchOne(inv, p[0] === '&' || p[0] === '!' ? p.slice(1) : p, onUnmatched);
    if (p[0] === '!') {
      const set = new Set(that);
      hosts = hosts.filter((h) => !set.has(h));
    } else if (p[0] === '&') {
      const set = new Set(that);
      hosts = hosts.filter((h) => set.has(h));
    } else {
      const have = new Set(hosts);
      hosts.push(...that.filter((h) => !have.has(h)));
    }
  }
  return hosts;
}

/**
 * The hosts a pattern selects, optionally narrowed by `--limit`. A pattern that matches nothing
 * yields `[]` (and `onUnmatched` is told), as in Ansible.
 */
export function selectHosts(inv: Inventory, pattern: string, options: SelectOptions = {}): string[] {
  const baseDir = options.baseDir ?? process.cwd();
  const parts = splitPattern(pattern);
  checkPattern(pattern, parts);
  let hosts = evaluate(inv, expandFiles(parts, baseDir), options.onUnmatched);
  if (options.limit !== undefined) {
    const limitParts = splitPattern(options.limit);
    checkPattern(options.limit, limitParts);
    const allowed = new Set(evaluate(inv, expandFiles(limitParts, baseDir), options.onUnmatched));
    hosts = hosts.filter((h) => allowed.has(h));
  }
  return hosts;
}
