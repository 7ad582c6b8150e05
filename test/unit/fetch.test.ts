/**
 * fetch: the file probe's answers recorded from a test host (test/fixtures/fetch/probe-*.json), the pure
 * plan (checksum-decided: missing, not a file, same, different), the controller path (`dest/HOST/SRC`,
 * `flat`), and a real run with the local connection (changed, ok, a changed host file fetched again).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtures } from '../support/fixtures.ts';
import { PROBE_KINDS, RERECORD } from '../support/probe-recordings.ts';
import { parseFileStat, type FileState } from '../../lib/probes/file-stat.ts';
import { fetch, fetchLocalPath, planFetch } from '../../lib/tasks/fetch.ts';
import { hostResults, localInventory, runTasks, statuses } from '../support/run.ts';
import { findModule } from '../../lib/adhoc/modules.ts';
import { parseModuleArgs } from '../../lib/adhoc/args.ts';

const { files, load } = fixtures('fetch');
const real = { check: false, earlierChangePredicted: false };

for (const f of files.filter((f) => f.startsWith('probe-'))) {
  const fx = load(f);
  test(`probe ${f}: ${fx.description}`, () => {
    assert.ok(fx.result, `${f} was never recorded on a test host`);
    assert.equal(parseFileStat(fx.result), fx.state);
    assert.is(PROBE_KINDS.fetch.command(fx.probe), fx.command, RERECORD);
  });
}

const state = (f: string): FileState => load(f).state;
const args = { src: '/tmp/rec/admin.conf', dest: '/c/fetched' };

test('plan: absent local copy → fetch; same checksum → ok; other checksum → fetch', () => {
  const s = state('probe-file.json');
  const plan = planFetch(args, s, { path: '/c/fetched/h1/tmp/rec/admin.conf' }, real);
  assert.equal(plan, {
    status: 'change',
    summary: 'fetch /tmp/rec/admin.conf to /c/fetched/h1/tmp/rec/admin.conf',
    diff: [{ kind: 'state', key: '/c/fetched/h1/tmp/rec/admin.conf', before: '(absent)', after: `sha256 ${s.sha256!.slice(0, 12)} (15 bytes)` }],
    data: { local: '/c/fetched/h1/tmp/rec/admin.conf', sha256: s.sha256! },
  });
  // Idempotence: once written, the local copy has the probed checksum.
  assert.is(planFetch(args, s, { path: 'p', sha256: s.sha256 }, real).status, 'ok');
  assert.is(planFetch(args, s, { path: 'p', sha256: '0'.repeat(64) }, real).status, 'change');
  assert.is(planFetch(args, state('probe-binary.json'), { path: 'p' }, real).status, 'change');
});

test('plan: missing on the host fails, unless failOnMissing is false; check mode after a change may change', () => {
  const s = state('probe-missing.json');
  assert.equal(planFetch(args, s, { path: 'p' }, real), {
    status: 'failed',
    reason: '/tmp/rec/admin.conf does not exist on the host (failOnMissing: false to allow that)',
  });
  assert.is(planFetch({ ...args, failOnMissing: false }, s, { path: 'p' }, real).status, 'ok');
  assert.is(planFetch(args, s, { path: 'p' }, { check: true, earlierChangePredicted: true }).status, 'may-change');
  assert.equal(planFetch(args, state('probe-directory.json'), { path: 'p' }, real), {
    status: 'failed',
    reason: '/tmp/rec/admin.conf is a directory on the host, not a file',
  });
  assert.is(planFetch(args, state('probe-file.json'), { path: 'p', notFile: true }, real).status, 'failed');
});

test('local path: dest/HOST/SRC, flat to a file or into a folder', () => {
  assert.is(fetchLocalPath({ src: '/etc/k/admin.conf', dest: 'out' }, 'm1'), 'out/m1/etc/k/admin.conf');
  assert.is(fetchLocalPath({ src: '/etc/k/admin.conf', dest: 'out/kubeconfig', flat: true }, 'm1'), 'out/kubeconfig');
  assert.is(fetchLocalPath({ src: '/etc/k/admin.conf', dest: 'out/', flat: true }, 'm1'), 'out/admin.conf');
});

const dir = mkdtempSync(join(tmpdir(), 'hw-fetch-unit-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a real run with the local connection: changed, ok, fetched again after a change on the host', async () => {
  const src = join(dir, 'host-file');
  writeFileSync(src, Buffer.from([0, 1, 2, 255]));
  const inventory = localInventory(['here']);
  const task = fetch({ src, dest: join(dir, 'out') });
  const local = join(dir, 'out', 'here', src);
  assert.equal(statuses(await runTasks([task], { inventory, check: true }), 'here'), ['changed']);
  assert.throws(() => readFileSync(local));
  assert.equal(statuses(await runTasks([task], { inventory }), 'here'), ['changed']);
  assert.equal([...readFileSync(local)], [0, 1, 2, 255]);
  const second = await runTasks([task], { inventory });
  assert.equal(statuses(second, 'here'), ['ok']);
  assert.is(hostResults(second, 'here')[0].message, `${local} has the same content as ${src}`);
  writeFileSync(src, 'new');
  assert.equal(statuses(await runTasks([task], { inventory }), 'here'), ['changed']);
  assert.is(readFileSync(local, 'utf8'), 'new');
});

test('bad arguments are refused; Ansible argument names map', () => {
  assert.throws(() => fetch({ src: 'relative', dest: 'x' }), /src/);
  assert.throws(() => fetch({ src: '/a' } as any), /dest/);
  const m = findModule('fetch');
  assert.equal(parseModuleArgs('src=/a dest=out flat=yes fail_on_missing=no', m.type, m.args), {
    src: '/a',
    dest: 'out',
    flat: true,
    failOnMissing: false,
  });
});

test.run();
