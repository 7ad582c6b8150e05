/**
 * wait over SSH on a real test host: sshd's port answers, a unit is active, a closed port times out.
 * The local-transport cases (no host, no root) are test/unit/task-wait-local.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { wait } from '../../lib/tasks/wait.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';
import { testHosts } from '../hosts/index.ts';

test('over SSH on a test host: sshd answers on its port, a unit is active, a closed port times out', async () => {
  const hosts = await testHosts({ names: ['sysctl1'] });
  const { name, address } = hosts.hosts[0];
  const remote = { all: { hosts: { [name]: { ansible_host: address, ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath } } } };
  const result = await runTasks(
    [
      wait({ port: 22 }),
      wait({ port: 22, host: address }),
      wait({ command: 'systemctl is-active sshd || systemctl is-active ssh' }),
      wait({ port: 2379, timeout: 1, interval: 0.5 }),
    ],
    { inventory: remote, knownHostsFile: hosts.knownHostsPath },
  );
  assert.equal(statuses(result, name), ['ok', 'ok', 'ok', 'failed']);
  assert.is(hostResults(result, name)[1].message, `port ${address}:22 answers`);
  assert.match(
    hostResults(result, name)[3].message,
    /^sysctl1: wait: port 127\.0\.0\.1:2379 did not answer within 1 s \(\d+ tries\); last: Connection refused$/,
  );
});

test.run();
