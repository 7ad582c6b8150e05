/**
 * The SSH transport against a real OpenSSH server on loopback that this file starts itself
 * (test/support/sshd.ts): exec semantics, quoting, bounded channels, host key checking, errors, put,
 * stats and a dropped connection.
 */
import { ensureSudo } from '../support/sudo.ts';
import { withExitMarker } from '../../lib/transport/exit-marker.ts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isTaskFailedError, isUnreachableError } from '../../lib/core/errors.ts';
import { quote } from '../../lib/transport/quote.ts';
import { SshTransport } from '../../lib/transport/ssh.ts';
import type { SshTransportOptions } from '../../lib/transport/ssh.ts';
import { freePort, keygen, startSshd } from '../support/sshd.ts';
import type { TestSshd } from '../support/sshd.ts';

let sshd: TestSshd;
let work: string;
let knownHosts: string;
let main: SshTransport;

/** A transport to the test sshd with a known_hosts file that trusts it, unless told otherwise. */
function transport(extra: Partial<SshTransportOptions> = {}, server: TestSshd = sshd): SshTransport {
  return new SshTransport({
    name: 'node1',
    address: '127.0.0.1',
    port: server.port,
    keyFile: server.clientKeyFile,
    knownHostsFile: knownHosts,
    agent: false,
    ...extra,
  });
}

/** What `ssh-keygen -l` prints as the fingerprint of a public key file. */
function opensshFingerprint(pubFile: string): string {
  return execFileSync('ssh-keygen', ['-l', '-f', pubFile]).toString().split(' ')[1];
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

test.before(async () => {
  sshd = await startSshd();
  work = mkdtempSync(join(tmpdir(), 'hostwright-ssh-test-'));
  knownHosts = join(work, 'known_hosts');
  writeFileSync(knownHosts, `# test\n${sshd.knownHostsLine}\n`);
  main = transport();
});

test.after(async () => {
  await main?.close();
  await sshd?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('exec returns exit code, stdout and stderr separately; never rejects for a non-zero exit', async () => {
  const r = await main.exec('echo out; echo err >&2; exit 3');
  assert.equal(r, { code: 3, stdout: 'out\n', stderr: 'err\n' });
  assert.is((await main.exec('true')).code, 0);
  assert.is((await main.exec('exit 255')).code, 255);
});

test('a command killed by a signal reports 128 + the signal number', async () => {
  assert.is((await main.exec('kill -KILL $$')).code, 137);
});

test('stdin is written then closed; without stdin a reader sees EOF at once', async () => {
  assert.is((await main.exec('cat', { stdin: 'line one\nline two' })).stdout, 'line one\nline two');
  const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
  assert.is((await main.exec('od -An -tu1 | tr -s " " | tr -d "\\n"', { stdin: bytes })).stdout.trim(), '0 1 2 255 254 10 13');
  assert.is((await main.exec('cat | wc -c')).stdout.trim(), '0');
});

test('multibyte output split across many packets decodes intact', async () => {
  const r = await main.exec("i=0; while [ $i -lt 30000 ]; do printf 'é日🚀'; i=$((i+1)); done");
  assert.is(r.stdout.length, 30000 * 4);
  assert.ok(r.stdout === 'é日🚀'.repeat(30000));
  const err = await main.exec("printf 'grüße\\n' >&2");
  assert.is(err.stderr, 'grüße\n');
});

const HOSTILE = ['', "it's", '"q"', '$(id)', '`id`', '${HOME}', 'a;b|c&d', 'l1\nl2\n', '*', '~', '\\', 'grüße 日本 🚀', 'x\'"$(`y`)"\'z'];

test('hostile strings survive quote() over SSH, once and nested in sh -c', async () => {
  for (const value of HOSTILE) {
    const once = await main.exec(`printf %s ${quote(value)}`);
    assert.is(once.stdout, value, `once: ${JSON.stringify(value)}`);
    const nested = await main.exec(`sh -c ${quote(`printf %s ${quote(value)}`)}`);
    assert.is(nested.stdout, value, `nested: ${JSON.stringify(value)}`);
  }
});

test('50 concurrent execs on one connection all succeed (bounded channels)', async () => {
  const t = transport();
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => t.exec(`echo ${i}; sleep 0.01`)));
  results.forEach((r, i) => assert.equal(r, { code: 0, stdout: `${i}\n`, stderr: '' }));
  assert.is(t.stats.connections, 1);
  assert.is(t.stats.roundTrips, 50);
  await t.close();
});

test('channels the server refuses (MaxSessions) are retried until they open', async () => {
  const tight = await startSshd({ maxSessions: 2 });
  const file = join(work, 'known_hosts_tight');
  writeFileSync(file, tight.knownHostsLine + '\n');
  const t = transport({ maxChannels: 8, knownHostsFile: file }, tight);
  try {
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => t.exec(`sleep 0.05; echo ${i}`)));
    results.forEach((r, i) => assert.is(r.stdout, `${i}\n`));
  } finally {
    await t.close();
    await tight.stop();
  }
});

