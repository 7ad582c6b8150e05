/**
 * The SSH transport's TCP connection opened before ssh2 is loaded (lib/transport/early-socket.ts), on
 * loopback: the connect call reaches the system before the caller's next step, a usable socket is handed
 * over, a refused one is not (and its error is handled), and the transport still reports a refused
 * connection in its own words.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isUnreachableError } from '../../lib/core/errors.ts';
import { earlySocket } from '../../lib/transport/early-socket.ts';
import { SshTransport } from '../../lib/transport/ssh.ts';

let server: Server;
let port: number;
const accepted: Socket[] = [];
let work: string;

/** A port nothing listens on (taken from the system, then released). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const p = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return p;
}

test.before(async () => {
  work = mkdtempSync(join(tmpdir(), 'hw-early-socket-'));
  server = createServer((socket) => accepted.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
test.after(async () => {
  for (const s of accepted) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(work, { recursive: true, force: true });
});

test('the connect call is issued before `issued` resolves, even when the caller then blocks', async () => {
  const before = accepted.length;
  const early = earlySocket('127.0.0.1', port);
  // The socket's local port, from its system handle (Node's `localPort` says nothing while connecting):
  // the system assigns one when the connect call reaches it.
  const boundPort = () => {
    const out: { port?: number } = {};
    (early.socket as unknown as { _handle: { getsockname(out: object): void } })._handle.getsockname(out);
    return out.port;
  };
  // Node issues the connect on the next tick: a synchronous load right now (ssh2) would delay it.
  assert.is(boundPort(), undefined, 'not issued synchronously');
  await early.issued;
  assert.type(boundPort(), 'number', 'the connect call reached the system');
  // Synchronous work (what loading ssh2 is) no longer holds the connection back: the SYN is out.
  const until = Date.now() + 150;
  while (Date.now() < until) {
    /* busy, like a synchronous require */
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.is(accepted.length, before + 1, 'the listener accepted the connection');
  const socket = early.take();
  assert.ok(socket, 'a connected socket is handed over');
  assert.is(socket!.destroyed, false);
  assert.is(socket!.listenerCount('error'), 0, 'its temporary error listener is gone (ssh2 attaches its own)');
  socket!.destroy();
});

test('a refused connection is not handed over, and its error is not left unhandled', async () => {
  const early = earlySocket('127.0.0.1', await closedPort());
  await new Promise<void>((resolve) => early.socket.once('close', () => resolve()));
  assert.is(early.take(), undefined);
});

test('the transport still reports a refused connection, naming where', async () => {
  const p = await closedPort();
  const t = new SshTransport({ name: 'nobody', address: '127.0.0.1', port: p, knownHostsFile: join(work, 'known_hosts'), agent: false });
  try {
    await t.connect();
    assert.unreachable('connected to a closed port');
  } catch (error) {
    assert.ok(isUnreachableError(error), String(error));
    assert.match((error as Error).message, new RegExp(`connection refused at root@127\\.0\\.0\\.1:${p}`));
  } finally {
    await t.close();
  }
});

test('a host that accepts and closes at once fails the handshake, not the process', async () => {
  const closing = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => closing.listen(0, '127.0.0.1', resolve));
  const p = (closing.address() as AddressInfo).port;
  const t = new SshTransport({ name: 'closer', address: '127.0.0.1', port: p, knownHostsFile: join(work, 'known_hosts'), agent: false });
  try {
    await t.connect();
    assert.unreachable('a handshake with a closed connection');
  } catch (error) {
    assert.ok(isUnreachableError(error), String(error));
    assert.match((error as Error).message, /closer: .*127\.0\.0\.1/);
  } finally {
    await t.close();
    await new Promise<void>((resolve) => closing.close(() => resolve()));
  }
});

test.run();
