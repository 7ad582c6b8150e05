/**
 * The steps of an apply as the console shows them under `--check -vv`: one numbered line per step (id,
 * label), then what it runs: the command, the path, the wait; stdin and upload content as size and
 * SHA-256 only (the bytes themselves are never shown).
 */
import type { DescribedStep } from '../core/run-events.ts';

const bytes = (b: unknown): string => {
  const { bytes: n, sha256 } = (b ?? {}) as { bytes?: number; sha256?: string };
  return `${n} bytes, sha256 ${sha256}`;
};

/** Lines (indented, uncoloured) describing the steps a task would run. */
export function renderSteps(steps: readonly DescribedStep[]): string[] {
  const out = ['  steps it would run:'];
  steps.forEach((s, i) => {
    out.push(`  ${i + 1}. [${s.id}] ${s.label}`);
    const more = (text: string) => out.push(`       ${text}`);
    if (s.when) {
      const w = s.when as { step: string; codes: number[] };
      more(`only when step ${w.step} exited ${w.codes.join(' or ')}`);
    }
    if (s.uses) more(`uses ${String(s.uses)}`);
    switch (s.kind) {
      case 'exec': {
        String(s.command)
          .split('\n')
          .forEach((l, n) => more(`${n === 0 ? '$ ' : '  '}${l}`));
        if (s.stdin) more(`stdin: ${bytes(s.stdin)}`);
        if (s.okCodes !== undefined) more(`goes on after exit ${s.okCodes === 'any' ? 'any code' : (s.okCodes as number[]).join(', ')}`);
        if (s.timeoutMs !== undefined) more(`timeout ${Number(s.timeoutMs) / 1000} s`);
        if (s.mayDisconnect) more('the connection may drop (not a failure)');
        if (s.onFailure) more(`on failure: ${(s.onFailure as { label: string }).label}`);
        break;
      }
      case 'upload':
        more(`upload to ${String(s.path)}${s.mode ? ` (mode ${String(s.mode)})` : ''}: ${bytes(s.content)}`);
        break;
      case 'download':
        more(`download ${String(s.from)} to ${String(s.to)}${s.sha256 ? ` (sha256 ${String(s.sha256)})` : ''}`);
        break;
      case 'reconnect': {
        const u = s.until as { command: string; differsFrom?: string };
        more(
          `wait up to ${String(s.timeoutSeconds)} s${s.delaySeconds ? ` (first after ${String(s.delaySeconds)} s)` : ''} until \`${u.command}\` succeeds${u.differsFrom !== undefined ? ` with another output than ${u.differsFrom}` : ''}`,
        );
        break;
      }
    }
  });
  return out;
}