test('concurrent connect() calls share one connection', async () => {
  const t = transport();
  await Promise.all([t.connect(), t.connect(), t.connect(), t.exec('true')]);
  await t.connect();
  assert.is(t.stats.connections, 1);
  assert.ok(t.stats.connectMs > 0);
  await t.close();
});

test('an unknown host key is refused with its SHA256 fingerprint and what to do', async () => {
  const empty = join(work, 'known_hosts_empty');
  writeFileSync(empty, '');
  const error = await rejection(transport({ knownHostsFile: empty }).connect());
  assert.ok(isUnreachableError(error), String(error));
  const expected = opensshFingerprint(sshd.hostKeyFile + '.pub');
  assert.match(expected, /^SHA256:[A-Za-z0-9+/]{43}$/);
  assert.ok(error.message.includes(expected), error.message);
  assert.ok(error.message.startsWith('node1: '), error.message);
  assert.match(error.message, /unknown host key for \[127\.0\.0\.1\]:\d+/);
  assert.match(error.message, /--accept-new-host-keys/);
  assert.is(readFileSync(empty, 'utf8'), '', 'known_hosts must not change without the opt-in');
});

test('acceptNewHostKeys records an unknown key, and the next strict connection trusts it', async () => {
  const file = join(work, 'sub', 'known_hosts_new');
  const first = transport({ knownHostsFile: file, acceptNewHostKeys: true });
  assert.is((await first.exec('echo ok')).stdout, 'ok\n');
  await first.close();
  const text = readFileSync(file, 'utf8');
  assert.is(text, `${sshd.knownHostsLine}\n`);
  const second = transport({ knownHostsFile: file });
  assert.is((await second.exec('echo again')).stdout, 'again\n');
  await second.close();
  assert.is(readFileSync(file, 'utf8'), text, 'a known key is not appended twice');
});

test('a changed host key is refused, even with acceptNewHostKeys, and names the known_hosts line', async () => {
  const other = join(work, 'other_key');
  keygen(other);
  const otherBlob = readFileSync(other + '.pub', 'utf8')
    .trim()
    .split(/\s+/)[1];
  const file = join(work, 'known_hosts_changed');
  const original = `# comment\n[127.0.0.1]:${sshd.port} ssh-ed25519 ${otherBlob}\n`;
  writeFileSync(file, original);
  for (const acceptNewHostKeys of [false, true]) {
    const error = await rejection(transport({ knownHostsFile: file, acceptNewHostKeys }).connect());
    assert.ok(isUnreachableError(error), String(error));
    assert.match(error.message, /HOST KEY CHANGED/);
    assert.ok(error.message.includes(opensshFingerprint(sshd.hostKeyFile + '.pub')), error.message);
    assert.match(error.message, /line 2/);
  }
  assert.is(readFileSync(file, 'utf8'), original);
});

test('hashed (ssh-keygen -H) and wildcard known_hosts entries are honoured', async () => {
  const hashed = join(work, 'known_hosts_hashed');
  writeFileSync(hashed, sshd.knownHostsLine + '\n');
  execFileSync('ssh-keygen', ['-H', '-f', hashed], { stdio: 'ignore' });
  assert.match(readFileSync(hashed, 'utf8'), /^\|1\|/);
  const a = transport({ knownHostsFile: hashed });
  assert.is((await a.exec('echo hashed')).stdout, 'hashed\n');
  await a.close();

  const wildcard = join(work, 'known_hosts_wildcard');
  writeFileSync(wildcard, sshd.knownHostsLine.replace('[127.0.0.1]', 'otherhost,[127.0.0.*]') + '\n');
  const b = transport({ knownHostsFile: wildcard });
  assert.is((await b.exec('echo glob')).stdout, 'glob\n');
  await b.close();
});

test('with several host keys, the type recorded in known_hosts is asked for first', async () => {
  const multi = await startSshd({ ecdsa: true });
  const file = join(work, 'known_hosts_ecdsa');
  writeFileSync(file, multi.ecdsaKnownHostsLine + '\n');
  const t = transport({ knownHostsFile: file }, multi);
  try {
    assert.is((await t.exec('echo ecdsa')).stdout, 'ecdsa\n');
  } finally {
    await t.close();
    await multi.stop();
  }
});

test('a closed port fails fast with an UnreachableError naming the host', async () => {
  const port = await freePort();
  const started = Date.now();
  const error = await rejection(transport({ port }).exec('true'));
  assert.ok(isUnreachableError(error), String(error));
  assert.ok(Date.now() - started < 15_000, `sanity: refused, not timed out (${Date.now() - started} ms)`);
  assert.match(error.message, /^node1: connection refused at root@127\.0\.0\.1:\d+/);
});

