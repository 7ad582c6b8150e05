/**
 * Reporting an ad-hoc run: the playbook console or JSON reporter, plus what an ad-hoc user comes for —
 * the command's output under each host's line, and the ok reason (`pong`, `etcd 3.4.23 is installed`).
 */
import type { EventListener, RunEvent } from '../core/run-events.ts';
import { consoleReporter } from '../report/console.ts';
import { jsonReporter } from '../report/json.ts';
import type { AdhocOutput } from './playbook.ts';

const indent = (text: string, prefix: string) =>
  text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');

/**
 * The listener of an ad-hoc run. Console: the playbook layout, then indented output lines. JSON: the same
 * events, with `rc`, `stdout` and `stderr` added to a host's `host-result` when its command ran.
 * `redact` masks secrets in that output (the events themselves come redacted from the engine).
 */
export function adhocReporter(
  outputs: ReadonlyMap<string, AdhocOutput>,
  options: { json?: boolean; stream: NodeJS.WritableStream; redact?: (text: string) => string },
): EventListener {
  const stream = options.stream;
  const redact = options.redact ?? ((text: string) => text);
  const masked = (o: AdhocOutput | undefined): AdhocOutput | undefined =>
    o && {
      rc: o.rc,
      ...(o.stdout !== undefined ? { stdout: redact(o.stdout) } : {}),
      ...(o.stderr !== undefined ? { stderr: redact(o.stderr) } : {}),
    };
  if (options.json) {
    const json = jsonReporter(stream);
    return (event: RunEvent) => {
      const output = event.event === 'host-result' && event.status !== 'failed' ? masked(outputs.get(event.host)) : undefined;
      json(output ? ({ ...event, ...output } as RunEvent) : event);
    };
  }
  const console = consoleReporter({ stream: stream as any });
  return (event: RunEvent) => {
    console(event);
    if (event.event !== 'host-result' || event.status === 'failed' || event.status === 'unreachable') return;
    const output = masked(outputs.get(event.host));
    const lines: string[] = [];
    if (output) {
      lines.push(`    rc=${output.rc ?? 0} >>`);
      if (output.stdout) lines.push(indent(output.stdout, '    '));
      if (output.stderr) lines.push(indent(output.stderr, '    stderr: '));
    } else if (event.status === 'ok' && event.message) lines.push(indent(event.message, '    '));
    // On a TTY the console reporter has just redrawn its progress line: clear it first (it redraws itself).
    const clear = (stream as { isTTY?: boolean }).isTTY ? '\r\x1b[2K' : '';
    if (lines.length) stream.write(clear + lines.join('\n') + '\n');
  };
}
