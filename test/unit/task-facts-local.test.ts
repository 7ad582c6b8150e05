/**
 * facts through the whole engine on the local machine (no host, no root): always ok, in check mode too,
 * with the facts in the reason. The expected values come from this machine itself (/etc/os-release read
 * here, Node's hostname), not from the parser under test.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { facts } from '../../lib/tasks/facts.ts';
import { hostResults, localInventory, runTasks, statuses } from '../support/run.ts';

/** os-release as a map, read without the project's parser. */
function osRelease(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync('/etc/os-release', 'utf8').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).replace(/^"(.*)"$/, '$1');
  }
  return out;
}

// Ansible's names for the os-release IDs this test may meet (ansible.module_utils.facts.system.distribution).
const NAME: Record<string, [distribution: string, family: string]> = {
  debian: ['Debian', 'Debian'],
  ubuntu: ['Ubuntu', 'Debian'],
  fedora: ['Fedora', 'RedHat'],
  rocky: ['Rocky', 'RedHat'],
  almalinux: ['AlmaLinux', 'RedHat'],
};

test("local: ok in both modes; the reason names this machine's distribution, version, family and hostname", async () => {
  const os = osRelease();
  const known = NAME[os.ID];
  assert.ok(known, `this test knows os-release ID "${os.ID}": add Ansible's names for it to the table`);
  const [distribution, family] = known!;
  for (const check of [false, true]) {
    const result = await runTasks([facts({})], { inventory: localInventory(['local1']), check });
    assert.equal(statuses(result, 'local1'), ['ok']);
    const message = hostResults(result, 'local1')[0].message;
    assert.ok(message.startsWith(`${distribution} ${os.VERSION_ID} (${family} family, `), message);
    assert.ok(message.includes(`hostname ${hostname()}`), message);
  }
});

test.run();
