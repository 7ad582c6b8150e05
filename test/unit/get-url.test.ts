/**
 * getUrl: the probe's answers recorded from a test host (test/fixtures/getUrl/probe-*.json: the tool,
 * the file, the digest of the checksum's algorithm), the pure plan (checksum or existence decides,
 * attributes only, no tool, not a file), the download's shell text, the destination name, refusals.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures } from '../support/fixtures.ts';
import { PROBE_KINDS, RERECORD } from '../support/probe-recordings.ts';
import { downloadCommand, getUrl, getUrlDest, parseGetUrl, planGetUrl, type GetUrlState } from '../../lib/tasks/get-url.ts';
import { findModule } from '../../lib/adhoc/modules.ts';
import { parseModuleArgs } from '../../lib/adhoc/args.ts';

const { files, load } = fixtures('getUrl');
const real = { check: false, earlierChangePredicted: false };
const st = (f: string): GetUrlState => load(f).state;
const PAYLOAD_SHA256 = '239f59ed55e737c77147cf55ad0c1b030b6d7ee748a7426952f9b852d5a935e5'; // sha256 of "payload"
const PAYLOAD_SHA1 = 'f07e5a815613c5abeddc4b682247a4c42d8a95df';

for (const f of files.filter((f) => f.startsWith('probe-'))) {
  const fx = load(f);
  test(`probe ${f}: ${fx.description}`, () => {
    assert.ok(fx.result, `${f} was never recorded on a test host`);
    assert.equal(parseGetUrl(fx.result), fx.state);
    assert.is(PROBE_KINDS.getUrl.command(fx.probe), fx.command, RERECORD);
  });
}

const url = 'http://10.77.0.1:8080/etcd.tgz';
const dest = '/tmp/rec/etcd.tgz';

test('plan: the checksum decides; the downloaded state plans ok', () => {
  assert.equal(planGetUrl({ url, dest, checksum: `sha256:${PAYLOAD_SHA256}` }, st('probe-sha256.json'), real), {
    status: 'ok',
    reason: `${dest} has sha256 239f59ed55e7…`,
  });
  assert.equal(planGetUrl({ url, dest, checksum: `sha1:${PAYLOAD_SHA1.toUpperCase()}` }, st('probe-sha1.json'), real).status, 'ok');
  const other = planGetUrl({ url, dest, checksum: `sha256:${'a'.repeat(64)}` }, st('probe-sha256.json'), real);
  assert.equal(other, {
    status: 'change',
    summary: `download ${url} to ${dest} with curl`,
    diff: [{ kind: 'state', key: dest, before: 'sha256 239f59ed55e7', after: `sha256 aaaaaaaaaaaa from ${url}` }],
    data: { download: true, tool: 'curl' },
  });
  const absent = planGetUrl({ url, dest, checksum: `sha256:${PAYLOAD_SHA256}` }, st('probe-absent.json'), real);
  assert.is(absent.status, 'change');
  // Idempotence: the state after the download (the probe of the same file) plans ok.
  assert.is(planGetUrl({ url, dest, checksum: `sha256:${PAYLOAD_SHA256}` }, { ...st('probe-sha256.json') }, real).status, 'ok');
});

test('plan: without a checksum an existing file is ok; attributes alone; wget; no tool; not a file; no folder', () => {
  assert.equal(planGetUrl({ url, dest }, st('probe-no-checksum.json'), real), {
    status: 'ok',
    reason: `${dest} exists (no checksum given: not downloaded again)`,
  });
  assert.equal(planGetUrl({ url, dest, mode: '0644' }, st('probe-sha256.json'), real), {
    status: 'change',
    summary: `${dest}: set mode`,
    diff: [{ kind: 'state', key: 'mode', before: '0600', after: '0644' }],
    data: { download: false, tool: 'curl', attrs: { mode: '0644' } },
  });
  const wget = planGetUrl({ url, dest: '/tmp/rec/x' }, st('probe-wget-only.json'), real);
  assert.is(wget.status === 'change' && wget.summary, `download ${url} to /tmp/rec/x with wget`);
  assert.equal(planGetUrl({ url, dest }, { ...st('probe-absent.json'), tool: 'none' }, real), {
    status: 'failed',
    reason: `neither curl nor wget is installed on the host (needed to download ${url})`,
  });
  assert.equal(planGetUrl({ url, dest: '/tmp/rec/d' }, st('probe-dest-dir.json'), real), {
    status: 'failed',
    reason: '/tmp/rec/d is a directory on the host, not a file',
  });
  assert.equal(planGetUrl({ url, dest: '/tmp/rec/none/x' }, st('probe-parent-missing.json'), real), {
    status: 'failed',
    reason: 'the folder of /tmp/rec/none/x does not exist on the host',
  });
});

test('download text: temporary file beside dest, timeout, headers, checksum verified before the rename', () => {
  const text = downloadCommand({ url, dest, timeout: 5, headers: { 'X-Token': "it's" }, checksum: `sha256:${PAYLOAD_SHA256}`, mode: '0600' }, 'curl');
  assert.match(text, /t=\$\(mktemp "\$\(dirname -- "\$p"\)\/\.hostwright\.XXXXXX"\)/);
  assert.match(text, /curl -fsSL --max-time 5 -H 'X-Token: it'\\''s' -o "\$t" -- http:\/\/10\.77\.0\.1:8080\/etcd\.tgz/);
  assert.ok(text.indexOf('sha256sum < "$t"') < text.indexOf('mv -f'), 'verified before the rename');
  assert.match(downloadCommand({ url, dest }, 'wget'), /wget -q -T 10 -t 1 -O "\$t" -- /);
});

test('dest naming and refusals; Ansible names', () => {
  assert.is(getUrlDest({ url: 'http://h/a/etcd%20x.tgz?x=1', dest: '/opt/' }), '/opt/etcd x.tgz');
  assert.is(getUrlDest({ url: 'http://h/', dest: '/opt/' }), '/opt/index.html');
  assert.throws(() => getUrl({ url, dest, checksum: 'sha256:abc' }), /64 hex digits, not 3/);
  assert.throws(() => getUrl({ url: 'file:///etc/passwd', dest }), /url/);
  assert.throws(() => getUrl({ url, dest, headers: { 'X: y': 'z' } }), /headers/);
  const m = findModule('get_url');
  assert.equal(parseModuleArgs(`url=${url} dest=/opt/ checksum=sha256:${PAYLOAD_SHA256} timeout=3`, m.type, m.args), {
    url,
    dest: '/opt/',
    checksum: `sha256:${PAYLOAD_SHA256}`,
    timeout: 3,
  });
});

test.run();