test('a key the server does not accept is an UnreachableError naming user and key', async () => {
  const stranger = join(work, 'stranger');
  keygen(stranger);
  const error = await rejection(transport({ keyFile: stranger }).connect());
  assert.ok(isUnreachableError(error), String(error));
  assert.match(error.message, /authentication as root failed/);
  assert.ok(error.message.includes(stranger), error.message);
  const missing = await rejection(transport({ keyFile: join(work, 'no-such-key') }).connect());
  assert.ok(isUnreachableError(missing));
  assert.match(missing.message, /cannot read the SSH key file/);
});

test('timeoutMs rejects with a clear error and the connection stays usable', async () => {
  const started = Date.now();
  const error = await rejection(main.exec('sleep 60', { timeoutMs: 300 }));
  assert.ok(isTaskFailedError(error), String(error));
  assert.match(error.message, /timed out after 300 ms: sleep 60/);
  assert.ok(Date.now() - started < 30_000, 'sanity: it did not wait for the sleep');
  assert.is((await main.exec('echo alive')).stdout, 'alive\n');
});

test('put writes bytes, sets the mode, and fails naming the path', async () => {
  const path = join(work, 'put target "x".txt');
  const content = "grüße\n'quoted' $(not run)\n";
  await main.put(path, content, { mode: '0640' });
  assert.is(readFileSync(path, 'utf8'), content);
  assert.is((await main.exec(`stat -c %a ${quote(path)}`)).stdout.trim(), '640');
  const binary = Buffer.from([0, 255, 10, 0]);
  await main.put(path, binary);
  assert.ok(readFileSync(path).equals(binary));
  const error = await rejection(main.put(join(work, 'missing-dir', 'f'), 'x'));
  assert.ok(isTaskFailedError(error));
  assert.match(error.message, /cannot write .*missing-dir\/f/);
});

test('stats count round trips and bytes; one exec of `true` takes milliseconds', async () => {
  const t = transport();
  await t.connect();
  const before = { ...t.stats };
  await t.exec('printf 12345', { stdin: 'abc' });
  assert.is(t.stats.roundTrips - before.roundTrips, 1);
  // The command travels inside the exit-status wrapper, whose marker line comes back on stderr.
  assert.is(t.stats.bytesSent - before.bytesSent, withExitMarker('printf 12345').length + 3);
  // stdout, the exit marker, and the wrapper's first stderr line naming its process id (1 to 7 digits).
  const pidLine = t.stats.bytesReceived - before.bytesReceived - 5 - '\x1ehostwright-exit:0\n'.length;
  assert.ok(
    pidLine >= '\x1ehostwright-pid:1\n'.length && pidLine <= '\x1ehostwright-pid:1234567\n'.length,
    `unexpected bytes received: ${pidLine} beyond stdout and the exit marker`,
  );
  const times: number[] = [];
  const trips = t.stats.roundTrips;
  for (let i = 0; i < 40; i++) {
    const s = performance.now();
    await t.exec('true');
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  const median = times[times.length / 2];
  console.log(`  round trip of \`true\` over an open connection: median ${median.toFixed(2)} ms, connect ${t.stats.connectMs} ms`);
  assert.is(t.stats.roundTrips - trips, 40, 'one round trip per exec, no hidden ones');
  assert.ok(median < 2000, `sanity: median ${median} ms`);
  await t.close();
  const error = await rejection(t.exec('true'));
  assert.ok(isUnreachableError(error));
});

test('become through sudo over SSH (root to nobody)', async () => {
  ensureSudo();
  assert.is((await main.exec('id -un', { become: { user: 'nobody' } })).stdout, 'nobody\n');
  const r = await main.exec('cat', { become: { user: 'nobody', password: 'unused' }, stdin: 'payload\n' });
  assert.equal(r, { code: 0, stdout: 'payload\n', stderr: '' });
  assert.is((await main.exec('id -un', { become: true })).stdout, 'root\n', 'already root: no sudo needed');
});

test('a dropped connection fails the command in flight and later ones with UnreachableError', async () => {
  const doomed = await startSshd();
  const file = join(work, 'known_hosts_doomed');
  writeFileSync(file, doomed.knownHostsLine + '\n');
  const t = transport({ knownHostsFile: file }, doomed);
  assert.is((await t.exec('echo up')).stdout, 'up\n');
  const inFlight = rejection(t.exec('sleep 60'));
  await new Promise((r) => setTimeout(r, 200));
  const started = Date.now();
  await doomed.stop();
  const error = await inFlight;
  assert.ok(isUnreachableError(error), String(error));
  assert.match(error.message, /^node1: connection to root@127\.0\.0\.1:\d+ lost/);
  assert.ok(Date.now() - started < 30_000, 'sanity: failed when the connection dropped, not when the sleep ended');
  const later = await rejection(t.exec('true'));
  assert.ok(isUnreachableError(later), String(later));
  assert.match(later.message, /lost/);
  await t.close();
});

test.run();
