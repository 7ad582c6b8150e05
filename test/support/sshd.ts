/**
 * A real OpenSSH server on loopback for the transport tests: installs openssh-server when missing
 * (without starting the machine's own sshd service), generates a host key and a client key in a temp
 * folder, and runs `sshd -D -e` on a free port as a child, stopped by PID.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

const SSHD = '/usr/sbin/sshd';
const POLICY = '/usr/sbin/policy-rc.d';

/** A running test sshd and the files a client needs to reach it. */
export interface TestSshd {
  port: number;
  dir: string;
  /** The server's private host key; its public half is `hostKeyFile.pub`. */
  hostKeyFile: string;
  /** Private key authorized for root. */
  clientKeyFile: string;
  /** The server's ed25519 public key blob (SSH wire format). */
  hostKey: Buffer;
  /** A known_hosts line for the server: `[127.0.0.1]:PORT ssh-ed25519 BASE64`. */
  knownHostsLine: string;
  /** With `ecdsa: true`, the server also has an ECDSA host key; this is its known_hosts line. */
  ecdsaKnownHostsLine?: string;
  /** Everything sshd wrote to stderr, for diagnosing a failed test. */
  log(): string;
  /** Kill the listener and every session process it forked (drops open connections); removes `dir`. */
  stop(): Promise<void>;
}

/** Install openssh-server when `/usr/sbin/sshd` is missing, keeping services from starting. */
export function ensureSshd(): void {
  if (existsSync(SSHD)) return;
  const createdPolicy = !existsSync(POLICY);
  if (createdPolicy) writeFileSync(POLICY, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'openssh-server'], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } finally {
    if (createdPolicy) rmSync(POLICY, { force: true });
  }
}

/** Generate an ed25519 key pair at `file` / `file.pub`. */
export function keygen(file: string, type: 'ed25519' | 'ecdsa' = 'ed25519'): void {
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'hostwright-test', '-f', file]);
}

/** The wire-format blob of an OpenSSH public key file. */
export function publicKeyBlob(pubFile: string): Buffer {
  return Buffer.from(readFileSync(pubFile, 'utf8').trim().split(/\s+/)[1], 'base64');
}

/** A TCP port on 127.0.0.1 nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Resolve once something on the port answers with an SSH banner. */
async function waitForBanner(port: number, timeoutMs: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}:\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('data', (d) => (socket.destroy(), resolve(d.toString().startsWith('SSH-'))));
      socket.once('error', () => resolve(false));
      socket.setTimeout(500, () => (socket.destroy(), resolve(false)));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not answer on 127.0.0.1:${port} within ${timeoutMs} ms:\n${log()}`);
}

/** PIDs of every descendant of `pid`, read from /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we read.
    }
  }
  const out: number[] = [];
  const walk = (p: number) => (parents.get(p) ?? []).forEach((c) => (out.push(c), walk(c)));
  walk(pid);
  return out;
}

/**
 * Run `sshd -D -e -f CONFIG`. Bash sources ~/.bashrc for commands run over SSH; on a developer machine
 * that can cost 100 ms per command (pyenv init, say) and hide the transport's own latency, so by default
 * sshd runs in a private mount namespace where ~/.bashrc is /dev/null (the real file is untouched).
 * Without the privilege for that, sshd runs as is.
 */
function spawnSshd(config: string, maskBashrc: boolean): ChildProcess {
  const bashrc = join(homedir(), '.bashrc');
  const stdio: ['ignore', 'ignore', 'pipe'] = ['ignore', 'ignore', 'pipe'];
  if (maskBashrc && existsSync(bashrc) && canUnshare()) {
    const script = 'mount --bind /dev/null "$1" && exec "$2" -D -e -f "$3"';
    return spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', bashrc, SSHD, config], { stdio });
  }
  return spawn(SSHD, ['-D', '-e', '-f', config], { stdio });
}

function canUnshare(): boolean {
  try {
    execFileSync('unshare', ['--mount', '--propagation', 'private', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Start sshd on a free loopback port with fresh keys; root may log in with {@link TestSshd.clientKeyFile}. */
export async function startSshd(options: { maxSessions?: number; maskBashrc?: boolean; ecdsa?: boolean } = {}): Promise<TestSshd> {
  ensureSshd();
  // sshd refuses to start without its privilege separation directory (normally made by the service).
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'hostwright-sshd-'));
  const hostKeyFile = join(dir, 'host_ed25519');
  const clientKeyFile = join(dir, 'client_ed25519');
  keygen(hostKeyFile);
  keygen(clientKeyFile);
  const ecdsaKeyFile = join(dir, 'host_ecdsa');
  if (options.ecdsa) keygen(ecdsaKeyFile, 'ecdsa');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(clientKeyFile + '.pub'));
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `ListenAddress 127.0.0.1`,
      `Port ${port}`,
      `HostKey ${hostKeyFile}`,
      ...(options.ecdsa ? [`HostKey ${ecdsaKeyFile}`] : []),
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PermitRootLogin prohibit-password`,
      `PasswordAuthentication no`,
      `KbdInteractiveAuthentication no`,
      `UsePAM no`,
      `StrictModes no`,
      `MaxSessions ${options.maxSessions ?? 10}`,
      `PrintMotd no`,
      `LogLevel ERROR`,
      '',
    ].join('\n'),
  );
  const child = spawnSshd(config, options.maskBashrc ?? true);
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  const log = () => stderr;
  await waitForBanner(port, 10_000, child, log);
  const hostKey = publicKeyBlob(hostKeyFile + '.pub');
  const pid = child.pid!;
  let stopped = false;
  return {
    port,
    dir,
    hostKeyFile,
    clientKeyFile,
    hostKey,
    knownHostsLine: `[127.0.0.1]:${port} ssh-ed25519 ${hostKey.toString('base64')}`,
    ecdsaKnownHostsLine: options.ecdsa
      ? `[127.0.0.1]:${port} ecdsa-sha2-nistp256 ${publicKeyBlob(ecdsaKeyFile + '.pub').toString('base64')}`
      : undefined,
    log,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const p of [pid, ...descendants(pid)]) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
