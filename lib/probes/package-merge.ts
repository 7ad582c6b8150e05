/**
 * Package probes of one batch as ONE command. The common case of a converged rpm host (every queried
 * name installed under that name, one package each) costs one `rpm -q` for all the names instead of one
 * per name and probe; every other case (a name missing or only provided, several packages answering a
 * name, another manager) runs each probe's own command in turn, framed, in the same round trip. Either
 * way each probe gets exactly the output its own command prints, so the parser never sees a difference.
 */
import type { ProbeMerge } from '../core/task-contract.ts';
import type { ExecResult } from '../core/transport-types.ts';
import { quote } from '../transport/quote.ts';

/** First line of the one-`rpm -q` answer. */
const FAST = 'hw-pkg-fast';
/** Frames of the fallback: each probe's own output between a start line and its exit code. */
const START = '\x1ehw-pkg ';
const END = '\x1ehw-pkg-rc ';

/** What one merged probe asks: its plain names (no globs, no update check) and its own command. */
interface MergeItem {
  names: readonly string[];
  single: string;
}

/**
 * The merge of a package probe that asks `names` (plain names, pins, paths; no globs) of the database
 * only, with `single` its own command. `manager` keeps probes for different managers apart; `rpmFormat`
 * is the `--qf` the single command uses, so both paths print the same lines.
 */
export function packageMerge(manager: string, names: readonly string[], single: string, rpmFormat: string): ProbeMerge {
  return {
    kind: `package-query:${manager}`,
    item: JSON.stringify({ names, single } satisfies MergeItem),
    command: (items) => mergedCommand(manager, items.map(parseItem), rpmFormat),
    split: (result, items) => splitMerged(result, items.map(parseItem)),
  };
}

function parseItem(item: string): MergeItem {
  return JSON.parse(item) as MergeItem;
}

function uniqueNames(items: readonly MergeItem[]): string[] {
  return [...new Set(items.flatMap((i) => i.names))];
}

function mergedCommand(manager: string, items: readonly MergeItem[], rpmFormat: string): string {
  const names = uniqueNames(items);
  return [
    // The manager as the single command detects it, silently: only dnf and yum take the one-call path.
    `m=${quote(manager)}`,
    'if [ "$m" = auto ]; then m=none; for c in dnf yum apt-get; do if command -v $c >/dev/null 2>&1; then m=$c; break; fi; done',
    'else c=$m; [ "$c" = apt ] && c=apt-get; command -v $c >/dev/null 2>&1 || m=none; fi',
    'case $m in dnf|yum)',
    `  if o=$(rpm -q --qf '${rpmFormat}' -- ${names.map(quote).join(' ')} 2>/dev/null); then printf '${FAST}\\nmanager=%s\\n%s\\n' "$m" "$o"; exit 0; fi ;;`,
    'esac',
    ...items.map((item, i) => `printf '${START}${i}\\n'; (\n${item.single}\n); printf '\\n${END}${i} %d\\n' "$?"`),
  ].join('\n');
}

/** Each probe's own output, or undefined when the answer cannot be split with certainty. */
function splitMerged(result: ExecResult, items: readonly MergeItem[]): ExecResult[] | undefined {
  if (result.code !== 0) return undefined;
  if (result.stdout.startsWith(`${FAST}\n`)) {
    // One line per name, in the order asked; more (several packages answer a name) cannot be attributed.
    const [, manager, ...lines] = result.stdout.replace(/\n$/, '').split('\n');
    const names = uniqueNames(items);
    if (lines.length !== names.length || !lines.every((l) => l.startsWith('rpm\t')) || !/^manager=(dnf|yum)$/.test(manager)) return undefined;
    const lineOf = new Map(names.map((n, i) => [n, lines[i]]));
    return items.map((item) => ({
      code: 0,
      stdout: `${manager}\n${item.names.map((n) => `query\tname\t${n}\n${lineOf.get(n)}\n`).join('')}`,
      stderr: '',
    }));
  }
  const parts: ExecResult[] = [];
  let at = 0;
  for (let i = 0; i < items.length; i++) {
    const start = `${START}${i}\n`;
    if (!result.stdout.startsWith(start, at)) return undefined;
    const end = result.stdout.indexOf(`\n${END}${i} `, at + start.length);
    if (end < 0) return undefined;
    const lineEnd = result.stdout.indexOf('\n', end + 1);
    const code = Number(result.stdout.slice(end + 1 + END.length + String(i).length + 1, lineEnd));
    if (lineEnd < 0 || !Number.isInteger(code)) return undefined;
    parts.push({ code, stdout: result.stdout.slice(at + start.length, end), stderr: '' });
    at = lineEnd + 1;
  }
  return at === result.stdout.length ? parts : undefined;
}
