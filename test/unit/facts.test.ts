/**
 * facts: the parser of the facts probe on recorded outputs (Debian 12 recorded on the build machine; the
 * others from the distributions' /etc/os-release and /etc/redhat-release files), the plan (always ok,
 * with a one-line reason) and the argument refusals.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseFacts } from '../../lib/probes/host-facts.ts';
import { describeFacts, facts, factsType, planFacts } from '../../lib/tasks/facts.ts';
import type { Facts } from '../../lib/core/task-contract.ts';
import { isValidationError } from '../../lib/core/errors.ts';

const debian12 =
  'hostname=vm\npms=apt-get \naddrs=192.0.2.2,10.77.0.1,fd00::2\n---os-release---\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL="https://www.debian.org/"\nSUPPORT_URL="https://www.debian.org/support"\nBUG_REPORT_URL="https://bugs.debian.org/"\n';
const centos7 =
  'hostname=master\npms=yum \nsm=systemd\nredhat=CentOS Linux release 7.9.2009 (Core)\naddrs=10.77.0.11\n---os-release---\nNAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="7"\nPRETTY_NAME="CentOS Linux 7 (Core)"\nANSI_COLOR="0;31"\nCPE_NAME="cpe:/o:centos:centos:7"\n';
const rhel7 =
  'hostname=rh\npms=yum \nsm=systemd\nredhat=Red Hat Enterprise Linux Server release 7.9 (Maipo)\naddrs=\n---os-release---\nNAME="Red Hat Enterprise Linux Server"\nVERSION="7.9 (Maipo)"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="7.9"\n';
const fedora39 =
  'hostname=f\npms=dnf yum \nsm=systemd\nredhat=Fedora release 39 (Thirty Nine)\naddrs=10.0.0.5\n---os-release---\nNAME="Fedora Linux"\nVERSION="39 (Container Image)"\nID=fedora\nVERSION_ID=39\n';
const ubuntu22 =
  'hostname=u\npms=apt-get \nsm=systemd\naddrs=10.0.0.6,10.0.0.7\n---os-release---\nNAME=\'Ubuntu\'\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\n';
const centos6 = 'hostname=old\npms=yum \nredhat=CentOS release 6.10 (Final)\naddrs=10.0.0.8\n---os-release---\n';

// Recorded on a test host: a Debian rootfs dressed as CentOS 7 (dnf installed, yum a link to it).
const testHost =
  'hostname=sysctl1\npms=dnf yum apt-get \nsm=systemd\nredhat=CentOS Linux release 7.3.1611 (Core) \naddrs=10.77.0.41\n---os-release---\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';

test('the test host (recorded): /etc/redhat-release wins over os-release, and CentOS 7 means yum', () => {
  assert.equal(parseFacts(testHost), {
    osFamily: 'RedHat',
    distribution: 'CentOS',
    distributionVersion: '7.3.1611',
    packageManager: 'yum',
    serviceManager: 'systemd',
    hostname: 'sysctl1',
    addresses: ['10.77.0.41'],
  });
});

test('Debian 12 (recorded)', () => {
  assert.equal(parseFacts(debian12), {
    osFamily: 'Debian',
    distribution: 'Debian',
    distributionVersion: '12',
    packageManager: 'apt',
    serviceManager: 'unknown',
    hostname: 'vm',
    addresses: ['192.0.2.2', '10.77.0.1', 'fd00::2'],
  });
});

test('CentOS 7: the full version comes from /etc/redhat-release', () => {
  assert.equal(parseFacts(centos7), {
    osFamily: 'RedHat',
    distribution: 'CentOS',
    distributionVersion: '7.9.2009',
    packageManager: 'yum',
    serviceManager: 'systemd',
    hostname: 'master',
    addresses: ['10.77.0.11'],
  });
});

test('RHEL, Fedora, Ubuntu and an old CentOS without os-release get Ansible-style names', () => {
  const pick = (f: Facts) => [f.osFamily, f.distribution, f.distributionVersion, f.packageManager, f.addresses.length];
  assert.equal(pick(parseFacts(rhel7)), ['RedHat', 'RedHat', '7.9', 'yum', 0]);
  assert.equal(pick(parseFacts(fedora39)), ['RedHat', 'Fedora', '39', 'dnf', 1]);
  assert.equal(pick(parseFacts(ubuntu22)), ['Debian', 'Ubuntu', '22.04', 'apt', 2]);
  assert.equal(pick(parseFacts(centos6)), ['RedHat', 'CentOS', '6.10', 'yum', 1]);
});

test('nothing recognisable: unknown, not a crash', () => {
  assert.equal(parseFacts(''), {
    osFamily: 'unknown',
    distribution: 'unknown',
    distributionVersion: 'unknown',
    packageManager: 'unknown',
    serviceManager: 'unknown',
    hostname: '',
    addresses: [],
  });
});

test('plan: always ok, the reason sums the facts up', () => {
  const f = parseFacts(centos7);
  assert.is(describeFacts(f), 'CentOS 7.9.2009 (RedHat family, yum, systemd), hostname master, 10.77.0.11');
  const plan = planFacts({}, f);
  assert.is(plan.status, 'ok');
  assert.is((plan as { reason: string }).reason, describeFacts(f));
  assert.equal((plan as unknown as { extra: unknown }).extra, { facts: f });
  assert.is(factsType.idempotent!({}), true);
  assert.ok(factsType.probe({}, {} as never)!.command.includes('/etc/os-release'));
});

test('arguments: none are accepted', () => {
  assert.ok(facts({}));
  try {
    facts({ subset: 'all' } as never);
    assert.unreachable('accepted an argument');
  } catch (error) {
    assert.ok(isValidationError(error));
    assert.match((error as Error).message, /unknown argument "subset"/);
  }
});

test.run();
