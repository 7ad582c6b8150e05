/**
 * `package` without a host: probe outputs recorded on a real test host (test/fixtures/package/*.json,
 * re-record with test/fixtures/package/record.ts) go through the real parser and the pure plan; plus
 * spec parsing, version pins, the managers' messages and argument refusals.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { refuses } from '../support/fixtures.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { applyCommands, managerMessage, packageType, pkg, planPackage, type PackageArgs } from '../../lib/tasks/package.ts';
import { parseAptSimulate, parseCheckUpdate, parseDebProvides, parsePackageProbe, type PackageState } from '../../lib/probes/package-query.ts';
import { formatVersion, globMatches, managerArgument, nevra, parsePackageSpec, versionMatches } from '../../lib/probes/package-spec.ts';

const dir = fileURLToPath(new URL('../fixtures/package/', import.meta.url));

interface Fixture {
  description: string;
  args: PackageArgs;
  ctx: { check: boolean; earlierChangePredicted: boolean };
  probe: { code: number; stdout: string; stderr: string };
  /** The probe command the output was recorded with (record.ts writes it). */
  probeCommand: string;
  expect: { status: string; reason?: string; reasonMatch?: string; summary?: string; diff?: unknown; data?: unknown };
}

const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
test('there are package fixtures', () => assert.ok(files.length >= 28, `only ${files.length} fixtures in ${dir}`));

for (const file of files) {
  const fx = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Fixture;
  test(`${file}: ${fx.description}`, () => {
    assert.ok(fx.probe, `${file} has no recorded probe output`);
    const probe = packageType.probe(fx.args, {} as never)!;
    // A changed probe must be re-recorded (test/fixtures/package/record.ts): old output proves nothing.
    assert.is(fx.probeCommand, probe.command, `${file} was recorded with another probe command: re-record it`);
    const state = probe.parse(fx.probe);
    const plan = planPackage(fx.args, state, fx.ctx);
    assert.is(plan.status, fx.expect.status, JSON.stringify(plan));
    if (plan.status === 'ok') assert.is(plan.reason, fx.expect.reason);
    if (plan.status === 'failed' || plan.status === 'may-change') assert.match(plan.reason, fx.expect.reasonMatch ?? fx.expect.reason ?? '');
    if (plan.status === 'change') {
      assert.is(plan.summary, fx.expect.summary);
      assert.equal(plan.diff, fx.expect.diff);
      assert.equal(plan.data, fx.expect.data);
    }
  });
}

test('the probe is one script that detects the manager and asks the package database', () => {
  const p = packageType.probe({ name: ['etcd', 'flannel'] }, {} as never)!;
  assert.match(p.command, /for c in dnf yum apt-get/);
  assert.match(p.command, /rpm -q --qf/);
  assert.match(p.command, /dpkg-query -W/);
  assert.not.match(p.command, /check-update/, 'no update check unless state is latest');
  assert.match(packageType.probe({ name: 'etcd', state: 'latest' }, {} as never)!.command, /check-update/);
});

test('a chosen manager missing on the host fails the plan with a clear reason', () => {
  const state = parsePackageProbe({ code: 0, stdout: 'missing=apt-get\nmanager=none\n', stderr: '' });
  const plan = planPackage({ name: 'x', manager: 'apt' }, state, { check: false, earlierChangePredicted: false });
  assert.is(plan.status, 'failed');
  assert.match((plan as { reason: string }).reason, /apt-get is not installed on this host/);
  const none = planPackage({ name: 'x' }, parsePackageProbe({ code: 0, stdout: 'manager=none\n', stderr: '' }), {
    check: false,
    earlierChangePredicted: false,
  });
  assert.match((none as { reason: string }).reason, /no supported package manager/);
});

test('garbage probe output is refused, not read as "nothing installed"', () => {
  assert.throws(() => parsePackageProbe({ code: 0, stdout: 'manager=zypper\n', stderr: '' }), /unexpected output/);
});

