/**
 * The local transport on this machine: same exec semantics as SSH (exit codes, stdin, multibyte,
 * timeout, put, stats), POSIX sh rather than bash, become as the current user without sudo. Become to
 * another user through sudo needs root: test/e2e/transport-local-become.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isTaskFailedError, isUnreachableError } from '../../lib/core/errors.ts';
import { createTransport, LocalTransport, SshTransport } from '../../lib/transport/index.ts';
import { quote } from '../../lib/transport/quote.ts';

let work: string;
const local = new LocalTransport({ name: 'localhost' });

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

test.before(() => {
  work = mkdtempSync(join(tmpdir(), 'hostwright-local-test-'));
});

test.after(async () => {
  await local.close();
  rmSync(work, { recursive: true, force: true });
});

test('exec returns exit code, stdout and stderr; a signal reports 128 + n', async () => {
  assert.equal(await local.exec('echo out; echo err >&2; exit 3'), { code: 3, stdout: 'out\n', stderr: 'err\n' });
  assert.is((await local.exec('kill -TERM $$')).code, 143);
});

test('commands run in /bin/sh unchanged (no bash prefix like set -euo pipefail)', async () => {
  const r = await local.exec('false | true; echo "pipefail off: $?"; echo $0');
  assert.is(r.stdout, 'pipefail off: 0\n/bin/sh\n');
});

test('stdin is written then closed; a command that ignores stdin is fine', async () => {
  assert.is((await local.exec('cat', { stdin: 'abc\ndef' })).stdout, 'abc\ndef');
  assert.is((await local.exec('cat | wc -c')).stdout.trim(), '0');
  assert.is((await local.exec('exit 0', { stdin: 'x'.repeat(1 << 20) })).code, 0);
});

test('multibyte output decodes intact across pipe reads', async () => {
  const r = await local.exec("i=0; while [ $i -lt 30000 ]; do printf 'é日🚀'; i=$((i+1)); done");
  assert.ok(r.stdout === 'é日🚀'.repeat(30000));
});

test('hostile strings survive quote()', async () => {
  for (const value of ['', "it's", '$(id)', '`id`', 'a;b|c', 'l1\nl2\n', '*', 'grüße 🚀']) {
    assert.is((await local.exec(`printf %s ${quote(value)}`)).stdout, value);
  }
});

test('timeoutMs kills the command and its children, then rejects clearly', async () => {
  const started = Date.now();
  // A sleep no other process runs, so that its survival can be checked afterwards.
  const error = await rejection(local.exec('sleep 61.37; echo never', { timeoutMs: 300 }));
  assert.ok(isTaskFailedError(error), String(error));
  assert.match(error.message, /^localhost: command timed out after 300 ms/);
  const alive = () =>
    execFileSync('ps', ['-eo', 'args'], { maxBuffer: 256 * 1024 * 1024 }) // other processes' command lines can be long
      .toString()
      .split('\n')
      .filter((l) => l.trim() === 'sleep 61.37').length;
  for (let i = 0; i < 50 && alive() > 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.is(alive(), 0, 'the child sleep was killed');
  assert.ok(Date.now() - started < 30_000, 'sanity: it did not wait for the sleep');
});

test('put writes bytes and sets the mode; a bad path fails naming it', async () => {
  const path = join(work, "a 'b' c.txt");
  await local.put(path, 'grüße\n', { mode: '0600' });
  assert.is(readFileSync(path, 'utf8'), 'grüße\n');
  assert.is(statSync(path).mode & 0o777, 0o600);
  const error = await rejection(local.put(join(work, 'nope', 'f'), 'x'));
  assert.ok(isTaskFailedError(error));
  assert.match(error.message, /cannot write .*nope\/f/);
});

test('stats count round trips and bytes', async () => {
  const t = new LocalTransport({ name: 'l' });
  await t.exec('printf 1234', { stdin: 'xy' });
  assert.equal(t.stats, { roundTrips: 1, bytesSent: 'printf 1234'.length + 2, bytesReceived: 4, connectMs: 0, connections: 1 });
  await t.close();
  assert.ok(isUnreachableError(await rejection(t.exec('true'))));
});

test('become as the current user runs directly, without sudo', async () => {
  const r = await local.exec('id -un', { become: { user: userInfo().username } });
  assert.is(r.stdout.trim(), userInfo().username);
});

test('createTransport picks local for local connections and SSH otherwise', () => {
  assert.instance(createTransport('localhost', { address: 'localhost', local: true }), LocalTransport);
  const ssh = createTransport('node1', { address: '10.77.0.11', user: 'admin' }, { connectTimeoutMs: 100 });
  assert.instance(ssh, SshTransport);
  assert.is(ssh.name, 'node1');
});

test.run();
