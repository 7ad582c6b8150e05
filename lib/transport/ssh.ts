/**
 * The SSH transport: one ssh2 connection per host for the whole run, TCP no-delay, a bounded number of
 * channels in flight (OpenSSH refuses bursts beyond `MaxSessions`, default 10), strict host key checking
 * against known_hosts, and sudo become.
 */
import { homedir } from 'node:os';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import type { Client, ClientChannel, ServerHostKeyAlgorithm } from 'ssh2';
import { TaskFailedError, UnreachableError } from '../core/errors.ts';
import { markedPid, takeExitMarker, withExitMarker } from './exit-marker.ts';
import { becomeStdin, checkBecomeResult, resolveBecome, signalExitCode, wrapBecome } from './become.ts';
import type { BecomeDefaults } from './become.ts';
import { appendKnownHost, fingerprint, hostToken, keyTypeOf, preferredHostKeyAlgorithms, readKnownHosts, verifyHostKey } from './known-hosts.ts';
import type { KnownHostEntry } from './known-hosts.ts';
import { putWithCat } from './put.ts';
import type { PutOptions } from './put.ts';
import { authMethods, describeConnectError, loadSsh2 } from './ssh-auth.ts';
import { keyPassphrase } from './key-passphrase.ts';
import { earlySocket } from './early-socket.ts';
import type { ExecOptions, ExecResult, HeldCommand, Transport, TransportStats } from '../core/transport-types.ts';

/** How to reach and authenticate to one host over SSH. */
export interface SshTransportOptions extends BecomeDefaults {
  /** Inventory name of the host (used in every error message). */
  name: string;
  /** Address or DNS name to connect to (`ansible_host`). */
  address: string;
  /** Default 22. */
  port?: number;
  /** Default `root`. */
  user?: string;
  /** Private key file. Without one, the default `~/.ssh/id_*` keys that exist are tried. */
  keyFile?: string;
  /** Passphrase for an encrypted key file. */
  passphrase?: string;
  /** Password authentication, tried after keys. */
  password?: string;
  /** ssh-agent socket; default `SSH_AUTH_SOCK`; `false` disables the agent. */
  agent?: string | false;
  /** Default `~/.ssh/known_hosts`. */
  knownHostsFile?: string;
  /** Record unknown host keys instead of refusing them (a changed key is refused regardless). Default false. */
  acceptNewHostKeys?: boolean;
  /** Time allowed for TCP connect + handshake + authentication. Default 10000. */
  connectTimeoutMs?: number;
  /** SSH keepalive interval; a dead peer is detected after 3 missed replies. Default 15000; 0 disables. */
  keepaliveIntervalMs?: number;
  /** Channels (commands) in flight at once; more wait in a queue. Default 4. */
  maxChannels?: number;
  /** A bastion (ProxyJump): the connection is tunnelled through it instead of a direct TCP connection. */
  via?: SshTransport;
}

/** Retries of a channel the server refused to open (about 8 s in all, backing off to 250 ms). */
const OPEN_RETRIES = 40;

/** An SSH connection to one host; see {@link SshTransportOptions}. */
export class SshTransport implements Transport {
  /** Inventory name of the host. */
  readonly name: string;
  /** Live counters. */
  readonly stats: TransportStats = { roundTrips: 0, bytesSent: 0, bytesReceived: 0, connectMs: 0, connections: 0 };
  readonly #options: SshTransportOptions & { port: number; user: string; knownHostsFile: string };
  readonly #limit: ReturnType<typeof pLimit>;
  #client: Client | undefined;
  #connecting: Promise<Client> | undefined;
  /** Why the open connection dropped; set until an explicit connect() opens a new one. */
  #lost: string | undefined;
  #closed = false;
  #interrupted = false;
  /** Channels open right now. */
  #openChannels = 0;
  /** The channels of the commands in flight, with the process group each reported (to end it on interrupt). */
  readonly #channels = new Map<ClientChannel, number | undefined>();
  /** Rejecters of the commands in flight, called when the connection drops or is closed. */
  readonly #pending = new Set<(error: Error) => void>();