test('rpm version pins: name-version[-release], epochs, and names that only look like pins', () => {
  assert.equal(parsePackageSpec('etcd-3.4.23', 'rpm'), { spec: 'etcd-3.4.23', name: 'etcd', version: '3.4.23' });
  assert.equal(parsePackageSpec('etcd-3.4.23-1.el7', 'rpm'), { spec: 'etcd-3.4.23-1.el7', name: 'etcd', version: '3.4.23-1.el7' });
  assert.equal(parsePackageSpec('kubernetes-node-1.5.2-0.2.gitc55cf2b.el7', 'rpm').name, 'kubernetes-node');
  assert.equal(parsePackageSpec('docker-2:1.13.1', 'rpm'), { spec: 'docker-2:1.13.1', name: 'docker', version: '2:1.13.1' });
  assert.equal(parsePackageSpec('conntrack-tools', 'rpm'), { spec: 'conntrack-tools', name: 'conntrack-tools' });
  assert.equal(parsePackageSpec('java-1.8.0-openjdk', 'rpm'), { spec: 'java-1.8.0-openjdk', name: 'java-1.8.0-openjdk' });
  assert.equal(parsePackageSpec('etcd=3.4.23', 'rpm'), { spec: 'etcd=3.4.23', name: 'etcd', version: '3.4.23' });
  assert.is(managerArgument(parsePackageSpec('etcd=3.4.23', 'rpm'), 'rpm'), 'etcd-3.4.23');
  const etcd = { name: 'etcd', version: '3.4.23', release: '1.el7' };
  assert.ok(versionMatches(etcd, '3.4.23', 'rpm'));
  assert.ok(versionMatches(etcd, '3.4.23-1.el7', 'rpm'));
  assert.ok(versionMatches(etcd, '0:3.4.23', 'rpm'));
  assert.not.ok(versionMatches(etcd, '3.4.2', 'rpm'));
  assert.not.ok(versionMatches(etcd, '1:3.4.23', 'rpm'));
  assert.is(formatVersion({ name: 'docker', epoch: '2', version: '1.13.1', release: '53.el7' }), '2:1.13.1-53.el7');
});

test('apt version pins: name=version, matched exactly; a dash is part of Debian names', () => {
  assert.equal(parsePackageSpec('hw-hello=1.0-1', 'deb'), { spec: 'hw-hello=1.0-1', name: 'hw-hello', version: '1.0-1' });
  assert.equal(parsePackageSpec('gcc-12', 'deb'), { spec: 'gcc-12', name: 'gcc-12' });
  assert.ok(versionMatches({ name: 'hw-hello', version: '1.0-1' }, '1.0-1', 'deb'));
  assert.not.ok(versionMatches({ name: 'hw-hello', version: '1.0-1' }, '1.0', 'deb'));
  assert.ok(versionMatches({ name: 'x', epoch: '1', version: '2.0-3' }, '1:2.0-3', 'deb'));
});

test('an rpm name that looks like a pin but is an installed package is read as that name', () => {
  const state: PackageState = {
    manager: 'dnf',
    installed: { 'compat-gcc-44': [{ name: 'compat-gcc-44', version: '4.4.7', release: '8.el7', arch: 'x86_64' }] },
  };
  const plan = planPackage({ name: 'compat-gcc-44' }, state, { check: false, earlierChangePredicted: false });
  assert.equal(plan, { status: 'ok', reason: 'compat-gcc-44 4.4.7-8.el7 is installed' });
});

test('dnf check-update: exit 100 lists updates, exit 0 none, exit 1 is the error text', () => {
  assert.equal(parseCheckUpdate('\netcd.x86_64   3.4.24-1.el7   extras\ncheck-update-rc=100\n').updates, { etcd: '3.4.24-1.el7' });
  assert.equal(parseCheckUpdate('check-update-rc=0\n'), { updates: {}, obsoletedBy: {} });
  const bad = parseCheckUpdate("Error: Failed to download metadata for repo 'x'\ncheck-update-rc=1\n");
  assert.match(bad.error!, /Failed to download metadata/);
  const obsoleting = parseCheckUpdate('a.noarch 2-1 r\nObsoleting Packages\nb.noarch 3-1 r\ncheck-update-rc=100\n');
  assert.equal(obsoleting.updates, { a: '2-1' });
});

