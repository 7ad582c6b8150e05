/**
 * The per-host run lock's command on this machine's shell (own lock directory): a second holder waits
 * its bounded time, then fails naming the first (pid, controller, start time); a released lock is taken
 * at once. Which connection errors are retried. The new options' bad values are bad input (exit 5).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../../lib/cli/playbook-command.ts';
import { isTransientConnectError } from '../../lib/engine/connections.ts';
import { hostLockCommand, lockHolder } from '../../lib/engine/host-lock.ts';
import { prepareBatch } from '../../lib/engine/probe-batch.ts';
import { UnreachableError } from '../../lib/core/errors.ts';
import { definePlaybook } from '../../lib/play/define.ts';
import { textSink } from '../support/engine-hosts.ts';

const dir = mkdtempSync(join(tmpdir(), 'hw-lock-'));

/** Start the lock command; resolves with its first stdout line, its exit, and a release. */
function holder(name: string, waitSeconds: number, firstBatch?: string) {
  const child = spawn('/bin/sh', ['-c', hostLockCommand(name, waitSeconds, dir, firstBatch)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const firstLine = new Promise<string>((resolve) =>
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    }),
  );
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { firstLine, exited, release: () => child.stdin.end() };
}

test('a second run waits its bounded time, then fails naming the holder; a released lock is taken at once', async () => {
  const first = holder(lockHolder(new Date('2026-01-02T03:04:05Z')), 5);
  assert.is(await first.firstLine, 'locked');
  const started = Date.now();
  const second = holder('pid 2 on controller other since now', 1);
  assert.is(
    await second.firstLine,
    `held pid ${process.pid} on controller ${(await import('node:os')).hostname()} since 2026-01-02T03:04:05.000Z (lock ${dir}/run.lock)`,
  );
  assert.is(await second.exited, 75);
  const waited = Date.now() - started;
  assert.ok(waited >= 900 && waited < 3000, `waited ${waited} ms for a 1 s limit`);
  const third = holder('third', 5);
  await new Promise((r) => setTimeout(r, 200));
  first.release();
  assert.is(await first.exited, 0);
  const t = Date.now();
  assert.is(await third.firstLine, 'locked');
  assert.ok(Date.now() - t < 1000, 'the waiting run got the lock when the first one released it');
  third.release();
  assert.is(await third.exited, 0);
});

test('a first probe batch sent with the lock runs once the lock is held, its output on the locked line', async () => {
  const marker = join(dir, 'changed-by-the-first-run');
  const batch = prepareBatch([{ command: `cat ${marker} 2>/dev/null || echo not-yet` }, { command: 'echo second; exit 3' }]);
  const first = holder('first', 5);
  assert.is(await first.firstLine, 'locked');
  const second = holder('second', 5, batch.script);
  // The first run changes the host while it holds the lock; the second one's probes must see the change.
  await new Promise((r) => setTimeout(r, 300));
  writeFileSync(marker, 'after\n');
  first.release();
  const line = await second.firstLine;
  assert.match(line, /^locked \S+$/);
  const results = batch.results(Buffer.from(line.slice(7), 'base64').toString('utf8'));
  assert.equal(
    [...results.values()],
    [
      { code: 0, stdout: 'after\n', stderr: '' },
      { code: 3, stdout: 'second\n', stderr: '' },
    ],
  );
  second.release();
  assert.is(await second.exited, 0);
});

test('connection errors worth retrying: refused, unreachable, reset, timeout; never a refused key or login', () => {
  const with_ = (cause: object) => new UnreachableError('h', 'x', { cause });
  for (const code of ['ECONNREFUSED', 'EHOSTUNREACH', 'ECONNRESET', 'ETIMEDOUT']) assert.ok(isTransientConnectError(with_({ code })), code);
  assert.ok(isTransientConnectError(with_({ level: 'client-timeout' })));
  assert.ok(isTransientConnectError(with_({ message: 'the connection closed during the handshake' })));
  assert.not.ok(isTransientConnectError(with_({ level: 'client-authentication' })));
  assert.not.ok(isTransientConnectError(with_({ message: 'All configured authentication methods failed' })));
  assert.not.ok(isTransientConnectError(new UnreachableError('h', 'HOST KEY CHANGED')));
});

test('bad --connect-retries and --host-lock-wait are bad input (exit 5), naming the option', async () => {
  const playbook = definePlaybook({ name: 'p', plays: [] });
  for (const [args, text] of [
    [['--connect-retries', '-1'], '--connect-retries'],
    [['--connect-retries', '1.5'], '--connect-retries'],
    [['--host-lock-wait', 'soon'], '--host-lock-wait'],
  ] as const) {
    const err = textSink();
    const code = await runCli(playbook, ['-i', '/nonexistent.yml', ...args], textSink(), err);
    assert.is(code, 5);
    assert.ok(err.text().includes(text), err.text());
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
