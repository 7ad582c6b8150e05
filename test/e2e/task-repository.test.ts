/**
 * `repository` on a real test host over SSH (`rp1`, reset to fresh first), with the host's own local
 * repositories (file:///srv/repo for dnf/yum, file:/srv/apt for apt; nothing outside): a yum section
 * and an apt line are written (check mode predicts and writes nothing), the cache of that repository is
 * refreshed (its cache appears), the second run is ok and refreshes nothing, absent removes, the ad-hoc
 * modules under yum_repository/apt_repository, bad arguments refused before any host; and the differential
 * cases against yum_repository's recorded answers (test/fixtures/repository/ansible/, re-record with
 * HW_RECORD_ANSIBLE=repository).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testHosts, type TestHosts } from '../hosts/index.ts';
import { repository } from '../../lib/tasks/repository.ts';
import type { Task } from '../../lib/core/task-options.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';
import { hw } from '../support/child.ts';
import { differential } from '../support/ansible-differential.ts';

const HOST = 'rp1';
const dir = mkdtempSync(join(tmpdir(), 'hw-repo-e2e-'));
const inventoryPath = join(dir, 'inventory.json');
let hosts: TestHosts;
let inventory: Record<string, unknown>;

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
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('yum: check predicts and writes nothing; the section is written and its cache made; second run ok', async () => {
  const task = repository({ name: 'extras', description: 'Local extras', baseurl: 'file:///srv/repo', gpgcheck: false });
  const check = await run([task], { check: true, diff: true });
  assert.is(hostResults(check, HOST)[0].message, 'add [extras] in /etc/yum.repos.d/extras.repo, refresh the cache');
  assert.is(await sh('test -e /etc/yum.repos.d/extras.repo && echo yes || echo no'), 'no');
  const first = await run([task]);
  assert.equal(statuses(first, HOST), ['changed']);
  assert.is(await sh('cat /etc/yum.repos.d/extras.repo'), '[extras]\nbaseurl = file:///srv/repo\ngpgcheck = 0\nname = Local extras');
  assert.match(await sh('ls /var/cache/dnf'), /^extras-/m, 'the cache of that repository was made');
  assert.match(await sh('yum -q repolist extras'), /extras\s+Local extras/);
  await sh('rm -rf /var/cache/dnf/extras-*');
  assert.equal(statuses(await run([task]), HOST), ['ok']);
  assert.not.match(await sh('ls /var/cache/dnf'), /^extras-/m, 'no refresh without a change');
  const off = repository({ name: 'extras', description: 'Local extras', baseurl: 'file:///srv/repo', gpgcheck: false, enabled: false });
  assert.equal(statuses(await run([off]), HOST), ['changed']);
  assert.match(await sh('cat /etc/yum.repos.d/extras.repo'), /^enabled = 0$/m);
  assert.equal(statuses(await run([repository({ name: 'extras', state: 'absent' })]), HOST), ['changed']);
  assert.is(await sh('test -e /etc/yum.repos.d/extras.repo && echo yes || echo no'), 'no');
  assert.equal(statuses(await run([repository({ name: 'extras', state: 'absent' })]), HOST), ['ok']);
});

test('apt: the line goes into its own list; only that source is updated; second run ok; absent', async () => {
  const line = 'deb [trusted=yes] file:/srv/apt ./';
  await sh('rm -f /etc/apt/sources.list.d/hostwright-local.list /var/lib/apt/lists/*srv_apt*');
  const task = repository({ repo: line, file: 'local2' });
  assert.equal(statuses(await run([task], { check: true }), HOST), ['changed']);
  assert.is(await sh('ls /var/lib/apt/lists | grep -c srv_apt || true'), '0');
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(await sh('cat /etc/apt/sources.list.d/local2.list'), line);
  assert.match(await sh('ls /var/lib/apt/lists'), /_srv_apt_/, 'the source was fetched');
  assert.equal(statuses(await run([task]), HOST), ['ok']);
  const gone = await run([repository({ repo: line, file: 'local2', state: 'absent', updateCache: false })]);
  assert.equal(statuses(gone, HOST), ['changed']);
  assert.is(await sh('test -e /etc/apt/sources.list.d/local2.list && echo yes || echo no'), 'no');
});

test('ad-hoc: -m yum_repository and -m apt_repository with Ansible names; bad arguments exit 5 before any host', async () => {
  const args = ['all', '-i', inventoryPath, '--known-hosts', hosts.knownHostsPath];
  const yum = await hw(...args, '-m', 'yum_repository', '-a', 'name=adhoc description=Adhoc baseurl=file:///srv/repo gpgcheck=no');
  assert.is(yum.code, 0, yum.err);
  assert.match(await sh('cat /etc/yum.repos.d/adhoc.repo'), /^name = Adhoc$/m);
  const apt = await hw(...args, '-m', 'apt_repository', '-a', "repo='deb [trusted=yes] file:/srv/apt ./' filename=adhoc update_cache=no");
  assert.is(apt.code, 0, apt.err);
  assert.is(await sh('cat /etc/apt/sources.list.d/adhoc.list'), 'deb [trusted=yes] file:/srv/apt ./');
  const bad = await hw(...args, '-m', 'yum_repository', '-a', 'name=broken');
  assert.is(bad.code, 5);
  assert.match(bad.err, /needs baseurl or mirrorlist/);
  assert.is(await sh('test -e /etc/yum.repos.d/broken.repo && echo yes || echo no'), 'no');
});

test("differential: the same arguments give yum_repository's .repo bytes and verdicts", async () => {
  const { cases, problems } = await differential('repository', hosts, HOST, repository);
  assert.ok(cases >= 10, `${cases} cases`);
  assert.equal(problems, []);
});

test.run();
