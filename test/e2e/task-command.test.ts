/**
 * command and shell over SSH on a real test host: a guard decides (first run changed, second ok) and
 * check mode runs nothing. The local-transport cases (no host, no root) are test/unit/task-command-local.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { shell } from '../../lib/tasks/command.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';
import { testHosts } from '../hosts/index.ts';

test('over SSH on a test host: guard, first run changed, second ok, check runs nothing', async () => {
  const hosts = await testHosts({ names: ['sysctl1'] });
  const { name, address } = hosts.hosts[0];
  const remote = { all: { hosts: { [name]: { ansible_host: address, ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath } } } };
  const path = `/tmp/hostwright-command-${process.pid}`;
  await hosts.exec(name, `rm -f ${path}`);
  const task = shell({ cmd: `hostname > ${path}`, creates: path }, { register: 'made' });
  const go = (check = false) => runTasks([task], { inventory: remote, knownHostsFile: hosts.knownHostsPath, check });
  assert.equal(statuses(await go(true), name), ['changed']);
  assert.is((await hosts.exec(name, `test -e ${path}; echo $?`)).stdout.trim(), '1', 'check ran nothing');
  assert.equal(statuses(await go(), name), ['changed']);
  assert.is((await hosts.exec(name, `cat ${path}`)).stdout.trim(), name);
  const second = await go();
  assert.equal(statuses(second, name), ['ok']);
  assert.is(hostResults(second, name)[0].message, `${path} exists`);
  await hosts.exec(name, `rm -f ${path}`);
});

test.run();
