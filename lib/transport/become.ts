/**
 * `sudo` become, shared by the SSH and local transports: wrap a command line, feed the password on
 * standard input, and turn sudo's own refusals into errors that say what to do.
 */
import { constants } from 'node:os';
import { TaskFailedError } from '../core/errors.ts';
import { quote } from './quote.ts';
import type { BecomeOptions, ExecOptions, ExecResult } from '../core/transport-types.ts';

/** A resolved become request: whom to become and with which password (if any). */
export interface BecomeRequest {
  user: string;
  password?: string;
}

/** Transport-level become defaults, applied when an exec call does not say. */
export interface BecomeDefaults {
  /** Become for every call that does not pass `become` (Ansible's `ansible_become`). Default false. */
  become?: boolean | BecomeOptions;
  /** User for `become: true`. Default `root`. */
  becomeUser?: string;
  /** sudo password for `become: true` and for requests that give none. */
  becomePassword?: string;
}

/** Resolve a call's `become` option against the transport's defaults; `undefined` means no become. */
export function resolveBecome(option: ExecOptions['become'], defaults: BecomeDefaults): BecomeRequest | undefined {
  const chosen = option ?? defaults.become ?? false;
  if (chosen === false) return undefined;
  const given: BecomeOptions = chosen === true ? {} : chosen;
  return { user: given.user ?? defaults.becomeUser ?? 'root', password: given.password ?? defaults.becomePassword };
}

/**
 * Wrap a command for sudo. Without a password: `sudo -n` (never prompts; fails clearly instead).
 * With one: the password is the first line of stdin. When sudo would not ask (NOPASSWD or a cached
 * ticket) the shell reads that line away itself, so it never reaches the command's stdin.
 * sudo and `read` consume stdin one byte at a time, so the rest of stdin reaches the command intact.
 */
export function wrapBecome(command: string, request: BecomeRequest): string {
  const user = quote(request.user);
  const inner = `-H -u ${user} -- sh -c ${quote(command)}`;
  if (request.password === undefined) return `sudo -n ${inner}`;
  return `if sudo -n -u ${user} true 2>/dev/null; then IFS= read -r _ || :; exec sudo -n ${inner}; fi; ` + `exec sudo -S -p '' ${inner}`;
}

/** The stdin to send for a become request: the password line first, when there is a password. */
export function becomeStdin(stdin: string | Buffer | undefined, request: BecomeRequest | undefined): Buffer | undefined {
  const data = stdin === undefined ? undefined : Buffer.isBuffer(stdin) ? stdin : Buffer.from(stdin, 'utf8');
  if (request?.password === undefined) return data;
  return Buffer.concat([Buffer.from(request.password + '\n', 'utf8'), data ?? Buffer.alloc(0)]);
}

/**
 * Throw when sudo itself refused (rather than the command failing): no password given but one is
 * required, a wrong password, a user not allowed to sudo, or no sudo at all.
 */
export function checkBecomeResult(host: string, result: ExecResult, request: BecomeRequest): void {
  const stderr = result.stderr;
  const fail = (what: string) => {
    throw new TaskFailedError(`${host}: become (sudo -u ${request.user}) failed: ${what}`, { host, code: result.code, stderr });
  };
  if (result.code === 1 && /^sudo: (a password is required|a terminal is required)/m.test(stderr)) {
    fail(
      'sudo asks for a password and none was given; set the become password (ansible_become_password / becomePassword) or allow NOPASSWD in sudoers',
    );
  }
  if (result.code === 1 && /(^Sorry, try again\.|^sudo: \d+ incorrect password attempts?)/m.test(stderr)) {
    fail('sudo rejected the become password; check ansible_become_password / becomePassword');
  }
  // sudo 1.9 prints these without its "sudo: " prefix.
  const refused = /^(?:sudo: )?(.* is not in the sudoers file.*|Sorry, user \S+ is not allowed to execute .*|.* may not run sudo.*)$/m.exec(stderr);
  if (result.code === 1 && refused) {
    // The refusal quotes the whole (long) command line: keep the sentence, not the script.
    const line = refused[1].replace(/ to execute '[\s\S]*' as /, ' to execute commands as ');
    fail(`the connecting user may not use sudo here: ${line}`);
  }
  if (result.code === 1 && /^sudo: unknown user/m.test(stderr)) fail(`unknown user ${request.user}`);
  if (result.code === 127 && /sudo: (command )?not found|sudo: No such file/.test(stderr)) {
    fail('sudo is not installed on the host; install it or connect as the target user');
  }
}

/** Exit code for a process ended by a signal: 128 + its number, as shells report it; -1 when unknown. */
export function signalExitCode(signal: string | null | undefined): number {
  if (!signal) return -1;
  const name = (signal.startsWith('SIG') ? signal : `SIG${signal}`) as NodeJS.Signals;
  const number = constants.signals[name];
  return number === undefined ? -1 : 128 + number;
}
