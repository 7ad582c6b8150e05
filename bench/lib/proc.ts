/** Child processes for the bench: run, capture, time the wall clock from spawn to exit. */
import { spawn } from 'node:child_process';

/** What a finished child did. */
export interface Finished {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, in milliseconds. */
  wallMs: number;
}

/** Runs `cmd args` to completion (never rejects on a non-zero exit; check `code`). */
export function runTimed(cmd: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new Error(`bench: cannot run ${cmd}: ${e.message}`)));
    child.on('close', (code, signal) => {
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        wallMs: performance.now() - started,
      });
    });
  });
}

/** The last `lines` lines of a text, for error messages. */
export const tailOf = (text: string, lines = 15): string => text.trimEnd().split('\n').slice(-lines).join('\n');
