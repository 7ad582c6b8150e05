/**
 * package on real test hosts over SSH (their own hosts, reset to fresh first: `pkgsvc1` with dnf, and the
 * yum-only variant `yumpkg1`, where `auto` picks yum): --check predicts and changes nothing, the first run
 * installs (several names, one transaction), the second is ok, --diff shows `name: before → after`,
 * version pins, absent, latest (with a second version in an extra repo), a package that does not exist
 * fails with dnf's / apt's own message, a yum that exits 0 without installing fails, the apt backend with
 * the harness's local apt repo (and a virtual package), bad arguments refused up front; on both the dnf and
 * the yum path: names answered by provides (CentOS 7.9's python-rhsm-certificates, a virtual provide, a
 * file path), absent by provide, versioned, arch-qualified and glob names, latest across an obsolete.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testHosts, type TestHosts } from '../hosts/index.ts';
import { pkg } from '../../lib/tasks/package.ts';
import { renderDiff } from '../../lib/report/diff.ts';
import { isValidationError } from '../../lib/core/errors.ts';
import type { Task } from '../../lib/core/task-options.ts';
import { buildExtraRepos, installExtraReposCommand, missingTools } from '../fixtures/package/extra-repos.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';

const HOST = 'pkgsvc1';
const YUM_HOST = 'yumpkg1';
let hosts: TestHosts;
let inventory: Record<string, unknown>;

const run = (tasks: Task[], options: { check?: boolean; diff?: boolean; hosts?: string } = {}) =>
  runTasks(tasks, { inventory, knownHostsFile: hosts.knownHostsPath, hosts: HOST, ...options });
/** Run a check command on a test host; its exit code must be one of `codes` (default 0), else the test fails with its stderr. */
const shOn = async (host: string, cmd: string, codes: number | number[] = 0) => {
  const r = await hosts.exec(host, cmd);
  const allowed = Array.isArray(codes) ? codes : [codes];
  assert.ok(allowed.includes(r.code), `${host}: \`${cmd}\` exited ${r.code} (expected ${allowed.join(' or ')}): ${r.stderr.trim()}`);
  return r.stdout.trim();
};
const sh = (cmd: string, codes: number | number[] = 0) => shOn(HOST, cmd, codes);
const message = (r: Awaited<ReturnType<typeof run>>, i = 0, host = HOST) => hostResults(r, host)[i].message;

test.before(async () => {
  hosts = await testHosts({ names: [HOST, YUM_HOST] });
  await hosts.reset([HOST, YUM_HOST]);
  // Our own inventory object: the harness's inventory.yml is rewritten by whoever starts hosts last.
  const entry = (h: { address: string }) => ({ ansible_host: h.address, ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath });
  inventory = { all: { hosts: Object.fromEntries(hosts.hosts.map((h) => [h.name, entry(h)])) } };
  const missing = missingTools();
  if (missing.length)
    throw new Error(
      `the package e2e tests build two small repos and need ${missing.join(', ')} on this machine (apt-get install rpm createrepo-c dpkg-dev)`,
    );
  const tar = buildExtraRepos();
  for (const h of [HOST, YUM_HOST]) {
    const r = await hosts.exec(h, installExtraReposCommand(tar));
    if (r.code !== 0) throw new Error(`${h}: installing the extra test repos failed: ${r.stderr}`);
  }
});

