/**
 * `getUrl` on a real test host over SSH (`gu1`, reset to fresh first), downloading from a small HTTP
 * server this test starts on the controller's bridge address (10.77.0.1, never anything outside): check
 * mode predicts and downloads nothing, first run changed, second ok (by checksum, and by existence without
 * one), a changed checksum downloads again, a wrong checksum fails and leaves the old file, headers reach
 * the server, a timeout fails, wget is used where there is no curl, the ad-hoc module under `get_url`,
 * bad arguments refused before any host.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testHosts, type TestHosts } from '../hosts/index.ts';
import { BRIDGE_ADDRESS } from '../hosts/paths.ts';
import { getUrl } from '../../lib/tasks/get-url.ts';
import type { Task } from '../../lib/core/task-options.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';
import { hw } from '../support/child.ts';

const HOST = 'gu1';
const dir = mkdtempSync(join(tmpdir(), 'hw-geturl-e2e-'));
const inventoryPath = join(dir, 'inventory.json');
let hosts: TestHosts;
let inventory: Record<string, unknown>;
let server: Server;
let base: string;
let body = 'release 1\n';
const seen: string[] = [];
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const run = (tasks: Task[], options: { check?: boolean; diff?: boolean } = {}) =>
  runTasks(tasks, { inventory, knownHostsFile: hosts.knownHostsPath, ...options });
const sh = async (cmd: string) => {
  const r = await hosts.exec(HOST, cmd);
  assert.is(r.code, 0, `${HOST}: \`${cmd}\` exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout.trim();
};

test.before(async () => {
  hosts = await testHosts({ names: [HOST] });
  await hosts.reset([HOST]);
  inventory = {
    all: { hosts: { [HOST]: { ansible_host: hosts.hosts[0].address, ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath } } },
  };
  writeFileSync(inventoryPath, JSON.stringify(inventory));
  server = createServer((req, res) => {
    seen.push(`${req.url} ${req.headers['user-agent']?.split('/')[0]} ${req.headers['x-token'] ?? '-'}`);
    if (req.url === '/release.txt') {
      res.end(body);
      return;
    }
    if (req.url === '/private') {
      res.writeHead(req.headers['x-token'] === 's3cret' ? 200 : 403);
      res.end('private\n');
      return;
    }
    if (req.url === '/slow') {
      setTimeout(() => res.end('late\n'), 4000);
      return;
    }
    res.writeHead(404);
    res.end('no');
  });
  // Only the bridge address the test hosts share with the controller.
  await new Promise<void>((resolve) => server.listen(0, BRIDGE_ADDRESS, resolve));
  base = `http://${BRIDGE_ADDRESS}:${(server.address() as { port: number }).port}`;
});
test.after(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

test('with a checksum: check predicts and downloads nothing; first run changed; second ok; mode and owner set', async () => {
  const task = getUrl({ url: `${base}/release.txt`, dest: '/opt/', checksum: `sha256:${sha256(body)}`, mode: '0640', owner: 'nobody' });
  const check = await run([task], { check: true });
  assert.equal(statuses(check, HOST), ['changed']);
  assert.is(hostResults(check, HOST)[0].message, `download ${base}/release.txt to /opt/release.txt with curl`);
  assert.is(seen.length, 0, 'check mode downloads nothing');
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(await sh('cat /opt/release.txt; stat -c %a:%U /opt/release.txt'), 'release 1\n640:nobody');
  assert.is(seen.length, 1);
  const second = await run([task]);
  assert.equal(statuses(second, HOST), ['ok']);
  assert.is(seen.length, 1, 'the second run downloads nothing');
  assert.equal(statuses(await run([task], { check: true }), HOST), ['ok']);
});

test('a new checksum downloads again; a wrong one fails and keeps the old file', async () => {
  body = 'release 2\n';
  const next = getUrl({ url: `${base}/release.txt`, dest: '/opt/release.txt', checksum: `sha256:${sha256(body)}` });
  assert.equal(statuses(await run([next]), HOST), ['changed']);
  assert.is(await sh('cat /opt/release.txt; stat -c %a /opt/release.txt'), 'release 2\n640', 'the mode of the old file is kept');
  const wrong = await run([getUrl({ url: `${base}/release.txt`, dest: '/opt/release.txt', checksum: `sha256:${'0'.repeat(64)}` })]);
  assert.equal(statuses(wrong, HOST), ['failed']);
  assert.match(hostResults(wrong, HOST)[0].message, /checksum mismatch: sha256 of the download is [0-9a-f]{64}, expected 0{64}/);
  assert.is(await sh('cat /opt/release.txt; ls -a /opt | grep -c hostwright || true'), 'release 2\n0');
});

test('without a checksum: existence decides; headers; a timeout fails; a 404 fails', async () => {
  const plain = getUrl({ url: `${base}/private`, dest: '/opt/private', headers: { 'X-Token': 's3cret' } });
  assert.equal(statuses(await run([plain]), HOST), ['changed']);
  assert.is(await sh('cat /opt/private'), 'private');
  assert.match(seen[seen.length - 1], /\/private curl s3cret$/);
  const count = seen.length;
  assert.equal(statuses(await run([plain]), HOST), ['ok']);
  assert.is(seen.length, count);
  const slow = await run([getUrl({ url: `${base}/slow`, dest: '/opt/slow', timeout: 1 })]);
  assert.equal(statuses(slow, HOST), ['failed']);
  assert.match(hostResults(slow, HOST)[0].message, /download of .*\/slow failed/);
  const missing = await run([getUrl({ url: `${base}/nothing`, dest: '/opt/nothing' })]);
  assert.equal(statuses(missing, HOST), ['failed']);
  assert.is(await sh('test -e /opt/nothing || test -e /opt/slow || echo none'), 'none');
});

test('wget where there is no curl', async () => {
  await sh('mv /usr/bin/curl /usr/bin/curl.off');
  try {
    const task = getUrl({ url: `${base}/private`, dest: '/opt/by-wget', headers: { 'X-Token': 's3cret' } });
    const result = await run([task]);
    assert.is(hostResults(result, HOST)[0].message, `download ${base}/private to /opt/by-wget with wget`);
    assert.is(await sh('cat /opt/by-wget'), 'private');
    assert.match(seen[seen.length - 1], /\/private Wget s3cret$/);
    assert.equal(statuses(await run([task]), HOST), ['ok']);
  } finally {
    await sh('mv /usr/bin/curl.off /usr/bin/curl');
  }
});

test('ad-hoc: -m get_url with Ansible names; bad arguments exit 5 before any host', async () => {
  const args = ['all', '-i', inventoryPath, '--known-hosts', hosts.knownHostsPath, '-m', 'get_url'];
  const r = await hw(...args, '-a', `url=${base}/release.txt dest=/opt/adhoc.txt checksum=sha256:${sha256(body)}`);
  assert.is(r.code, 0, r.err);
  assert.is(await sh('cat /opt/adhoc.txt'), 'release 2');
  const count = seen.length;
  const bad = await hw(...args, '-a', `url=${base}/release.txt dest=/opt/x checksum=sha256:abc`);
  assert.is(bad.code, 5);
  assert.match(bad.err, /a sha256 digest has 64 hex digits, not 3/);
  assert.throws(() => getUrl({ url: 'file:///etc/passwd', dest: '/x' }), /url/);
  assert.is(seen.length, count, 'nothing was downloaded');
});

test.run();
