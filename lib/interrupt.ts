/**
 * Ctrl-C and `kill` for the command lines: the first SIGINT/SIGTERM interrupts the run (no new task,
 * a short grace for what is in flight, then it is ended; `interrupted` and the recap are printed; exit
 * 130/143); a second one ends local commands' process groups and exits at once.
 */
import { constants } from 'node:os';
import { killLocalCommands } from './transport/local.ts';

/** The exit code of a run interrupted by `signal`: 128 + its number (SIGINT 130, SIGTERM 143). */
export function interruptExitCode(signal: string): number {
  const n = (constants.signals as Record<string, number>)[signal];
  return n === undefined ? 130 : 128 + n;
}

/**
 * Abort `controller` (reason: the signal's name) on the first SIGINT or SIGTERM, saying so on `err`;
 * on a second one kill every local command's process group and exit at once. Returns the function that
 * removes the handlers (call it when the run is over).
 */
export function abortOnSignals(controller: AbortController, err: NodeJS.WritableStream): () => void {
  const handler = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      err.write(
        `\n${signal}: interrupting: no new task starts, tasks in flight are ended; ${signal === 'SIGINT' ? 'Ctrl-C' : signal} again exits at once\n`,
      );
      controller.abort(signal);
      return;
    }
    killLocalCommands('SIGKILL');
    process.exit(interruptExitCode(signal));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
