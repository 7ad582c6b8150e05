/**
 * Test helper for interruption suites: start a hostwright program as a child process, collect its
 * output, wait for a condition by polling, and wait for its exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;

/** A started child: its process, output so far, and its exit. */
export interface Child {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Exit code, or 128 + signal number when killed by a signal. */
  exited: Promise<number>;
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** Start `node SCRIPT ARGS` from the repository root with extra environment. */
export function startChild(script: string, args: string[], env: Record<string, string> = {}): Child {
  const proc = spawn(join(root, 'node_modules/.bin/node'), [join(root, script), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number>((resolve) => proc.on('close', (code, signal) => resolve(code ?? 128 + (SIGNALS[signal ?? ''] ?? 0))));
  return { proc, stdout: () => out, stderr: () => err, exited };
}

/** Poll `check` every `everyMs` until it returns a value other than undefined/false; throws `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
  everyMs = 5,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Temporary files of hostwright's writes (`.hostwright.XXXXXX`) in a local directory, with their sizes. */
export function localTemps(dir: string): { name: string; size: number }[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith('.hostwright.'))
    .flatMap((name) => {
      try {
        return [{ name, size: statSync(join(dir, name)).size }];
      } catch {
        return [];
      }
    });
}

/** Run the `hostwright` command (lib/bin.ts) to its end, without colour; its exit code and output. */
export function hw(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'lib/bin.ts'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, out, err }));
  });
}
