/**
 * package on a real test host over SSH (its own host, `pkgsvc1`, reset to fresh first): --check predicts
 * and changes nothing, the first run installs (several names, one transaction), the second is ok, --diff
 * shows `name: before → after`, version pins, absent, latest (with a second version in an extra repo),
 * a package that does not exist fails with dnf's / apt's own message, a yum that exits 0 without
 * installing fails, the apt backend with the harness's local apt repo, bad arguments refused up front.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testHosts, type TestHosts } from '../hosts/index.ts';
import { pkg } from '../../lib/tasks/package.ts';
import { renderDiff } from '../../lib/report/diff.ts';
import { isValidationError } from '../../lib/errors.ts';
import type { Task } from '../../lib/play/options.ts';
import { buildExtraRepos, installExtraReposCommand, missingTools } from '../fixtures/package/extra-repos.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';

const HOST = 'pkgsvc1';
let hosts: TestHosts;
let inventory: Record<string, unknown>;

const run = (tasks: Task[], options: { check?: boolean; diff?: boolean } = {}) =>
  runTasks(tasks, { inventory, knownHostsFile: hosts.knownHostsPath, ...options });
/** Run a check command on the test host; its exit code must be one of `codes` (default 0), else the test fails with its stderr. */
const sh = async (cmd: string, codes: number | number[] = 0) => {
  const r = await hosts.exec(HOST, cmd);
  const allowed = Array.isArray(codes) ? codes : [codes];
  assert.ok(allowed.includes(r.code), `${HOST}: \`${cmd}\` exited ${r.code} (expected ${allowed.join(' or ')}): ${r.stderr.trim()}`);
  return r.stdout.trim();
};
const message = (r: Awaited<ReturnType<typeof run>>, i = 0) => hostResults(r, HOST)[i].message;

test.before(async () => {
  hosts = await testHosts({ names: [HOST] });
  await hosts.reset([HOST]);
  // Our own inventory object: the harness's inventory.yml is rewritten by whoever starts hosts last.
  inventory = { all: { hosts: { [HOST]: { ansible_host: hosts.hosts[0].address, ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath } } } };
  const missing = missingTools();
  if (missing.length) throw new Error(`the package e2e tests build two small repos and need ${missing.join(', ')} on this machine (apt-get install rpm createrepo-c dpkg-dev)`);
  const r = await hosts.exec(HOST, installExtraReposCommand(buildExtraRepos()));
  if (r.code !== 0) throw new Error(`${HOST}: installing the extra test repos failed: ${r.stderr}`);
});

test('bad arguments are refused before anything runs', async () => {
  for (const bad of [{ name: 'etcd', state: 'installed' }, { name: 'etcd', versions: '1' }, { name: 'etcd-3.4.23', state: 'latest', manager: 'dnf' }]) {
    try {
      await run([pkg(bad as never)]);
      assert.unreachable(`accepted ${JSON.stringify(bad)}`);
    } catch (error) {
      assert.ok(isValidationError(error), String(error));
    }
  }
  assert.match(await sh('rpm -q etcd', 1), /not installed/);
});

test('--check --diff on a fresh host predicts the install and changes nothing', async () => {
  const result = await run([pkg({ name: ['etcd', 'flannel', 'chrony'] })], { check: true, diff: true });
  assert.equal(statuses(result, HOST), ['changed']);
  assert.is(message(result), 'install etcd, flannel (dnf)');
  assert.equal(renderDiff(hostResults(result, HOST)[0].diff ?? []), ['etcd: absent → present', 'flannel: absent → present']);
  assert.match(await sh('rpm -q etcd flannel', 2), /package etcd is not installed\npackage flannel is not installed/);
});

