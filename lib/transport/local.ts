/**
 * The local transport (`ansible_connection=local`): runs commands on this machine through zx, with the
 * same semantics as the SSH transport (stdin, timeout, sudo become, exit codes, stats).
 */
import { spawn } from 'node:child_process';
import type { SpawnOptions } from 'node:child_process';
import { userInfo } from 'node:os';
import { TaskFailedError, UnreachableError } from '../core/errors.ts';
import { becomeStdin, checkBecomeResult, resolveBecome, signalExitCode, wrapBecome } from './become.ts';
import type { BecomeDefaults } from './become.ts';
import { putWithCat } from './put.ts';
import type { PutOptions } from './put.ts';
import { quote } from './quote.ts';
import type { ExecOptions, ExecResult, Transport, TransportStats } from '../core/transport-types.ts';
import type { Shell } from 'zx';

/** Options of the local transport. */
export interface LocalTransportOptions extends BecomeDefaults {
  /** Inventory name of the host (often `localhost`). */
  name: string;
}

/**
 * Hand the command line to `/bin/sh -c` unchanged. zx's default runs bash with `set -euo pipefail`
 * prepended, and Node warns about `shell: true` with arguments; remote hosts run POSIX sh, so must we.
 */
const spawnSh = ((command: string, _args: readonly string[], options: SpawnOptions) => {
  // Own process group, so that a timeout kills the command's children too (zx's kill runs `ps`).
  const child = spawn('/bin/sh', ['-c', command], { ...options, shell: false, detached: true });
  // A command that exits without reading its stdin makes our write fail with EPIPE: not an error.
  child.stdin?.on('error', () => undefined);
  return child;
}) as unknown as typeof spawn;

/** Process groups of the local commands running now, across transports (for a hard stop at exit). */
const liveGroups = new Set<number>();

/** Send `signal` to every local command's process group (children included); used on a second Ctrl-C. */
export function killLocalCommands(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const pgid of liveGroups) killGroup(pgid, signal);
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

// zx is loaded on first use: it costs ~160 ms of start-up that an SSH-only run should not pay.
let shPromise: Promise<Shell> | undefined;
const loadSh = () =>
  (shPromise ??= import('zx').then(({ $ }) =>
    $({ spawn: spawnSh, prefix: '', postfix: '', quote, quiet: true, verbose: false, nothrow: true, stdio: ['pipe', 'pipe', 'pipe'] }),
  ));

/** Build the template-strings argument zx expects from a finished command line (no interpolation). */
function raw(command: string): TemplateStringsArray {
  return Object.assign([command], { raw: [command] }) as unknown as TemplateStringsArray;
}

/** Commands on the machine hostwright runs on; see {@link LocalTransportOptions}. */
export class LocalTransport implements Transport {
  /** Inventory name of the host. */
  readonly name: string;
  /** Live counters (`connectMs` stays 0). */
  readonly stats: TransportStats = { roundTrips: 0, bytesSent: 0, bytesReceived: 0, connectMs: 0, connections: 0 };
  readonly #options: LocalTransportOptions;
  readonly #user = userInfo().username;
  #connected = false;
  #closed = false;
  #interrupted = false;
  /** Process groups of this transport's commands in flight. */
  readonly #groups = new Set<number>();

  constructor(options: LocalTransportOptions) {
    this.name = options.name;
    this.#options = options;
  }

  /** Nothing to open; counts one connection for the statistics. */
  async connect(): Promise<void> {
    if (this.#closed) throw new UnreachableError(this.name, 'the local transport is closed');
    if (!this.#connected) this.stats.connections++;
    this.#connected = true;
  }

  /** Run a command line with `/bin/sh -c`. Never rejects for a non-zero exit code. */
  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.#interrupted)
      throw new TaskFailedError(`${this.name}: not run, the run was interrupted: ${command.split('\n')[0]}`, { host: this.name, command });
    await this.connect();
    const requested = resolveBecome(options.become, this.#options);
    const become = requested && requested.user !== this.#user ? requested : undefined;
    const line = become ? wrapBecome(command, become) : command;
    const stdin = becomeStdin(options.stdin, become) ?? Buffer.alloc(0);
    this.stats.roundTrips++;
    this.stats.bytesSent += Buffer.byteLength(line) + stdin.length;

    const sh = await loadSh();
    const child = sh({ input: stdin })(raw(line));
    const pgid = child.child?.pid;
    if (pgid !== undefined) {
      this.#groups.add(pgid);
      liveGroups.add(pgid);
    }
    // zx decodes chunk by chunk, which breaks characters split across reads: keep the bytes ourselves.
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    const timer =
      options.timeoutMs !== undefined && options.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            const pid = child.child?.pid;
            if (pid !== undefined) {
              try {
                process.kill(-pid, 'SIGKILL');
              } catch {
                // Already gone.
              }
            }
          }, options.timeoutMs)
        : undefined;
    const output = await child.finally(() => {
      clearTimeout(timer);
      if (pgid !== undefined) {
        this.#groups.delete(pgid);
        liveGroups.delete(pgid);
      }
    });
    if (timedOut) {
      throw new TaskFailedError(`${this.name}: command timed out after ${options.timeoutMs} ms: ${command}`, { host: this.name, command });
    }
    const out = Buffer.concat(stdout);
    const err = Buffer.concat(stderr);
    this.stats.bytesReceived += out.length + err.length;
    const result = { code: output.exitCode ?? signalExitCode(output.signal), stdout: out.toString('utf8'), stderr: err.toString('utf8') };
    if (become) checkBecomeResult(this.name, result, become);
    return result;
  }

  /** Write bytes to a path with `cat`, then `chmod` when a mode is given. */
  async put(path: string, content: string | Buffer, options: PutOptions = {}): Promise<void> {
    await putWithCat(this, path, content, options);
  }

  /** TERM to the process group of every command in flight, KILL one second later; later calls reject. */
  interrupt(): void {
    this.#interrupted = true;
    const groups = [...this.#groups];
    for (const pgid of groups) killGroup(pgid, 'SIGTERM');
    if (groups.length) setTimeout(() => groups.forEach((pgid) => this.#groups.has(pgid) && killGroup(pgid, 'SIGKILL')), 1000).unref();
  }

  /** Further calls reject. */
  async close(): Promise<void> {
    this.#closed = true;
  }
}