  constructor(options: SshTransportOptions) {
    this.name = options.name;
    this.#options = {
      ...options,
      port: options.port ?? 22,
      user: options.user ?? 'root',
      knownHostsFile: options.knownHostsFile ?? join(homedir(), '.ssh', 'known_hosts'),
    };
    this.#limit = pLimit(Math.max(1, options.maxChannels ?? 4));
  }

  get #where(): string {
    const via = this.#options.via ? ` via ${this.#options.via.name}` : '';
    return `${this.#options.user}@${this.#options.address}:${this.#options.port}${via}`;
  }

  /**
   * A TCP tunnel from this host to `host:port` (this host acting as the bastion of another), over the
   * one connection every host behind it shares.
   */
  async forward(host: string, port: number): Promise<Duplex> {
    const client = await this.#ready();
    return new Promise((resolve, reject) => {
      client.forwardOut('127.0.0.1', 0, host, port, (error, stream) =>
        error
          ? reject(
              new UnreachableError(this.name, `bastion ${this.#where} cannot open a tunnel to ${host}:${port}: ${error.message}`, { cause: error }),
            )
          : resolve(stream),
      );
    });
  }

  /** Open the connection (idempotent; concurrent calls share one attempt; reconnects after a drop). */
  async connect(): Promise<void> {
    await this.#connect();
  }

  #connect(): Promise<Client> {
    if (this.#closed) return Promise.reject(new UnreachableError(this.name, 'the SSH transport is closed'));
    if (this.#client && this.#lost === undefined) return Promise.resolve(this.#client);
    this.#connecting ??= this.#open().finally(() => (this.#connecting = undefined));
    return this.#connecting;
  }

  async #open(): Promise<Client> {
    const o = this.#options;
    const started = performance.now();
    const token = hostToken(o.address, o.port);
    // TCP first, ssh2 and known_hosts while it connects (a bastion's tunnel is opened below instead).
    const early = o.via ? undefined : earlySocket(o.address, o.port);
    let entries: KnownHostEntry[];
    let ssh2: Awaited<ReturnType<typeof loadSsh2>>;
    let passphrase: string | undefined;
    let auth: ReturnType<typeof authMethods>;
    try {
      await early?.issued;
      [entries, ssh2] = await Promise.all([
        readKnownHosts(o.knownHostsFile).catch((error: Error) => {
          throw new UnreachableError(this.name, `cannot read known_hosts file ${o.knownHostsFile}: ${error.message}`, { cause: error });
        }),
        loadSsh2(),
      ]);
      // An encrypted key file: its passphrase is asked on the terminal (once per file), as ssh asks it.
      passphrase = o.passphrase ?? (o.keyFile ? await keyPassphrase(this.name, o.keyFile) : undefined);
      const agent = o.agent === undefined ? process.env.SSH_AUTH_SOCK : o.agent;
      auth = authMethods(ssh2, this.name, { user: o.user, keyFile: o.keyFile, passphrase, password: o.password, agent: agent || false });
    } catch (error) {
      early?.socket.destroy();
      throw error;
    }
    const { methods, tried } = auth;
    const timeoutMs = o.connectTimeoutMs ?? 10_000;
    // Through a bastion: the tunnel replaces the TCP connection (its failure names the bastion).
    const sock = o.via ? await o.via.forward(o.address, o.port) : early?.take();
    const client = new ssh2.Client();
    let refusal: string | undefined;

    const hostVerifier = (key: Buffer, verify: (ok: boolean) => void): void => {
      const verdict = verifyHostKey(entries, token, key);
      const print = `${keyTypeOf(key)} key ${fingerprint(key)}`;
      if (verdict.status === 'known') return verify(true);
      if (verdict.status === 'unknown' && o.acceptNewHostKeys) {
        appendKnownHost(o.knownHostsFile, token, key).then(
          () => verify(true),
          (error: Error) => {
            refusal = `cannot record the new host key (${print}) in ${o.knownHostsFile}: ${error.message}`;
            verify(false);
          },
        );
        return;
      }
      if (verdict.status === 'unknown') {
        refusal = `unknown host key for ${token} (${print}); not in ${o.knownHostsFile}. If the fingerprint is right, add it (ssh-keyscan -p ${o.port} ${o.address} >> ${o.knownHostsFile}) or run with --accept-new-host-keys`;
      } else if (verdict.status === 'changed') {
        refusal = `HOST KEY CHANGED for ${token}: it now presents ${print}, but ${o.knownHostsFile} line ${verdict.entry.line} records a different ${verdict.entry.keyType} key. This may be an attack; if the host was reinstalled, remove the old key (ssh-keygen -R '${token}' -f ${o.knownHostsFile}) and connect again`;
      } else {
        refusal = `host key for ${token} (${print}) is marked @revoked in ${o.knownHostsFile} line ${verdict.entry.line}`;
      }
      verify(false);
    };

    return new Promise<Client>((resolve, reject) => {
      let settled = false;
      const fail = (error: Error & { level?: string; code?: string }) => {
        if (settled) return;
        settled = true;
        client.end();
        const reason = refusal ?? describeConnectError(error, this.#where, o.user, tried, timeoutMs);
        reject(new UnreachableError(this.name, reason, { cause: error }));
      };
      client.once('ready', () => {
        settled = true;
        this.#client = client;
        this.#lost = undefined;
        this.stats.connections++;
        this.stats.connectMs += Math.round(performance.now() - started);
        resolve(client);
      });
      client.on('error', (error) => (settled ? this.#drop(client, error.message) : fail(error)));
      client.on('end', () =>
        settled ? this.#drop(client, 'the host closed the connection') : fail(new Error('the host closed the connection during the handshake')),
      );
      client.on('close', () =>
        settled ? this.#drop(client, 'the connection closed') : fail(new Error('the connection closed during the handshake')),
      );
      client.connect({
        ...(sock ? { sock } : {}),
        host: o.address,
        port: o.port,
        username: o.user,
        readyTimeout: timeoutMs,
        keepaliveInterval: o.keepaliveIntervalMs ?? 15_000,
        keepaliveCountMax: 3,
        authHandler: methods,
        algorithms: { serverHostKey: preferredHostKeyAlgorithms(entries, token) as ServerHostKeyAlgorithm[] },
        hostVerifier,
      });
      // Nagle's algorithm adds ~40 ms to every small request/response exchange (measured).
      if (!o.via) client.setNoDelay(true);
    });
  }

  /** A dropped connection fails the commands in flight and every later exec until connect() is called. */
  #drop(client: Client, reason: string): void {
    if (client !== this.#client || this.#lost !== undefined) return;
    this.#lost = reason;
    const error = new UnreachableError(this.name, `connection to ${this.#where} lost: ${reason}`);
    for (const reject of [...this.#pending]) reject(error);
  }

  async #ready(): Promise<Client> {
    if (this.#lost !== undefined && !this.#closed) {
      throw new UnreachableError(this.name, `connection to ${this.#where} lost: ${this.#lost}`);
    }
    return this.#connect();
  }

  /** Run a command line (the login shell on the host interprets it). Never rejects for a non-zero exit. */
  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const requested = resolveBecome(options.become, this.#options);
    // Already the target user: no sudo needed (and minimal hosts may lack it).
    const become = requested && requested.user !== this.#options.user ? requested : undefined;
    const line = become ? wrapBecome(command, become) : command;
    const stdin = becomeStdin(options.stdin, become);
    if (this.#interrupted)
      throw new TaskFailedError(`${this.name}: not run, the run was interrupted: ${command.split('\n')[0]}`, { host: this.name, command });
    const client = await this.#ready();
    const raw = await this.#limit(() => this.#run(client, withExitMarker(line), stdin, options.timeoutMs, command));
    const marked = takeExitMarker(raw.stderr);
    // The protocol's exit status wins; the marked copy covers a channel closed without one (-1).
    const result = { ...raw, stderr: marked.stderr, code: raw.code === -1 && marked.code !== undefined ? marked.code : raw.code };
    if (become) checkBecomeResult(this.name, result, become);
    return result;
  }

  /** Write bytes to a path with `cat`, then `chmod` when a mode is given. */
  async put(path: string, content: string | Buffer, options: PutOptions = {}): Promise<void> {
    await putWithCat(this, path, content, options);
  }

  async #openChannel(client: Client, line: string): Promise<ClientChannel> {
    for (let attempt = 0; ; attempt++) {
      if (this.#lost !== undefined || this.#closed)
        throw new UnreachableError(this.name, `connection to ${this.#where} lost: ${this.#lost ?? 'the transport is closed'}`);
      try {
        return await new Promise<ClientChannel>((resolve, reject) => {
          client.exec(line, (error, channel) => (error ? reject(error) : resolve(channel)));
        });
      } catch (error) {
        const message = (error as Error).message;
        const refused = /Channel open failure/.test(message) && !/server closed channel unexpectedly/.test(message);
        if (!refused || attempt >= OPEN_RETRIES) {
          if (this.#lost !== undefined || !refused)
            throw new UnreachableError(this.name, `cannot run a command on ${this.#where}: ${this.#lost ?? message}`, { cause: error });
          throw new UnreachableError(
            this.name,
            `${this.#where} keeps refusing new SSH channels (${message}); lower maxChannels or raise MaxSessions in sshd_config`,
            { cause: error },
          );
        }
        // The server is at its session limit (OpenSSH MaxSessions): never ask for more than it holds.
        this.#limit.concurrency = Math.max(1, Math.min(this.#limit.concurrency, this.#openChannels));
        await new Promise((r) => setTimeout(r, Math.min(250, 10 * 2 ** attempt)));
      }
    }
  }

  async #run(client: Client, line: string, stdin: Buffer | undefined, timeoutMs: number | undefined, shown: string): Promise<ExecResult> {
    if (this.#interrupted)
      throw new TaskFailedError(`${this.name}: not run, the run was interrupted: ${shown.split('\n')[0]}`, { host: this.name, command: shown });
    const channel = await this.#openChannel(client, line);
    this.#openChannels++;
    this.#channels.set(channel, undefined);
    channel.once('close', () => {
      this.#openChannels--;
      this.#channels.delete(channel);
    });
    this.stats.roundTrips++;
    this.stats.bytesSent += Buffer.byteLength(line) + (stdin?.length ?? 0);
    return new Promise<ExecResult>((resolve, reject) => {
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let code: number | undefined;
      let done = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (settle: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.#pending.delete(onLost);
        settle();
      };
      const onLost = (error: Error) => finish(() => reject(error));
      this.#pending.add(onLost);
      const received = (into: Buffer[]) => (chunk: Buffer) => {
        into.push(chunk);
        this.stats.bytesReceived += chunk.length;
      };
      channel.on('data', received(stdout));
      channel.stderr.on('data', received(stderr));
      // The wrapper's first stderr line names the session's process group (see withExitMarker).
      const watchPid = () => {
        const pid = markedPid(Buffer.concat(stderr).toString('latin1'));
        if (pid === undefined && Buffer.concat(stderr).length < 64) return;
        channel.stderr.off('data', watchPid);
        if (pid !== undefined && this.#channels.has(channel)) this.#channels.set(channel, pid);
      };
      channel.stderr.on('data', watchPid);
      channel.on('exit', (exitCode: number | null, signal?: string) => (code = exitCode ?? signalExitCode(signal)));
      channel.on('close', () => {
        if (code === undefined && this.#lost !== undefined)
          return onLost(new UnreachableError(this.name, `connection to ${this.#where} lost: ${this.#lost}`));
        // Decode once at the end so that a character split across packets stays whole.
        finish(() => resolve({ code: code ?? -1, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }));
      });
      if (timeoutMs !== undefined && timeoutMs > 0) {
        timer = setTimeout(
          () =>
            finish(() => {
              channel.close();
              reject(new TaskFailedError(`${this.name}: command timed out after ${timeoutMs} ms: ${shown}`, { host: this.name, command: shown }));
            }),
          timeoutMs,
        );
      }
      channel.end(stdin);
    });
  }

  /** See {@link Transport.hold}: one channel of its own, outside the limit of channels in flight. */
  async hold(command: string): Promise<HeldCommand> {
    const client = await this.#ready();
    const channel = await this.#openChannel(client, command);
    this.stats.roundTrips++;
    this.stats.bytesSent += Buffer.byteLength(command);
    return new Promise<HeldCommand>((resolve, reject) => {
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let code = -1;
      let settled = false;
      const release = () => {
        try {
          channel.end();
        } catch {
          // Already closed.
        }
      };
      const onLost = (error: Error) => {
        if (!settled) (settled = true), reject(error);
      };
      this.#pending.add(onLost);
      channel.on('data', (chunk: Buffer) => {
        stdout.push(chunk);
        this.stats.bytesReceived += chunk.length;
        // Only the new chunk is searched: the line may be a large first probe batch in many chunks.
        if (settled || !chunk.includes(10)) return;
        const text = Buffer.concat(stdout).toString('utf8');
        settled = true;
        this.#pending.delete(onLost);
        resolve({ line: text.slice(0, text.indexOf('\n')), release });
      });
      channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      channel.on('exit', (exitCode: number | null, signal?: string) => (code = exitCode ?? signalExitCode(signal)));
      channel.on('close', () => {
        this.#pending.delete(onLost);
        if (settled) return;
        settled = true;
        resolve({
          line: '',
          exited: { code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') },
          release,
        });
      });
    });
  }

  /**
   * End the commands in flight: one `kill -TERM` of their process groups on a new channel (the wrapper's
   * trap passes TERM on to every child), their channels closed a second later, and, when the host does not
   * answer (link cut), the commands given up a second after that. Later calls reject.
   */
  interrupt(): void {
    if (this.#interrupted) return;
    this.#interrupted = true;
    const groups = [...this.#channels.values()].filter((pid): pid is number => pid !== undefined);
    const client = this.#client;
    if (client && this.#lost === undefined && groups.length) {
      try {
        client.exec(`kill -TERM -- ${groups.map((pid) => `-${pid}`).join(' ')} 2>/dev/null`, (error, channel) => {
          if (error) return;
          channel.on('data', () => undefined);
          channel.stderr.on('data', () => undefined);
          channel.end();
        });
      } catch {
        // The connection is going away: nothing to end on it.
      }
    }
    setTimeout(() => {
      for (const channel of this.#channels.keys()) channel.close();
    }, 1000).unref();
    setTimeout(() => {
      const error = new TaskFailedError(`${this.name}: the run was interrupted; the host did not confirm the end of the command`, {
        host: this.name,
      });
      for (const reject of [...this.#pending]) reject(error);
    }, 2000).unref();
  }

  /** Close the connection; commands in flight and later calls reject. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const error = new UnreachableError(this.name, 'the SSH transport is closed');
    for (const reject of [...this.#pending]) reject(error);
    const client = this.#client ?? (await this.#connecting?.catch(() => undefined));
    this.#client = undefined;
    if (!client) return;
    await new Promise<void>((resolve) => {
      // A host that does not answer (link cut) would keep the socket, and the process, alive for minutes.
      // (ssh2's destroy() does nothing once end() was called: destroy the socket itself.)
      const timer = setTimeout(() => ((client as unknown as { _sock?: { destroy(): void } })._sock?.destroy(), resolve()), 2000);
      client.once('close', () => (clearTimeout(timer), resolve()));
      client.end();
    });
  }
}