test('first run installs several packages in one transaction; second run is ok', async () => {
  const task = pkg({ name: ['etcd', 'flannel', 'chrony'] });
  const first = await run([task], { diff: true });
  assert.equal(statuses(first, HOST), ['changed'], message(first));
  assert.equal(renderDiff(hostResults(first, HOST)[0].diff ?? []), ['etcd: absent → present', 'flannel: absent → present']);
  assert.match(await sh("rpm -q --qf '%{NAME}-%{VERSION}\\n' etcd flannel"), /^etcd-3\.4\.23\nflannel-0\.7\.0$/);
  const second = await run([task]);
  assert.equal(statuses(second, HOST), ['ok']);
  assert.is(message(second), 'etcd 3.4.23-1.el7, flannel 0.7.0-1.el7, chrony 2.1.1-4.el7.centos are installed');
  assert.equal(statuses(await run([task], { check: true }), HOST), ['ok']);
});

test('version pins: a matching pin is ok, a pin to another version installs that version', async () => {
  const ok = await run([pkg({ name: ['etcd-3.4.23', 'flannel-0.7.0-1.el7'] })]);
  assert.equal(statuses(ok, HOST), ['ok'], message(ok));
  const first = await run([pkg({ name: 'hw-latest-1.0' })], { diff: true });
  assert.equal(statuses(first, HOST), ['changed'], message(first));
  assert.equal(renderDiff(hostResults(first, HOST)[0].diff ?? []), ['hw-latest: absent → 1.0']);
  assert.is(await sh("rpm -q --qf '%{VERSION}' hw-latest"), '1.0');
  const upgrade = await run([pkg({ name: 'hw-latest=1.1' })], { diff: true });
  assert.equal(statuses(upgrade, HOST), ['changed'], message(upgrade));
  assert.equal(renderDiff(hostResults(upgrade, HOST)[0].diff ?? []), ['hw-latest: 1.0-1.el7 → 1.1']);
  assert.is(await sh("rpm -q --qf '%{VERSION}' hw-latest"), '1.1');
  const down = await run([pkg({ name: 'hw-latest-1.0-1.el7' })]);
  assert.equal(statuses(down, HOST), ['changed'], message(down));
  assert.is(await sh("rpm -q --qf '%{VERSION}' hw-latest"), '1.0');
});

test('latest: check-update finds 1.1, the update is applied, then it is ok', async () => {
  const task = pkg({ name: ['hw-latest', 'etcd'], state: 'latest' });
  const check = await run([task], { check: true, diff: true });
  assert.equal(statuses(check, HOST), ['changed'], message(check));
  assert.equal(renderDiff(hostResults(check, HOST)[0].diff ?? []), ['hw-latest: 1.0-1.el7 → 1.1-1.el7']);
  assert.is(await sh("rpm -q --qf '%{VERSION}' hw-latest"), '1.0', 'check mode changed nothing');
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(await sh("rpm -q --qf '%{VERSION}' hw-latest"), '1.1');
  const again = await run([task]);
  assert.equal(statuses(again, HOST), ['ok']);
  assert.is(message(again), 'hw-latest 1.1-1.el7, etcd 3.4.23-1.el7 are installed (no update available)');
});

test('absent removes, then is ok', async () => {
  const task = pkg({ name: ['flannel', 'hw-latest'], state: 'absent' });
  const first = await run([task], { diff: true });
  assert.equal(statuses(first, HOST), ['changed'], message(first));
  assert.equal(renderDiff(hostResults(first, HOST)[0].diff ?? []), ['flannel: 0.7.0-1.el7 → absent', 'hw-latest: 1.1-1.el7 → absent']);
  assert.match(await sh('rpm -q flannel hw-latest', 2), /flannel is not installed\npackage hw-latest is not installed/);
  const second = await run([task]);
  assert.equal(statuses(second, HOST), ['ok']);
  assert.is(message(second), 'flannel, hw-latest are absent');
});

test("a package that does not exist fails with dnf's own message and installs nothing", async () => {
  const result = await run([pkg({ name: ['socat', 'hw-nosuch'] })]);
  assert.equal(statuses(result, HOST), ['failed']);
  assert.is(result.exitCode, 2);
  assert.match(message(result), /pkgsvc1: package socat, hw-nosuch: dnf failed \(exit 1\): No match for argument: hw-nosuch\nError: Unable to find a match: hw-nosuch/);
  assert.match(await sh('rpm -q socat', 1), /not installed/);
});

