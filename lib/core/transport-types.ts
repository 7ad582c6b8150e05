/**
 * The transport contract: a transport carries bytes and exit codes to one host, never meaning.
 * Tasks and probes build command strings with {@link quote}; a transport runs them as given.
 */

/** The outcome of one command: exit code plus complete, UTF-8 decoded output. */
export interface ExecResult {
  /** Exit status; a command killed by a signal reports 128 + the signal number (or -1 when unknown). */
  code: number;
  stdout: string;
  stderr: string;
}

/** How to run a command with elevated rights (`sudo`). */
export interface BecomeOptions {
  /** User to become; default `root`. */
  user?: string;
  /** sudo password, when sudo asks for one. Never logged. */
  password?: string;
}

/** Options for one {@link Transport.exec} call. */
export interface ExecOptions {
  /** Bytes written to the command's standard input, then closed. */
  stdin?: string | Buffer;
  /** Kill the command and reject with a timeout error after this many milliseconds. */
  timeoutMs?: number;
  /** Run through `sudo` as another user. `true` means root with the transport's default become password. */
  become?: boolean | BecomeOptions;
}

/** A command started by {@link Transport.hold}. */
export interface HeldCommand {
  /** The first line it printed on stdout, without the newline ('' when it exited without one). */
  line: string;
  /** Its result, when it exited before printing a line. */
  exited?: ExecResult;
  /** End it: close its stdin (a no-op once it exited). */
  release(): void;
}

/** Counters a transport keeps for the run's statistics (round trips, bytes, connect time). */
export interface TransportStats {
  /** Commands executed (each one a round trip). */
  roundTrips: number;
  /** Bytes sent to the host (command text plus stdin). */
  bytesSent: number;
  /** Bytes received from the host (stdout plus stderr). */
  bytesReceived: number;
  /** Milliseconds spent establishing the connection (0 for local). */
  connectMs: number;
  /** Number of connections opened over the transport's life. */
  connections: number;
}

/**
 * A connection to one host. One transport per host per run; `exec` may be called concurrently
 * (the SSH transport multiplexes channels with a bounded number in flight).
 */
export interface Transport {
  /** The inventory name of the host this transport reaches. */
  readonly name: string;
  /** Open the connection (idempotent). Rejects with an {@link UnreachableError}-like error on failure. */
  connect(): Promise<void>;
  /** Run a POSIX shell command line on the host. Never rejects for a non-zero exit code. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Write bytes to a path on the host: a checked temporary file renamed over it (an interrupted upload changes nothing). */
  put(path: string, content: string | Buffer, options?: { mode?: string; become?: ExecOptions['become'] }): Promise<void>;
  /** Close the connection; further calls reject. */
  close(): Promise<void>;
  /**
   * End the commands in flight now, children included (a run was interrupted): local ones by process
   * group, remote ones by a TERM signal request on their channel, which is then closed. Later calls reject.
   */
  interrupt?(): void;
  /**
   * Start a long-lived command and resolve when it printed its first stdout line (or exited first); it
   * runs until released (its stdin closed) or the connection ends. Used for the per-host run lock.
   */
  hold?(command: string): Promise<HeldCommand>;
  /** Live counters. */
  readonly stats: TransportStats;
}
