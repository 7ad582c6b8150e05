/** Asking for a password on the terminal without echoing it (Python's getpass). */
import { openSync, readSync, writeSync, closeSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import type { PasswordPrompt } from './secrets.ts';

/**
 * A prompt on the controlling terminal (`/dev/tty`), echo off; undefined when there is no terminal
 * (batch runs, CI), so the caller refuses `--ask-vault-pass` clearly instead of hanging.
 */
export function ttyPrompt(): PasswordPrompt | undefined {
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    return undefined;
  }
  closeSync(fd);
  return async (question) => {
    const tty = openSync('/dev/tty', 'r+');
    const stty = (arg: string) => {
      try {
        execFileSync('stty', [arg], { stdio: [tty, 'ignore', 'ignore'] });
      } catch {
        // No stty: the answer is echoed, which is still better than no prompt.
      }
    };
    try {
      writeSync(tty, question);
      stty('-echo');
      const bytes: number[] = [];
      const one = Buffer.alloc(1);
      while (readSync(tty, one, 0, 1, null) === 1 && one[0] !== 10 && one[0] !== 13) bytes.push(one[0]);
      return Buffer.from(bytes).toString('utf8');
    } finally {
      stty('echo');
      writeSync(tty, '\n');
      closeSync(tty);
    }
  };
}