test('a yum that exits 0 without installing fails the task (verified with rpm -q)', async () => {
  await sh("printf '#!/bin/sh\\necho Nothing to do\\nexit 0\\n' > /usr/local/bin/yum && chmod 755 /usr/local/bin/yum");
  try {
    const result = await run([pkg({ name: 'socat', manager: 'yum' })]);
    assert.equal(statuses(result, HOST), ['failed']);
    assert.match(message(result), /yum exited 0 but the packages are not as wanted \(still to do: install socat \(yum\)\); manager output: Nothing to do/);
  } finally {
    await sh('rm -f /usr/local/bin/yum');
  }
  const real = await run([pkg({ name: 'socat', manager: 'yum' })]);
  assert.equal(statuses(real, HOST), ['changed'], message(real));
});

test('apt backend: hw-hello from the local apt repo, pins, latest, absent, a missing package', async () => {
  const task = pkg({ name: ['hw-hello', 'hw-config'], manager: 'apt' });
  const check = await run([task], { check: true, diff: true });
  assert.equal(statuses(check, HOST), ['changed']);
  assert.equal(renderDiff(hostResults(check, HOST)[0].diff ?? []), ['hw-hello: absent → present', 'hw-config: absent → present']);
  assert.match(await sh("dpkg-query -W -f='${db:Status-Status}' hw-hello 2>&1", [0, 1]), /no packages found|not-installed/);
  const first = await run([task]);
  assert.equal(statuses(first, HOST), ['changed'], message(first));
  assert.is(await sh('hw-hello'), 'hello from hw-hello 1.0');
  const second = await run([task]);
  assert.equal(statuses(second, HOST), ['ok']);
  assert.is(message(second), 'hw-hello 1.0-1, hw-config 1.0-1 are installed');
  assert.equal(statuses(await run([pkg({ name: 'hw-hello=1.0-1', manager: 'apt' })]), HOST), ['ok']);

  assert.equal(statuses(await run([pkg({ name: 'hw-latest=1.0-1', manager: 'apt' })]), HOST), ['changed']);
  const latest = pkg({ name: 'hw-latest', state: 'latest', manager: 'apt' });
  const predicted = await run([latest], { check: true, diff: true });
  assert.equal(renderDiff(hostResults(predicted, HOST)[0].diff ?? []), ['hw-latest: 1.0-1 → 1.1-1']);
  assert.equal(statuses(await run([latest]), HOST), ['changed']);
  assert.is(await sh('cat /usr/share/hw-latest/VERSION'), '1.1');
  assert.equal(statuses(await run([latest]), HOST), ['ok']);

  const gone = await run([pkg({ name: ['hw-config', 'hw-latest'], state: 'absent', manager: 'apt' })]);
  assert.equal(statuses(gone, HOST), ['changed'], message(gone));
  // apt's remove keeps conffiles (status config-files): that still counts as absent.
  assert.is(await sh("dpkg-query -W -f='${db:Status-Status}' hw-config"), 'config-files');
  assert.equal(statuses(await run([pkg({ name: 'hw-config', state: 'absent', manager: 'apt' })]), HOST), ['ok']);

  const missing = await run([pkg({ name: 'hw-nosuch', manager: 'apt' })]);
  assert.equal(statuses(missing, HOST), ['failed']);
  assert.match(message(missing), /apt failed \(exit 100\): E: Unable to locate package hw-nosuch/);
});

test('auto on the test hosts picks dnf (they have both dnf and apt-get)', async () => {
  const result = await run([pkg({ name: 'etcd' })]);
  assert.equal(statuses(result, HOST), ['ok']);
  assert.match(message(result), /^etcd 3\.4\.23-1\.el7 is installed$/);
});

test.run();
