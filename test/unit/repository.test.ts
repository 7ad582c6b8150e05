/**
 * repository: the file probe's answers recorded from a test host (test/fixtures/repository/), the yum
 * section text (keys sorted as Ansible writes them), the .repo and apt list edits (other sections and
 * lines kept, absent, no final newline), the plan (ok, add, update, remove, cache refresh only with a
 * change), idempotence, refusals and the Ansible module names.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures } from '../support/fixtures.ts';
import { PROBE_KINDS, RERECORD } from '../support/probe-recordings.ts';
import {
  aptFileName,
  editAptFile,
  editRepoFile,
  parseRepoFile,
  planRepository,
  refreshCommand,
  repository,
  repositoryPath,
  yumSection,
  type RepoFileState,
} from '../../lib/tasks/repository.ts';
import { findModule } from '../../lib/adhoc/modules.ts';
import { parseModuleArgs } from '../../lib/adhoc/args.ts';

const { files, load } = fixtures('repository');
const real = { check: false, earlierChangePredicted: false };

for (const f of files.filter((f) => f.startsWith('probe-'))) {
  const fx = load(f);
  test(`probe ${f}: ${fx.description}`, () => {
    assert.ok(fx.result, `${f} was never recorded on a test host`);
    assert.equal(parseRepoFile(fx.result), fx.state);
    assert.is(PROBE_KINDS.repository.command(fx.probe), fx.command, RERECORD);
  });
}

const k8s = { name: 'kubernetes', description: 'Kubernetes', baseurl: 'https://pkgs.example/el7', gpgcheck: false };

test('yum section as Ansible writes it: keys sorted, booleans as 1/0, name = description, enabled only when given, continuation lines with a tab', () => {
  assert.is(yumSection(k8s), '[kubernetes]\nbaseurl = https://pkgs.example/el7\ngpgcheck = 0\nname = Kubernetes\n');
  assert.is(
    yumSection({ name: 'x', baseurl: ['a', 'b'], enabled: false, options: { priority: 1, sslverify: false } }),
    '[x]\nbaseurl = a\n\tb\nenabled = 0\nname = x\npriority = 1\nsslverify = 0\n',
  );
});

test('.repo edits: added at the end with a blank line after it, replaced in place, removed; other sections and comments byte for byte', () => {
  const other = '# keep me\n[base]\nname=Base\nbaseurl=file:///srv/repo\n';
  const added = editRepoFile(other, k8s);
  assert.is(added, `${other}\n${yumSection(k8s)}\n`);
  assert.is(editRepoFile(added, k8s), added, 'idempotent');
  const changed = editRepoFile(added, { ...k8s, gpgcheck: true });
  assert.is(changed, `${other}\n${yumSection({ ...k8s, gpgcheck: true })}\n`);
  const base = '[base]\nname=Base\nbaseurl=file:///srv/repo\n';
  assert.is(
    editRepoFile(`[kubernetes]\nbaseurl=old\n\n# base\n${base}`, k8s),
    `${yumSection(k8s)}\n# base\n${base}`,
    'replaced where it was, the comment after it kept',
  );
  assert.is(editRepoFile(`[kubernetes]\nbaseurl=old\n${base}`, k8s), `${yumSection(k8s)}\n${base}`, 'a blank line after it, as Ansible writes');
  assert.is(editRepoFile(added, { name: 'kubernetes', state: 'absent' }), `${other}\n`);
  assert.is(editRepoFile(`${yumSection(k8s)}\n${base}`, { name: 'kubernetes', state: 'absent' }), base, 'its blank lines go with it');
  assert.is(editRepoFile(`${yumSection(k8s)}\n`, { name: 'kubernetes', state: 'absent' }), '');
  assert.is(
    editRepoFile(`# by hand\n${yumSection(k8s)}`, { name: 'kubernetes', state: 'absent' }),
    '',
    'no section left: the file goes, as with Ansible',
  );
});

test('.repo: a section with the same keys and values, however written, is kept (as Ansible and yum read it)', () => {
  const hand = '[kubernetes]\n# by hand\nName=Kubernetes\nBASEURL : https://pkgs.example/el7\ngpgcheck = 0  \n';
  assert.is(editRepoFile(hand, k8s), hand);
  const two = { ...k8s, baseurl: ['https://a', 'https://b'] };
  assert.is(
    editRepoFile('[kubernetes]\nname = Kubernetes\ngpgcheck = 0\nbaseurl = https://a\n   https://b\n', two),
    '[kubernetes]\nname = Kubernetes\ngpgcheck = 0\nbaseurl = https://a\n   https://b\n',
  );
  assert.is(editRepoFile(`${hand}metadata_expire = 0\n`, k8s), `${yumSection(k8s)}\n`, 'another key: rewritten');
});

test('apt edits: a line added once (whitespace-insensitive), removed; a file without a final newline', () => {
  const line = 'deb [trusted=yes] file:/srv/apt ./';
  assert.is(editAptFile('', { repo: line }), `${line}\n`);
  assert.is(editAptFile('# local\ndeb  [trusted=yes]   file:/srv/apt ./', { repo: line }), '# local\ndeb  [trusted=yes]   file:/srv/apt ./');
  assert.is(editAptFile('# local\ndeb http://x y main', { repo: line }), `# local\ndeb http://x y main\n${line}\n`);
  assert.is(editAptFile(`# local\n${line}\n`, { repo: line, state: 'absent' }), '# local\n');
  assert.is(aptFileName('deb [arch=amd64] https://download.docker.com/linux/debian bookworm stable'), 'download_docker_com_linux_debian');
  assert.is(repositoryPath({ repo: 'deb http://a/b c d' }), '/etc/apt/sources.list.d/a_b.list');
  assert.is(repositoryPath({ name: 'k', baseurl: 'x', file: 'all', reposdir: '/tmp/rec' }), '/tmp/rec/all.repo');
});

test('plan on recorded states: add with a refresh of that repository only; ok when present; failures', () => {
  const absent: RepoFileState = load('probe-absent.json').state;
  const args = { ...k8s, reposdir: '/tmp/rec', file: 'k8s' };
  const plan = planRepository(args, absent, real);
  assert.equal(plan, {
    status: 'change',
    summary: 'add [kubernetes] in /tmp/rec/k8s.repo, refresh the cache',
    diff: [{ kind: 'file', path: '/tmp/rec/k8s.repo', before: '', after: `${yumSection(k8s)}\n` }],
    data: { path: '/tmp/rec/k8s.repo', content: `${yumSection(k8s)}\n`, refresh: "yum -q -y makecache --disablerepo='*' --enablerepo=kubernetes" },
  });
  const after = { ...absent, type: 'file' as const, content: yumSection(k8s) };
  assert.equal(planRepository(args, after, real), { status: 'ok', reason: '/tmp/rec/k8s.repo has [kubernetes]' });
  assert.is(
    planRepository({ ...args, updateCache: false }, absent, real).status === 'change' &&
      (planRepository({ ...args, updateCache: false }, absent, real) as any).data.refresh,
    undefined,
  );
  const apt: RepoFileState = load('probe-apt-list.json').state;
  assert.equal(planRepository({ repo: 'deb [trusted=yes] file:/srv/apt ./', file: 'local' }, apt, real).status, 'ok');
  assert.equal(planRepository({ repo: 'deb x y', file: 'x' }, load('probe-symlink.json').state, real), {
    status: 'failed',
    reason: '/etc/apt/sources.list.d/x.list is not a regular file',
  });
  assert.equal(planRepository(args, load('probe-no-folder.json').state, real), {
    status: 'failed',
    reason: 'folder of /tmp/rec/k8s.repo does not exist',
  });
  assert.is(planRepository(args, load('probe-no-folder.json').state, { check: true, earlierChangePredicted: true }).status, 'may-change');
  assert.is(
    refreshCommand({ repo: 'deb a b c' }, '/etc/apt/sources.list.d/a.list'),
    'apt-get update -qq -o Dir::Etc::sourcelist=/etc/apt/sources.list.d/a.list -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0',
  );
});

test('refusals and Ansible module names', () => {
  assert.throws(() => repository({ name: 'k' }), /needs baseurl or mirrorlist/);
  assert.throws(() => repository({ repo: 'deb a b', name: 'k' }), /not both/);
  assert.throws(() => repository({}), /give name/);
  assert.throws(() => repository({ repo: 'http://x' }), /repo/);
  assert.throws(() => repository({ name: 'k', baseurl: 'a\nb' }), /baseurl/);
  const yum = findModule('yum_repository');
  assert.equal(parseModuleArgs('name=k description="K 8" baseurl=file:///srv/repo gpgcheck=no', yum.type, yum.args), {
    name: 'k',
    description: 'K 8',
    baseurl: 'file:///srv/repo',
    gpgcheck: false,
  });
  const apt = findModule('apt_repository');
  assert.equal(parseModuleArgs("repo='deb http://a b c' filename=a update_cache=no", apt.type, apt.args), {
    repo: 'deb http://a b c',
    file: 'a',
    updateCache: false,
  });
});

test.run();
