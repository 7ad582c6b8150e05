/**
 * The JSON reporter: one event per line (JSON Lines) and nothing else on its stream; the last line is the
 * `recap` event.
 */
import type { RunEvent } from '../core/run-events.ts';

/** Create a JSON Lines reporter writing to `stream` (default process.stdout). */
export function jsonReporter(stream: NodeJS.WritableStream = process.stdout): (event: RunEvent) => void {
  return (event) => {
    stream.write(JSON.stringify(event) + '\n');
  };
}