test('check-update obsoletes: the indented line under an obsoleting package is the one it replaces', () => {
  // Recorded from `dnf -q check-update hw-oldname` (and `yum -q ...` on the yum-only host: same text).
  const text =
    'Obsoleting Packages\nhw-newname.noarch                         2.0-1.el7                     hw-extra\n    hw-oldname.noarch                     1.0-1.el7                     @System \ncheck-update-rc=100\n';
  assert.equal(parseCheckUpdate(text), { updates: {}, obsoletedBy: { 'hw-oldname': 'hw-newname 2.0-1.el7' } });
});

test('globs match as yum matches them: name, name.arch, name-version[-release][.arch]', () => {
  const p = { name: 'kernel-devel', version: '3.10.0', release: '1160.el7', arch: 'x86_64' };
  for (const g of [
    'kernel-devel-*',
    'kernel-*',
    'kernel-devel.x86_64',
    'kernel-devel-3.10.0-1160.el7.x86_64',
    'kernel-devel-3.10*',
    'kernel-devel-[0-9]*',
    'kern?l-devel',
    '0:kernel-devel-3.10.0-1160.el7.x86_64',
  ]) {
    assert.ok(globMatches(g, p), g);
  }
  for (const g of ['kernel-headers-*', 'kernel-devel-4*', 'kernel-devel.i686', 'kernel-devel-[!0-9]*', 'kernel']) assert.not.ok(globMatches(g, p), g);
  assert.ok(globMatches('lib.+x*', { name: 'lib.+x', version: '1', release: '1', arch: 'noarch' }), 'regex characters are literal');
  assert.is(
    nevra({ name: 'docker', epoch: '2', version: '1.13.1', release: '209.git7d71120.el7.centos', arch: 'x86_64' }),
    'docker-2:1.13.1-209.git7d71120.el7.centos.x86_64',
  );
});

test('apt Provides fields: names without versions or :any', () => {
  assert.equal(parseDebProvides('mail-transport-agent, default-mta (= 4.96), python3:any (= 3.11)'), [
    'mail-transport-agent',
    'default-mta',
    'python3',
  ]);
});

test('a glob or a path is never read as a pin; apt refuses them once the host turns out to use apt', () => {
  assert.equal(parsePackageSpec('kernel-devel-3*', 'rpm'), { spec: 'kernel-devel-3*', name: 'kernel-devel-3*' });
  assert.equal(parsePackageSpec('/usr/bin/curl-7', 'rpm'), { spec: '/usr/bin/curl-7', name: '/usr/bin/curl-7' });
  const plan = planPackage(
    { name: ['/usr/bin/curl', 'kernel-*'] },
    { manager: 'apt', installed: {} },
    { check: false, earlierChangePredicted: false },
  );
  assert.equal(plan, { status: 'failed', reason: 'apt takes package names (got /usr/bin/curl, kernel-*); globs and file paths are for yum and dnf' });
});

