/**
 * What a run writes besides its console or JSON output, shared by playbooks and the ad-hoc command:
 * `--report FILE.html` and `--detailed-exitcode`.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { EventListener } from '../core/run-events.ts';
import { detailedExitCode } from './exit-code.ts';
import { htmlReporter } from './html/index.ts';

/** Listeners and the final exit code for the output options, or an error message for bad input. */
export interface RunOutputs {
  listeners: EventListener[];
  /** The exit code to return, given the run's own exit code and recap. */
  exitCode(code: number, recap: Record<string, { changed: number }>): number;
}

/** Check the output options and set up their listeners (nothing is written before the run ends). */
export function runOutputs(values: Record<string, unknown>, err: NodeJS.WritableStream): RunOutputs | string {
  const listeners: EventListener[] = [];
  const report = values.report;
  if (typeof report === 'string') {
    const path = resolve(report);
    const dir = dirname(path);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return `--report ${report}: folder ${dir} does not exist; create it or choose another path`;
    if (existsSync(path) && statSync(path).isDirectory()) return `--report ${report} is a folder; give a file name such as run.html`;
    listeners.push(
      htmlReporter(path, { onWritten: (p, bytes) => err.write(`hostwright: report written to ${p} (${Math.round(bytes / 1024)} KB)\n`) }),
    );
  }
  return {
    listeners,
    exitCode: (code, recap) => (values['detailed-exitcode'] ? detailedExitCode(code, recap) : code),
  };
}
