/**
 * Renders plan diffs: unified diffs of file content (`--- before: PATH` / `+++ after: PATH`, 3 lines of
 * context, via the `diff` package) and `key: before → after` for any other state.
 */
import { createTwoFilesPatch } from 'diff';
import type { Diff } from '../core/task-contract.ts';

/** Render diffs as plain text lines (no colour). */
export function renderDiff(diffs: readonly Diff[]): string[] {
  const out: string[] = [];
  for (const d of diffs) {
    if (d.kind === 'note') out.push(d.text);
    else if (d.kind === 'state') out.push(`${d.key}: ${d.before} → ${d.after}`);
    else {
      const patch = createTwoFilesPatch(`before: ${d.path}`, `after: ${d.path}`, d.before, d.after, undefined, undefined, { context: 3 });
      // Drop the "Index:"/"===" preamble the diff package adds; keep ---/+++ and hunks.
      const lines = patch.split('\n').filter((l) => !l.startsWith('Index:') && !/^=+$/.test(l));
      while (lines.length && lines[lines.length - 1] === '') lines.pop();
      out.push(...lines.map((l) => l.replace(/^(---|\+\+\+) (before|after): (.*?)\t$/, '$1 $2: $3')));
    }
  }
  return out;
}
