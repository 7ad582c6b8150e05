/**
 * The run options every command line maps the same way, from parsed values (parse.ts) to the options of
 * `run()`: numbers checked and converted, check/diff/limit and the SSH settings.
 */
import type { RunPlaybookOptions } from '../run.ts';
import type { OptionValues } from './options.ts';

/** The numeric run options, converted; or the message for a bad one. */
export interface NumericRunOptions {
  forks?: number;
  connectTimeoutMs?: number;
  connectRetries?: number;
  hostLockWaitMs?: number;
}

/** `--forks`, `--connect-timeout`, `--connect-retries`, `--host-lock-wait` checked and converted, or the error message. */
export function numericOptions(values: OptionValues<'forks' | 'connect-timeout' | 'connect-retries' | 'host-lock-wait'>): NumericRunOptions | string {
  const out: NumericRunOptions = {};
  if (values['connect-retries'] !== undefined) {
    out.connectRetries = Number(values['connect-retries']);
    if (!Number.isInteger(out.connectRetries) || out.connectRetries < 0)
      return `--connect-retries must be a whole number of further attempts (0 or more), got "${values['connect-retries']}"`;
  }
  if (values['host-lock-wait'] !== undefined) {
    const s = Number(values['host-lock-wait']);
    if (!(s >= 0) || values['host-lock-wait'].trim() === '')
      return `--host-lock-wait must be a number of seconds (0 or more), got "${values['host-lock-wait']}"`;
    out.hostLockWaitMs = s * 1000;
  }
  if (values.forks !== undefined) {
    out.forks = Number(values.forks);
    if (!Number.isInteger(out.forks) || out.forks < 1) return `--forks must be a positive integer, got "${values.forks}"`;
  }
  if (values['connect-timeout'] !== undefined) {
    const s = Number(values['connect-timeout']);
    if (!(s > 0)) return `--connect-timeout must be a positive number of seconds, got "${values['connect-timeout']}"`;
    out.connectTimeoutMs = s * 1000;
  }
  return out;
}

/** The run options every command line maps the same way (check, diff, limit, SSH settings). */
export function sharedRunOptions(
  values: OptionValues<'check' | 'diff' | 'limit' | 'known-hosts' | 'accept-new-host-keys' | 'no-host-lock' | 'ssh-config'>,
): Pick<RunPlaybookOptions, 'check' | 'diff' | 'limit' | 'knownHostsFile' | 'acceptNewHostKeys' | 'hostLock' | 'sshConfigFile'> {
  return {
    check: values.check,
    diff: values.diff,
    limit: values.limit,
    knownHostsFile: values['known-hosts'],
    acceptNewHostKeys: values['accept-new-host-keys'],
    ...(values['no-host-lock'] ? { hostLock: false } : {}),
    sshConfigFile: values['ssh-config'],
  };
}

/** Values of a repeatable comma-list option (`-t a,b -t c`) as one list, blanks dropped. */
export const splitList = (values: string[] | undefined): string[] =>
  (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