test('bad arguments are refused before anything runs', async () => {
  const bad: [unknown, RegExp][] = [
    [{ name: 'etcd', state: 'installed' }, /argument "state"/],
    [{ name: 'etcd', versions: '1' }, /unknown argument "versions"/],
    [{ name: 'etcd-3.3.11', state: 'latest', manager: 'dnf' }, /state "latest" takes names without versions/],
    [{ name: ['etcd', '@core'] }, /package groups are not supported \(got @core\)/],
    [{ name: 'kernel-devel-*', manager: 'apt' }, /apt takes package names \(got kernel-devel-\*\)/],
  ];
  for (const [args, why] of bad) {
    try {
      await run([pkg(args as never)]);
      assert.unreachable(`accepted ${JSON.stringify(args)}`);
    } catch (error) {
      assert.ok(isValidationError(error), String(error));
      assert.match(String((error as Error).message), why);
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
  assert.match(await sh("rpm -q --qf '%{NAME}-%{VERSION}\\n' etcd flannel"), /^etcd-3\.3\.11\nflannel-0\.7\.1$/);
  const second = await run([task]);
  assert.equal(statuses(second, HOST), ['ok']);
  assert.is(message(second), 'etcd 3.3.11-2.el7.centos, flannel 0.7.1-4.el7, chrony 2.1.1-4.el7.centos are installed');
  assert.equal(statuses(await run([task], { check: true }), HOST), ['ok']);
});

test('version pins: a matching pin is ok, a pin to another version installs that version', async () => {
  const ok = await run([pkg({ name: ['etcd-3.3.11', 'flannel-0.7.1-4.el7'] })]);
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
  assert.is(message(again), 'hw-latest 1.1-1.el7, etcd 3.3.11-2.el7.centos are installed (no update available)');
});

test('absent removes, then is ok', async () => {
  const task = pkg({ name: ['flannel', 'hw-latest'], state: 'absent' });
  const first = await run([task], { diff: true });
  assert.equal(statuses(first, HOST), ['changed'], message(first));
  assert.equal(renderDiff(hostResults(first, HOST)[0].diff ?? []), ['flannel: 0.7.1-4.el7 → absent', 'hw-latest: 1.1-1.el7 → absent']);
  assert.match(await sh('rpm -q flannel hw-latest', 2), /flannel is not installed\npackage hw-latest is not installed/);
  const second = await run([task]);
  assert.equal(statuses(second, HOST), ['ok']);
  assert.is(message(second), 'flannel, hw-latest are absent');
});

test("a package that does not exist fails with dnf's own message and installs nothing", async () => {
  const result = await run([pkg({ name: ['socat', 'hw-nosuch'] })]);
  assert.equal(statuses(result, HOST), ['failed']);
  assert.is(result.exitCode, 2);
  assert.match(
    message(result),
    /pkgsvc1: package socat, hw-nosuch: dnf failed \(exit 1\): No match for argument: hw-nosuch\nError: Unable to find a match: hw-nosuch/,
  );
  assert.match(await sh('rpm -q socat', 1), /not installed/);
});

test('a yum that exits 0 without installing fails the task (verified with rpm -q)', async () => {
  await sh("printf '#!/bin/sh\\necho Nothing to do\\nexit 0\\n' > /usr/local/bin/yum && chmod 755 /usr/local/bin/yum");
  try {
    const result = await run([pkg({ name: 'socat', manager: 'yum' })]);
    assert.equal(statuses(result, HOST), ['failed']);
    assert.match(
      message(result),
      /yum exited 0 but the packages are not as wanted \(still to do: install socat \(yum\)\); manager output: Nothing to do/,
    );
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
  assert.match(message(result), /^etcd 3\.3\.11-2\.el7\.centos is installed$/);
});

test('apt: a virtual package provided by an installed package counts as installed; absent removes the provider', async () => {
  const task = pkg({ name: 'hw-virtual-deb', manager: 'apt' });
  const first = await run([task], { diff: true });
  assert.equal(statuses(first, HOST), ['changed'], message(first));
  assert.is(message(first), 'install hw-virtual-deb (apt)');
  assert.is(await sh("dpkg-query -W -f='${Package} ${db:Status-Status}' hw-virt-provider"), 'hw-virt-provider installed');
  const second = await run([task]);
  assert.equal(statuses(second, HOST), ['ok'], message(second));
  assert.is(message(second), 'hw-virtual-deb: provided by hw-virt-provider-1.0-1');
  const gone = await run([pkg({ name: 'hw-virtual-deb', state: 'absent', manager: 'apt' })], { diff: true });
  assert.equal(statuses(gone, HOST), ['changed'], message(gone));
  assert.is(message(gone), 'remove hw-virt-provider (apt)');
  assert.equal(renderDiff(hostResults(gone, HOST)[0].diff ?? []), ['hw-virtual-deb: provided by hw-virt-provider-1.0-1 → absent']);
  assert.match(await sh("dpkg-query -W -f='${db:Status-Status}' hw-virt-provider 2>&1", [0, 1]), /no packages found|not-installed|config-files/);
});

// The same cases on the dnf path (pkgsvc1) and on the yum path (yumpkg1: no dnf command, `auto` picks yum).
for (const [host, manager] of [
  [HOST, 'dnf'],
  [YUM_HOST, 'yum'],
] as const) {
  const on = (tasks: Task[], options: { check?: boolean; diff?: boolean } = {}) => run(tasks, { ...options, hosts: host });
  const msg = (r: Awaited<ReturnType<typeof run>>) => message(r, 0, host);
  const diffOf = (r: Awaited<ReturnType<typeof run>>) => renderDiff(hostResults(r, host)[0].diff ?? []);
  /** rpm -q exits with the number of names not installed: the test says how many it expects. */
  const rpmQ = (names: string, missing = 0) => shOn(host, `rpm -q ${names}`, missing);

  test(`${manager}: python-rhsm-certificates is installed as CentOS 7.9 ships it (provided and obsoleted by subscription-manager-rhsm-certificates)`, async () => {
    const task = pkg({ name: 'python-rhsm-certificates' });
    const check = await on([task], { check: true, diff: true });
    assert.equal(statuses(check, host), ['changed'], msg(check));
    assert.is(msg(check), `install python-rhsm-certificates (${manager})`);
    assert.equal(diffOf(check), ['python-rhsm-certificates: absent → present']);
    const first = await on([task]);
    assert.equal(statuses(first, host), ['changed'], msg(first));
    assert.is(await rpmQ('subscription-manager-rhsm-certificates'), 'subscription-manager-rhsm-certificates-1.24.51-1.el7.centos.noarch');
    assert.match(await rpmQ('python-rhsm-certificates', 1), /is not installed/, 'no package of that name: it is a provide');
    const second = await on([task]);
    assert.equal(statuses(second, host), ['ok'], msg(second));
    assert.is(msg(second), 'python-rhsm-certificates: provided by subscription-manager-rhsm-certificates-1.24.51-1.el7.centos');
    const latest = await on([pkg({ name: 'python-rhsm-certificates', state: 'latest' })]);
    assert.equal(statuses(latest, host), ['ok'], msg(latest));
    assert.is(msg(latest), 'python-rhsm-certificates: provided by subscription-manager-rhsm-certificates-1.24.51-1.el7.centos (no update available)');
  });

  test(`${manager}: a file path and a virtual provide are installed, then ok; absent removes the providers`, async () => {
    const task = pkg({ name: ['/usr/bin/hw-filetool', 'hw-virtual'] });
    const first = await on([task], { diff: true });
    assert.equal(statuses(first, host), ['changed'], msg(first));
    assert.is(msg(first), `install /usr/bin/hw-filetool, hw-virtual (${manager})`);
    assert.equal(diffOf(first), ['/usr/bin/hw-filetool: absent → present', 'hw-virtual: absent → present']);
    assert.is(await shOn(host, '/usr/bin/hw-filetool'), 'hw-filetool 1.0');
    const second = await on([task]);
    assert.equal(statuses(second, host), ['ok'], msg(second));
    assert.is(msg(second), '/usr/bin/hw-filetool: provided by hw-filetool-1.0-1.el7; hw-virtual: provided by hw-virtprov-1.0-1.el7');
    const absent = pkg({ name: ['python-rhsm-certificates', 'hw-virtual'], state: 'absent' });
    const check = await on([absent], { check: true, diff: true });
    assert.equal(statuses(check, host), ['changed'], msg(check));
    assert.is(msg(check), `remove subscription-manager-rhsm-certificates-1.24.51-1.el7.centos.noarch, hw-virtprov-1.0-1.el7.noarch (${manager})`);
    assert.equal(diffOf(check), [
      'python-rhsm-certificates: provided by subscription-manager-rhsm-certificates-1.24.51-1.el7.centos → absent',
      'hw-virtual: provided by hw-virtprov-1.0-1.el7 → absent',
    ]);
    assert.equal(statuses(await on([absent]), host), ['changed']);
    assert.match(
      await rpmQ('subscription-manager-rhsm-certificates hw-virtprov hw-filetool', 2),
      /subscription-manager-rhsm-certificates is not installed\npackage hw-virtprov is not installed\nhw-filetool-1\.0-1\.el7\.noarch/,
    );
    const again = await on([absent]);
    assert.equal(statuses(again, host), ['ok']);
    assert.is(msg(again), 'python-rhsm-certificates, hw-virtual are absent');
  });

  test(`${manager}: arch-qualified names install and remove one arch of a multi-arch pair`, async () => {
    const i686 = await on([pkg({ name: 'hw-arch.i686' })]);
    assert.equal(statuses(i686, host), ['changed'], msg(i686));
    assert.is(await rpmQ('hw-arch'), 'hw-arch-1.0-1.el7.i686');
    assert.is(msg(await on([pkg({ name: 'hw-arch.i686' })])), 'hw-arch.i686 1.0-1.el7 is installed');
    const both = await on([pkg({ name: ['hw-arch.i686', 'hw-arch.x86_64'] })], { diff: true });
    assert.equal(statuses(both, host), ['changed'], msg(both));
    assert.equal(diffOf(both), ['hw-arch.x86_64: absent → present']);
    assert.is(await rpmQ("--qf '%{ARCH}\\n' hw-arch | sort"), 'i686\nx86_64');
    const gone = await on([pkg({ name: 'hw-arch.i686', state: 'absent' })]);
    assert.equal(statuses(gone, host), ['changed'], msg(gone));
    assert.is(msg(gone), `remove hw-arch-1.0-1.el7.i686 (${manager})`);
    assert.is(await rpmQ('hw-arch'), 'hw-arch-1.0-1.el7.x86_64');
  });

  test(`${manager}: a glob, a versioned name, latest through the glob`, async () => {
    const glob = await on([pkg({ name: 'hw-lat*' })]);
    assert.equal(statuses(glob, host), ['changed'], msg(glob));
    assert.is(msg(glob), `install hw-lat* (${manager})`);
    assert.is(await rpmQ('hw-latest'), 'hw-latest-1.1-1.el7.noarch');
    assert.is(msg(await on([pkg({ name: 'hw-lat*' })])), 'hw-lat*: matched by hw-latest-1.1-1.el7');
    const down = await on([pkg({ name: 'hw-latest-1.0' })], { diff: true });
    assert.equal(statuses(down, host), ['changed'], msg(down));
    assert.equal(diffOf(down), ['hw-latest: 1.1-1.el7 → 1.0']);
    assert.is(await rpmQ('hw-latest'), 'hw-latest-1.0-1.el7.noarch');
    assert.is(msg(await on([pkg({ name: 'hw-latest-1.0-1.el7' })])), 'hw-latest 1.0-1.el7 is installed');
    const latest = await on([pkg({ name: 'hw-lat*', state: 'latest' })], { diff: true });
    assert.equal(statuses(latest, host), ['changed'], msg(latest));
    assert.is(msg(latest), `update hw-latest (${manager})`);
    assert.equal(diffOf(latest), ['hw-lat*: matched by hw-latest-1.0-1.el7 → 1.1-1.el7']);
    assert.is(await rpmQ('hw-latest'), 'hw-latest-1.1-1.el7.noarch');
    assert.is(msg(await on([pkg({ name: 'hw-lat*', state: 'latest' })])), 'hw-lat*: matched by hw-latest-1.1-1.el7 (no update available)');
  });

  test(`${manager}: latest replaces an installed package that a repository package obsoletes, then is ok`, async () => {
    await shOn(host, 'rpm -i /srv/hw-extra-old/hw-oldname-1.0-1.el7.noarch.rpm');
    assert.is(msg(await on([pkg({ name: 'hw-oldname' })])), 'hw-oldname 1.0-1.el7 is installed');
    const task = pkg({ name: 'hw-oldname', state: 'latest' });
    const check = await on([task], { check: true, diff: true });
    assert.equal(statuses(check, host), ['changed'], msg(check));
    assert.equal(diffOf(check), ['hw-oldname: 1.0-1.el7 → hw-newname 2.0-1.el7']);
    const first = await on([task]);
    assert.equal(statuses(first, host), ['changed'], msg(first));
    assert.match(await rpmQ('hw-oldname hw-newname', 1), /^package hw-oldname is not installed\nhw-newname-2\.0-1\.el7\.noarch$/);
    const second = await on([task]);
    assert.equal(statuses(second, host), ['ok'], msg(second));
    assert.is(msg(second), 'hw-oldname: provided by hw-newname-2.0-1.el7 (no update available)');
  });
}

test('the yum-only host: auto picks yum, and dnf chosen explicitly is missing', async () => {
  assert.is(await shOn(YUM_HOST, 'command -v dnf || echo none'), 'none');
  const dnf = await run([pkg({ name: 'socat', manager: 'dnf' })], { hosts: YUM_HOST });
  assert.equal(statuses(dnf, YUM_HOST), ['failed']);
  assert.match(message(dnf, 0, YUM_HOST), /dnf is not installed on this host; choose another manager or 'auto'/);
  const auto = await run([pkg({ name: 'socat' })], { hosts: YUM_HOST });
  assert.equal(statuses(auto, YUM_HOST), ['changed']);
  assert.is(message(auto, 0, YUM_HOST), 'install socat (yum)');
});

test.run();
