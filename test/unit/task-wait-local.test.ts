/**
 * wait through the whole engine on the local transport: a port and a URL that come up while the task
 * waits (one remote loop), a command, a timeout that fails with what was last seen, and check mode.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shell } from '../../lib/tasks/command.ts';
import { wait } from '../../lib/tasks/wait.ts';
import type { HostVars, Task, TaskOutcome } from '../../lib/core/task-options.ts';
import { hostResults, localInventory, runTasks, statuses } from '../support/run.ts';

const dir = mkdtempSync(join(tmpdir(), 'hostwright-wait-'));
const inventory = localInventory(['local1']);
const run = (tasks: Task[], options: { check?: boolean } = {}) => runTasks(tasks, { inventory, ...options });

/** A free loopback port (listen on 0, close, reuse the number). */
async function freePort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function listenLater(server: Server | ReturnType<typeof createTcpServer>, port: number, ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(() => server.listen(port, '127.0.0.1', () => resolve()), ms));
}

const close = (s: { close(cb: () => void): unknown }) => new Promise<void>((r) => s.close(() => r()));

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('port: ok at once when it answers; otherwise waits in one round trip until it does', async () => {
  const port = await freePort();
  const server = createTcpServer((c) => c.end());
  let listeningAt = 0;
  const up = listenLater(server, port, 1500).then(() => (listeningAt = Date.now()));
  const seen: Record<string, unknown> = {};
  const first = await run([
    wait({ port, interval: 0.2, timeout: 20 }, { register: 'waited' }),
    shell({ cmd: 'true' }, { when: (h: HostVars) => ((seen.waited = h.vars.waited), false) }),
  ]);
  await up;
  assert.equal(statuses(first, 'local1'), ['ok', 'skipped'], 'waiting changes nothing');
  assert.match(hostResults(first, 'local1')[0].message, new RegExp(`^ok: wait up to 20 s for port 127.0.0.1:${port}$`));
  assert.ok(((seen.waited as TaskOutcome).tries as number) > 1, 'it tried more than once');
  // It waited for the server: the task's own result ends after the port started answering.
  const waited = hostResults(first, 'local1')[0];
  assert.ok(
    listeningAt > 0 && waited.startedAt < listeningAt && waited.startedAt + waited.durationMs >= listeningAt,
    'the wait spans the moment the port came up',
  );
  // Probe + one loop: two round trips, not one per try.
  assert.ok(first.stats.roundTrips <= 3, `round trips: ${first.stats.roundTrips}`);
  const second = await run([wait({ port })]);
  assert.equal(statuses(second, 'local1'), ['ok']);
  assert.is(hostResults(second, 'local1')[0].message, `port 127.0.0.1:${port} answers`);
  await close(server);
});

test('url: 2xx with the expected body; a wrong body keeps waiting until the timeout and says what it saw', async () => {
  const port = await freePort();
  let healthy = false;
  const server = createHttpServer((req, res) => {
    if (req.url === '/health') res.end(healthy ? '{"health":"true"}' : '{"health":"false"}');
    else res.writeHead(404).end('nope');
  });
  await listenLater(server, port, 0);
  const url = `http://127.0.0.1:${port}/health`;
  setTimeout(() => (healthy = true), 1200);
  const first = await run([wait({ url, expect: '"health":"true"', interval: 0.3, timeout: 20 })]);
  assert.equal(statuses(first, 'local1'), ['ok']);
  assert.match(hostResults(first, 'local1')[0].message, /^ok: wait up to 20 s for http/);
  const notFound = await run([wait({ url: `http://127.0.0.1:${port}/other`, timeout: 1, interval: 0.3 })]);
  assert.equal(statuses(notFound, 'local1'), ['failed']);
  assert.match(hostResults(notFound, 'local1')[0].message, /did not answer within 1 s \(\d+ tries\); last: HTTP 404$/);
  await close(server);
});

test('command: waits for it to succeed; a timeout fails with its last output', async () => {
  const flag = join(dir, 'ready');
  setTimeout(() => import('node:fs').then((fs) => fs.writeFileSync(flag, '')), 1000);
  const ok = await run([wait({ command: `test -e ${flag}`, interval: 0.2, timeout: 20 })]);
  assert.equal(statuses(ok, 'local1'), ['ok']);
  const started = Date.now();
  const bad = await run([wait({ command: 'echo "still syncing" >&2; exit 1', timeout: 2, interval: 0.5 })]);
  assert.equal(statuses(bad, 'local1'), ['failed']);
  assert.match(
    hostResults(bad, 'local1')[0].message,
    /^local1: wait: command "echo \\"still syncing\\" >&2; exit 1" did not answer within 2 s \(\d+ tries\); last: exit 1: still syncing$/,
  );
  assert.ok(Date.now() - started < 30_000, 'sanity: the 2 s timeout is kept');
});

test('check mode: probes once; not answering fails unless an earlier change was predicted', async () => {
  const port = await freePort();
  const alone = await run([wait({ port })], { check: true });
  assert.equal(statuses(alone, 'local1'), ['failed']);
  assert.match(
    hostResults(alone, 'local1')[0].message,
    /port 127\.0\.0\.1:\d+ does not answer: Connection refused \(check mode tries once and does not wait\)/,
  );
  const afterChange = await run([shell({ cmd: 'start-the-service' }), wait({ port })], { check: true });
  // A wait changes nothing, so check mode predicts ok (what the real run reports) and says what it would wait for.
  assert.equal(statuses(afterChange, 'local1'), ['may-change', 'ok']);
  assert.match(
    hostResults(afterChange, 'local1')[1].message,
    /^would wait up to 60 s for port 127\.0\.0\.1:\d+ \(not answering yet: Connection refused; an earlier task may bring it up\)$/,
  );
});

test('bad arguments are refused before anything runs', () => {
  assert.throws(() => run([wait({ port: 22, url: 'http://x/' })]), /give one of port, url, command, not port and url/);
});

test.run();
