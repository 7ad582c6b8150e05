/**
 * unarchive: the probe's answers recorded from a test host (test/fixtures/unarchive/probe-*.json: tar -tv
 * and unzip -l listings, the destination under the top-level names, creates, missing and unreadable
 * archives), the pure plan on those states, the controller-side listing (GNU tar, the zip central
 * directory), and a real run with the local connection (changed, ok, a member changed by hand → changed).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtures } from '../support/fixtures.ts';
import { PROBE_KINDS, RERECORD } from '../support/probe-recordings.ts';
import { parseTarListing, parseUnarchive, parseZipListing, topNames, zipMembers, type UnarchiveState } from '../../lib/probes/archive-listing.ts';
import { localMembers, planUnarchive, unarchive, unpackCommand } from '../../lib/tasks/unarchive.ts';
import { hostResults, localInventory, runTasks, statuses } from '../support/run.ts';
import { findModule } from '../../lib/adhoc/modules.ts';
import { parseModuleArgs } from '../../lib/adhoc/args.ts';

const { files, load } = fixtures('unarchive');
const real = { check: false, earlierChangePredicted: false };
const st = (f: string): UnarchiveState => load(f).state;

test('there are unarchive probe fixtures', () => assert.ok(files.filter((f) => f.startsWith('probe-')).length >= 8));

for (const f of files.filter((f) => f.startsWith('probe-'))) {
  const fx = load(f);
  test(`probe ${f}: ${fx.description}`, () => {
    assert.ok(fx.result, `${f} was never recorded on a test host`);
    assert.equal(parseUnarchive(fx.result), fx.state);
    assert.is(PROBE_KINDS.unarchive.command(fx.probe), fx.command, RERECORD);
  });
}

const remote = { src: '/tmp/rec/app.tgz', dest: '/tmp/rec/dest', remoteSrc: true };

test('plan: an empty dest unpacks every member; the unpacked state plans ok (idempotence)', () => {
  const s = st('probe-remote-tgz-absent.json');
  const plan = planUnarchive(remote, s, undefined, real);
  assert.equal(plan, {
    status: 'change',
    summary: 'unpack /tmp/rec/app.tgz into /tmp/rec/dest (5 of 5 members missing or different)',
    diff: [
      {
        kind: 'state',
        key: '/tmp/rec/dest (from /tmp/rec/app.tgz)',
        before: 'missing or different: app, app/link, app/conf, app/bin, app/bin/run',
        after: 'all 5 members',
      },
    ],
    data: { members: ['app', 'app/link', 'app/conf', 'app/bin', 'app/bin/run'] },
  });
  const unpacked = st('probe-remote-txz-unpacked.json');
  const fixedConf = { ...unpacked, dest: { ...unpacked.dest, 'app/conf': { ...unpacked.dest['app/conf'], size: 4 } } };
  assert.equal(planUnarchive(remote, fixedConf, undefined, real), { status: 'ok', reason: 'all 5 members of /tmp/rec/app.tgz are in /tmp/rec/dest' });
});

test('plan: a member of another size, a wanted owner, a zip listing', () => {
  const grown = planUnarchive({ ...remote, src: '/tmp/rec/app.tar.xz' }, st('probe-remote-txz-unpacked.json'), undefined, real);
  assert.is(grown.status === 'change' && grown.summary, 'unpack /tmp/rec/app.tar.xz into /tmp/rec/dest (1 of 5 members missing or different)');
  const zip = st('probe-remote-zip.json');
  assert.is(planUnarchive({ ...remote, src: '/tmp/rec/app.zip' }, zip, undefined, real).status, 'ok');
  const owned = planUnarchive({ ...remote, src: '/tmp/rec/app.zip', owner: 'nobody' }, zip, undefined, real);
  assert.is(owned.status === 'change' && owned.summary, 'unpack /tmp/rec/app.zip into /tmp/rec/dest (3 of 3 members missing or different)');
});

test('plan: creates, missing dest, missing or unreadable archive, controller listing', () => {
  assert.equal(planUnarchive({ src: 'x.tgz', dest: '/tmp/rec/dest', creates: '/tmp/rec/dest/app' }, st('probe-creates.json'), [], real), {
    status: 'ok',
    reason: '/tmp/rec/dest/app exists',
  });
  assert.equal(planUnarchive({ src: 'x.tgz', dest: '/tmp/rec/dest' }, st('probe-dest-missing.json'), [], real), {
    status: 'failed',
    reason: 'destination /tmp/rec/dest is not a folder on the host',
  });
  assert.is(
    planUnarchive({ src: 'x.tgz', dest: '/tmp/rec/dest' }, st('probe-dest-missing.json'), [], { check: true, earlierChangePredicted: true }).status,
    'may-change',
  );
  assert.equal(planUnarchive({ ...remote, src: '/tmp/rec/none.tgz' }, st('probe-remote-missing.json'), undefined, real), {
    status: 'failed',
    reason: 'archive /tmp/rec/none.tgz does not exist on the host',
  });
  const garbage = planUnarchive({ ...remote, src: '/tmp/rec/bad.tgz' }, st('probe-remote-garbage.json'), undefined, real);
  assert.is(garbage.status, 'failed');
  assert.match((garbage as { reason: string }).reason, /^archive \/tmp\/rec\/bad.tgz cannot be listed: .*not in gzip format/s);
  const tops = st('probe-local-tops.json');
  const members = [
    { path: 'app', type: 'd' as const, size: 0 },
    { path: 'app/bin/run', type: 'f' as const, size: 1 },
    { path: 'my docs', type: 'd' as const, size: 0 },
  ];
  assert.is(planUnarchive({ src: 'a.tgz', dest: '/tmp/rec/dest' }, tops, members, real).status, 'ok');
  assert.is(planUnarchive({ src: 'a.tgz', dest: '/tmp/rec/dest', owner: 'nobody' }, tops, members, real).status, 'change');
  assert.is(
    planUnarchive({ src: 'a.tgz', dest: '/tmp/rec/dest' }, tops, [...members, { path: 'missing', type: 'f', size: 1 }], real).status,
    'change',
  );
});

test('listings: GNU tar -tv (links, ./ prefixes, spaces) and unzip -l', () => {
  const tar = [
    'drwxr-xr-x root/root         0 2026-12-06 12:00 ./',
    'drwxr-xr-x root/root         0 2026-12-06 12:00 ./app/',
    '-rw-r--r-- root/root        12 2026-12-06 12:00 ./app/a file',
    'lrwxrwxrwx root/root         0 2026-12-06 12:00 ./app/l -> a file',
    'hrw-r--r-- root/root         0 2026-12-06 12:00 ./app/h link to ./app/a file',
  ].join('\n');
  assert.equal(parseTarListing(tar), [
    { path: 'app', type: 'd', size: 0 },
    { path: 'app/a file', type: 'f', size: 12 },
    { path: 'app/l', type: 'l', size: 0 },
    { path: 'app/h', type: 'h', size: 0 },
  ]);
  const zip =
    'Archive:  x.zip\n  Length      Date    Time    Name\n---------  ---------- -----   ----\n        0  2026-12-06 12:00   d/\n        5  2026-12-06 12:00   d/f g\n---------                     -------\n        5                     2 files\n';
  assert.equal(parseZipListing(zip), [
    { path: 'd', type: 'd', size: 0 },
    { path: 'd/f g', type: 'f', size: 5 },
  ]);
  assert.equal(
    topNames([
      { path: 'b/x', type: 'f', size: 1 },
      { path: 'a', type: 'd', size: 0 },
      { path: 'b', type: 'd', size: 0 },
    ]),
    ['a', 'b'],
  );
});

test('unpack text: a controller archive goes to a private temporary file; zip uses unzip -o', () => {
  assert.match(
    unpackCommand({ src: 'a.tgz', dest: "/opt/it's" }),
    /trap 'rm -f -- "\$a"' EXIT\ncat > "\$a" \|\| exit 1\ntar -C '\/opt\/it'\\''s' -xf "\$a"$/,
  );
  assert.is(unpackCommand({ src: '/srv/a.zip', dest: '/opt', remoteSrc: true }), 'a=/srv/a.zip\nunzip -o -q "$a" -d /opt');
});

const dir = mkdtempSync(join(tmpdir(), 'hw-unarchive-unit-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('controller listing and a real run with the local connection', async () => {
  mkdirSync(join(dir, 'build/pkg/bin'), { recursive: true });
  writeFileSync(join(dir, 'build/pkg/bin/tool'), 'tool\n');
  writeFileSync(join(dir, 'build/pkg/README'), 'read me\n');
  const tgz = join(dir, 'pkg.tar.gz');
  execFileSync('tar', ['-C', join(dir, 'build'), '-czf', tgz, 'pkg']);
  const zip = join(dir, 'pkg.zip');
  execFileSync('python3', [
    '-c',
    `import zipfile; z = zipfile.ZipFile(${JSON.stringify(zip)}, "w"); z.write(${JSON.stringify(join(dir, 'build/pkg/README'))}, "pkg/README"); z.close()`,
  ]);
  assert.equal(zipMembers(readFileSync(zip)), [{ path: 'pkg/README', type: 'f', size: 8 }]);
  assert.equal(
    localMembers(tgz)
      .map((m) => m.path)
      .sort(),
    ['pkg', 'pkg/README', 'pkg/bin', 'pkg/bin/tool'],
  );
  const dest = join(dir, 'opt');
  mkdirSync(dest);
  const inventory = localInventory(['here']);
  const task = unarchive({ src: tgz, dest });
  assert.equal(statuses(await runTasks([task], { inventory, check: true }), 'here'), ['changed']);
  assert.throws(() => readFileSync(join(dest, 'pkg/README')));
  assert.equal(statuses(await runTasks([task], { inventory }), 'here'), ['changed']);
  assert.is(readFileSync(join(dest, 'pkg/bin/tool'), 'utf8'), 'tool\n');
  const second = await runTasks([task], { inventory });
  assert.equal(statuses(second, 'here'), ['ok']);
  assert.is(hostResults(second, 'here')[0].message, `all 4 members of ${tgz} are in ${dest}`);
  writeFileSync(join(dest, 'pkg/README'), 'edited by hand\n');
  assert.equal(statuses(await runTasks([task], { inventory }), 'here'), ['changed']);
  assert.is(readFileSync(join(dest, 'pkg/README'), 'utf8'), 'read me\n');
  assert.equal(statuses(await runTasks([unarchive({ src: zip, dest })], { inventory }), 'here'), ['ok']);
});

test('bad arguments are refused when the task is defined; Ansible names map', () => {
  assert.throws(() => unarchive({ src: join(dir, 'none.tgz'), dest: '/opt' }), /does not exist on this machine/);
  assert.throws(() => unarchive({ src: 'rel.tgz', dest: '/opt', remoteSrc: true }), /absolute path on the host/);
  assert.throws(() => unarchive({ src: '/a.tgz', dest: 'opt', remoteSrc: true }), /dest/);
  const m = findModule('unarchive');
  assert.equal(parseModuleArgs('src=/a.tgz dest=/opt remote_src=yes creates=/opt/a', m.type, m.args), {
    src: '/a.tgz',
    dest: '/opt',
    remoteSrc: true,
    creates: '/opt/a',
  });
});

test.run();
