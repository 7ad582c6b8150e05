/**
 * facts through the whole engine: on the local machine and on a real test host over SSH (the
 * CentOS-7-shaped `sysctl1`, only read). Always ok, in check mode too, with the facts in the reason.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testHosts } from '../hosts/index.ts';
import { facts } from '../../lib/tasks/facts.ts';
import { factsProbe } from '../../lib/engine/facts.ts';
import { LocalTransport } from '../../lib/transport/local.ts';
import { hostResults, localInventory, runTasks, statuses } from '../support/run.ts';

test('local: ok, and the reason matches what the probe parses', async () => {
  const expected = factsProbe.parse(await new LocalTransport({ name: 'x' }).exec(factsProbe.command));
  for (const check of [false, true]) {
    const result = await runTasks([facts({})], { inventory: localInventory(['local1']), check });
    assert.equal(statuses(result, 'local1'), ['ok']);
    const message = hostResults(result, 'local1')[0].message;
    assert.ok(message.startsWith(`${expected.distribution} ${expected.distributionVersion} (${expected.osFamily} family, `), message);
  }
});

test('test host over SSH: the CentOS 7 identity, systemd, its hostname and address', async () => {
  const hosts = await testHosts({ names: ['sysctl1'] });
  const { name, address } = hosts.hosts[0];
  const inventory = { all: { hosts: { [name]: { ansible_host: address, ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath } } } };
  const result = await runTasks([facts({})], { inventory, knownHostsFile: hosts.knownHostsPath, check: true });
  assert.equal(statuses(result, name), ['ok']);
  assert.match(hostResults(result, name)[0].message, new RegExp(`^CentOS 7\\.\\d+\\.\\d+ \\(RedHat family, (yum|dnf), systemd\\), hostname ${name}, .*${address.replace(/\./g, '\\.')}`));
});

test.run();
