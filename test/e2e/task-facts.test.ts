/**
 * facts through the whole engine on a real test host over SSH (the CentOS-7-shaped `sysctl1`, only read):
 * ok in check mode, with the facts in the reason. The local machine's case is test/unit/task-facts-local.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testHosts } from '../hosts/index.ts';
import { facts } from '../../lib/tasks/facts.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';

test('test host over SSH: the CentOS 7 identity, systemd, its hostname and address', async () => {
  const hosts = await testHosts({ names: ['sysctl1'] });
  const { name, address } = hosts.hosts[0];
  const inventory = { all: { hosts: { [name]: { ansible_host: address, ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath } } } };
  const result = await runTasks([facts({})], { inventory, knownHostsFile: hosts.knownHostsPath, check: true });
  assert.equal(statuses(result, name), ['ok']);
  assert.match(
    hostResults(result, name)[0].message,
    new RegExp(`^CentOS 7\\.\\d+\\.\\d+ \\(RedHat family, (yum|dnf), systemd\\), hostname ${name}, .*${address.replace(/\./g, '\\.')}`),
  );
});

test.run();