test('the rpm probe asks rpm -q, then --whatprovides, one call per name with its answer labelled; globs list everything once', () => {
  const p = packageType.probe({ name: ['python-rhsm-certificates', '/usr/bin/curl', 'kernel-devel-*'], state: 'latest' }, {} as never)!;
  assert.match(p.command, /rpm -q --qf "\$f" -- "\$n"/);
  assert.match(p.command, /rpm -q --whatprovides --qf "\$f" -- "\$n"/);
  assert.match(p.command, /for n in python-rhsm-certificates \/usr\/bin\/curl; do/);
  assert.match(p.command, /for n in 'kernel-devel-\*'; do printf "query\\tglob/);
  assert.match(p.command, /set -f/, 'globs are never expanded by the shell');
  // A label line that is not one of the known answers is refused, not skipped.
  assert.throws(() => parsePackageProbe({ code: 0, stdout: 'manager=dnf\nquery\tmaybe\tx\n', stderr: '' }), /unexpected line/);
});

test('apt-get -s: Inst lines (upgrades and new installs), E: lines on failure', () => {
  const r = parseAptSimulate('Inst hw-extra (1.0-1 localhost [all])\nInst hw-hello [0.9-1] (1.0-1 localhost [all])\nsimulate-rc=0\n');
  assert.equal(r.updates, { 'hw-extra': '1.0-1', 'hw-hello': '1.0-1' });
  assert.is(parseAptSimulate('Reading package lists...\nE: Unable to locate package x\nsimulate-rc=100\n').error, 'E: Unable to locate package x');
});

test('latest in check mode after an earlier predicted change is may-change when the update check fails', () => {
  const state: PackageState = { manager: 'dnf', installed: {}, updates: {}, updateError: "Error: Failed to download metadata for repo 'new'" };
  const args: PackageArgs = { name: 'etcd', state: 'latest' };
  assert.is(planPackage(args, state, { check: true, earlierChangePredicted: true }).status, 'may-change');
  const failed = planPackage(args, state, { check: false, earlierChangePredicted: false });
  assert.is(failed.status, 'failed');
  assert.match((failed as { reason: string }).reason, /could not check for updates: Error: Failed to download metadata/);
});

test('with auto, an rpm pin is refused for absent/latest once the host turns out to use rpm', () => {
  const plan = planPackage(
    { name: 'etcd-3.4.23', state: 'absent' },
    { manager: 'dnf', installed: {} },
    { check: false, earlierChangePredicted: false },
  );
  assert.is(plan.status, 'failed');
  assert.match((plan as { reason: string }).reason, /state "absent" takes names without versions \(got etcd-3.4.23\)/);
  // ... but on an apt host the same text is a plain Debian name (like gcc-12).
  assert.equal(planPackage({ name: 'gcc-12', state: 'absent' }, { manager: 'apt', installed: {} }, { check: false, earlierChangePredicted: false }), {
    status: 'ok',
    reason: 'gcc-12 is absent',
  });
});

test('apply commands: one transaction per action, names quoted, apt non-interactive', () => {
  assert.equal(applyCommands({ manager: 'dnf', install: ['etcd', 'flannel'], update: [], remove: [] }), ['dnf -y install etcd flannel']);
  assert.equal(applyCommands({ manager: 'yum', install: ['a'], update: ['b'], remove: ['c'] }), [
    'yum -y install a',
    'yum -y update b',
    'yum -y remove c',
  ]);
  const apt = applyCommands({ manager: 'apt', install: ['hw-hello=1.0-1'], update: ['hw-latest'], remove: [] });
  assert.is(apt.length, 1);
  assert.match(apt[0], /^DEBIAN_FRONTEND=noninteractive apt-get -y .* install hw-hello=1.0-1 hw-latest$/);
});

test("the manager's own message: dnf's stdout note and stderr, apt's E: line", () => {
  // Recorded from `dnf -y install nosuchpkg` on a test host (dnf 4.14).
  assert.is(
    managerMessage('No match for argument: nosuchpkg\n', 'Error: Unable to find a match: nosuchpkg\n'),
    'No match for argument: nosuchpkg\nError: Unable to find a match: nosuchpkg',
  );
  assert.is(
    managerMessage(
      'Reading package lists...\n',
      '\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\nE: Unable to locate package nosuch\n',
    ),
    'E: Unable to locate package nosuch',
  );
});

test('bad arguments are refused when the task is defined, naming the argument', () => {
  const refuse = refuses;
  refuse(() => pkg({ name: 'etcd', version: '3' } as never), /unknown argument "version"; allowed: name, state, manager/);
  refuse(() => pkg({ name: 'etcd', state: 'installed' } as never), /argument "state"/);
  refuse(() => pkg({ name: 'etcd', manager: 'zypper' } as never), /argument "manager"/);
  refuse(() => pkg({ name: '-y' }), /argument "name"/);
  refuse(() => pkg({ name: 'etcd; rm -rf /' }), /argument "name"/);
  refuse(() => pkg({ name: [] }), /argument "name"/);
  refuse(() => pkg({ name: ['etcd', 'etcd'] }), /listed twice/);
  refuse(() => pkg({ name: 'etcd-3.4.23', state: 'latest', manager: 'dnf' }), /state "latest" takes names without versions/);
  refuse(() => pkg({ name: 'hw-hello=1.0-1', state: 'absent' }), /state "absent" takes names without versions/);
  refuse(() => pkg({ name: '@core' }), /package groups are not supported \(got @core\): list the group's packages/);
  refuse(() => pkg({ name: ['/usr/bin/curl'], manager: 'apt' }), /apt takes package names \(got \/usr\/bin\/curl\)/);
  refuse(() => pkg({ name: 'kernel-*=1' }), /a glob or a path takes no version/);
  refuse(() => pkg({ name: '/usr/bin/$(reboot)' }), /argument "name"/);
});

test.run();
