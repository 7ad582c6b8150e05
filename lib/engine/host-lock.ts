/**
 * The per-host run lock: for the whole run, a long-lived command on the host's connection holds `flock`
 * on /run/hostwright/run.lock (or $TMPDIR/hostwright-run.lock where /run is not writable), so a second
 * run against the same host waits a bounded time and then fails that host, naming the holder. The lock
 * goes away with the holding command: when the run closes the connection, or the controller dies.
 */
import { hostname } from 'node:os';
import { TaskFailedError } from '../core/errors.ts';
import { quote } from '../transport/quote.ts';
import type { HeldCommand, Transport } from '../core/transport-types.ts';

/** Exit status of the lock command when the lock stayed held by another run for the whole wait. */
const HELD = 75;

/** Who holds a lock: this controller's host name, process id and the run's start time. */
export function lockHolder(startedAt: Date = new Date()): string {
  return `pid ${process.pid} on controller ${hostname()} since ${startedAt.toISOString()}`;
}

/**
 * The shell text that takes the lock (waiting at most `waitSeconds`), prints `locked`, and holds it until
 * stdin closes. `dir` is the lock's directory (default /run/hostwright; tests use their own). With
 * `firstBatch` (a probe batch script), the batch runs once the lock is held and its output follows on the
 * same line, base64-encoded (`locked OUTPUT`): the host's first probes cost no round trip of their own,
 * and they read the host only when no other run can be changing it.
 */
export function hostLockCommand(holder: string, waitSeconds: number, dir = '/run/hostwright', firstBatch?: string): string {
  return [
    `d=${quote(dir)}; f="$d/run.lock"`,
    'if ! { mkdir -p "$d" 2>/dev/null && [ -w "$d" ]; }; then d=${TMPDIR:-/tmp}; f="$d/hostwright-run.lock"; fi',
    'i="$f.holder"',
    // Without flock (util-linux) there is no lock to take: say so, and hold nothing.
    'command -v flock >/dev/null 2>&1 || { echo "nolock: flock is not installed"; exec cat >/dev/null; }',
    '[ -e "$f" ] || : >> "$f" 2>/dev/null',
    'exec 9<"$f" || { echo "nolock: cannot open $f"; exec cat >/dev/null; }',
    `if ! flock -n 9; then flock -w ${Math.max(0, Math.round(waitSeconds))} 9 || { printf 'held %s (lock %s)\\n' "$(cat "$i" 2>/dev/null || echo 'by an unknown process')" "$f"; exit ${HELD}; }; fi`,
    `printf '%s\\n' ${quote(holder)} > "$i" 2>/dev/null`,
    firstBatch ? `printf 'locked %s\\n' "$( (\n${firstBatch}\n) 2>/dev/null | base64 -w0)"` : 'echo locked',
    // Held until the controller closes stdin, or its connection ends (cat then sees the end of input).
    'cat >/dev/null',
    'rm -f "$i"',
  ].join('\n');
}

/** Options of {@link takeHostLock}. */
export interface HostLockOptions {
  /** How long to wait for another run's lock (default 30000 ms). */
  waitMs?: number;
  /** Who this run is (default {@link lockHolder}). */
  holder?: string;
  /** A probe batch script to run as soon as the lock is held (see {@link hostLockCommand}). */
  firstBatch?: string;
}

/** A run lock held on a host, with the output of the first probe batch when one was sent with it. */
export interface HostLock {
  held: HeldCommand;
  /** The first batch's stdout (undefined without a batch). */
  batchOutput?: string;
}

/**
 * Take the run lock on the transport's host. Resolves with the held command (release it when the run
 * ends) and the first batch's output, or `undefined` when the transport cannot hold commands or the host has no `flock`; throws a
 * TaskFailedError naming the holder when another run kept the lock for the whole wait.
 */
export async function takeHostLock(transport: Transport, options: HostLockOptions = {}): Promise<HostLock | undefined> {
  if (!transport.hold) return undefined;
  const waitMs = options.waitMs ?? 30_000;
  const held = await transport.hold(hostLockCommand(options.holder ?? lockHolder(), waitMs / 1000, undefined, options.firstBatch));
  if (held.line === 'locked') return { held };
  if (held.line.startsWith('locked ')) return { held, batchOutput: Buffer.from(held.line.slice(7), 'base64').toString('utf8') };
  if (held.line.startsWith('nolock')) {
    held.release();
    return undefined;
  }
  held.release();
  const holder = held.line.startsWith('held ')
    ? held.line.slice(5)
    : `(the lock command ended with exit ${held.exited?.code}: ${(held.exited?.stderr ?? held.line).trim()})`;
  throw new TaskFailedError(
    `${transport.name}: another hostwright run holds this host's run lock: ${holder}; waited ${waitMs / 1000} s. Try again when it is done, raise --host-lock-wait, or pass --no-host-lock`,
    { host: transport.name, code: held.exited?.code },
  );
}
