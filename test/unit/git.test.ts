/**
 * git: the probe's answers recorded from a test host (test/fixtures/git/: a repository with fixed dates,
 * so its commit ids are stable), the pure plan (clone, ok, update, local modifications with and without
 * force, update: false, unresolvable versions), the apply text, and a real run with the local connection.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtures } from '../support/fixtures.ts';
import { PROBE_KINDS, RERECORD } from '../support/probe-recordings.ts';
import { git, gitApplyCommand, parseGit, planGit, type GitState } from '../../lib/tasks/git.ts';
import { hostResults, localInventory, runTasks, statuses } from '../support/run.ts';
import { findModule } from '../../lib/adhoc/modules.ts';
import { parseModuleArgs } from '../../lib/adhoc/args.ts';

const { files, load } = fixtures('git');
const real = { check: false, earlierChangePredicted: false };
const st = (f: string): GitState => load(f).state;
const MAIN = '143aecf81d5bf942b7cb99145d04724fc4a93248';
const ONE = '06371428422f9dbc0303293635e66182515a875a';
const DEV = '18d4f8ad998872ac5232e3ec0956499ea139a7d7';

for (const f of files.filter((f) => f.startsWith('probe-'))) {
  const fx = load(f);
  test(`probe ${f}: ${fx.description}`, () => {
    assert.ok(fx.result, `${f} was never recorded on a test host`);
    assert.equal(parseGit(fx.result), fx.state);
    assert.is(PROBE_KINDS.git.command(fx.probe), fx.command, RERECORD);
  });
}

const base = { repo: '/tmp/rec-src', dest: '/tmp/rec/co' };

test('plan: clone; update a branch; an annotated tag; ok when HEAD is the wanted commit (idempotence)', () => {
  assert.equal(planGit(base, st('probe-absent-head.json'), real), {
    status: 'change',
    summary: `clone /tmp/rec-src into /tmp/rec/co at HEAD (${MAIN.slice(0, 10)})`,
    diff: [{ kind: 'state', key: '/tmp/rec/co HEAD', before: '(no checkout)', after: MAIN }],
    data: { clone: true, reset: false, wanted: MAIN, branch: 'main' },
  });
  const dev = planGit({ ...base, version: 'dev' }, st('probe-clean-branch.json'), real);
  assert.equal(dev.status === 'change' && dev.data, { clone: false, reset: false, wanted: DEV, branch: 'dev' });
  assert.is(planGit({ ...base, version: 'dev' }, { ...st('probe-clean-branch.json'), head: DEV }, real).status, 'ok');
  const tag = planGit({ ...base, version: 'v1a' }, st('probe-annotated-tag.json'), real);
  assert.equal(tag.status === 'change' && tag.data, { clone: false, reset: false, wanted: ONE });
  assert.equal(planGit({ ...base, version: 'v1a' }, { ...st('probe-annotated-tag.json'), head: ONE }, real), {
    status: 'ok',
    reason: `/tmp/rec/co is at v1a (${ONE.slice(0, 10)})`,
  });
});

test('plan: local modifications fail without force, are dropped with it; update: false; failures', () => {
  assert.equal(planGit({ ...base, version: 'v1' }, st('probe-dirty.json'), real), {
    status: 'failed',
    reason: 'local modifications exist in /tmp/rec/co (force: true drops them)',
  });
  const forced = planGit({ ...base, version: 'v1', force: true }, st('probe-dirty.json'), real);
  assert.is(
    forced.status === 'change' && forced.summary,
    `/tmp/rec/co: drop local modifications, update ${MAIN.slice(0, 10)} → ${ONE.slice(0, 10)} (v1)`,
  );
  assert.is(planGit({ ...base, update: false }, st('probe-dirty.json'), real).status, 'ok');
  assert.equal(planGit({ ...base, version: 'nope' }, st('probe-no-such-version.json'), real), {
    status: 'failed',
    reason: 'cannot resolve nope in /tmp/rec-src: no branch or tag nope in /tmp/rec-src',
  });
  assert.match(
    (planGit({ ...base, repo: '/tmp/rec/none' }, st('probe-bad-remote.json'), real) as { reason: string }).reason,
    /^cannot resolve HEAD in \/tmp\/rec\/none: .*repository exists/,
  );
  assert.equal(planGit(base, st('probe-other.json'), real), {
    status: 'failed',
    reason: '/tmp/rec/co exists and is not an empty folder or a git checkout',
  });
  assert.is(planGit({ ...base, version: '0123456789abcdef0123456789abcdef01234567' }, st('probe-commit.json'), real).status, 'change');
});

test('apply text: clone without checkout, reset only when forced, a branch checked out as itself, verified', () => {
  const clone = gitApplyCommand(base, { clone: true, reset: false, wanted: MAIN, branch: 'main' });
  assert.match(clone, /git clone --quiet --no-checkout -- \/tmp\/rec-src "\$d"/);
  assert.match(clone, new RegExp(`checkout --quiet --force -B main ${MAIN}`));
  assert.not.match(clone, /reset/);
  const update = gitApplyCommand(base, { clone: false, reset: true, wanted: ONE });
  assert.match(update, /fetch --quiet --tags -- \/tmp\/rec-src '\+refs\/heads\/\*:refs\/remotes\/origin\/\*'/);
  assert.match(update, /reset --quiet --hard/);
  assert.match(update, new RegExp(`checkout --quiet --force --detach ${ONE}`));
  assert.match(update, /rev-parse HEAD\) && \[ "\$h" = /);
});

const dir = mkdtempSync(join(tmpdir(), 'hw-git-unit-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a real run with the local connection: clone, ok, the branch moves → update, a tag', async () => {
  const src = join(dir, 'src');
  const env = 'GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t';
  execSync(`git init -q -b main ${src} && cd ${src} && echo 1 > f && git add f && ${env} git commit -qm one && git tag v1`, { shell: '/bin/sh' });
  const dest = join(dir, 'co');
  const inventory = localInventory(['here']);
  const task = git({ repo: src, dest, version: 'main' });
  assert.equal(statuses(await runTasks([task], { inventory, check: true }), 'here'), ['changed']);
  assert.equal(statuses(await runTasks([task], { inventory }), 'here'), ['changed']);
  assert.is(execSync(`git -C ${dest} rev-parse --abbrev-ref HEAD`).toString().trim(), 'main');
  assert.equal(statuses(await runTasks([task], { inventory }), 'here'), ['ok']);
  writeFileSync(join(src, 'f'), '2\n');
  execSync(`cd ${src} && ${env} git commit -qam two`, { shell: '/bin/sh' });
  const moved = await runTasks([task], { inventory });
  assert.match(hostResults(moved, 'here')[0].message, /update [0-9a-f]{10} → [0-9a-f]{10} \(main\)/);
  assert.is(execSync(`cat ${dest}/f`).toString(), '2\n');
  assert.equal(statuses(await runTasks([git({ repo: src, dest, version: 'v1' })], { inventory }), 'here'), ['changed']);
  assert.is(execSync(`cat ${dest}/f`).toString(), '1\n');
});

test('refusals and Ansible names', () => {
  assert.throws(() => git({ repo: '--upload-pack=x', dest: '/a' }), /repo/);
  assert.throws(() => git({ repo: 'r', dest: 'a' }), /dest/);
  assert.throws(() => git({ repo: 'r', dest: '/a', version: '-x' }), /version/);
  const m = findModule('git');
  assert.equal(parseModuleArgs('repo=https://h/r.git dest=/opt/r version=v1 force=yes update=no', m.type, m.args), {
    repo: 'https://h/r.git',
    dest: '/opt/r',
    version: 'v1',
    force: true,
    update: false,
  });
});

test.run();
