/**
 * `script` on a real test host over SSH (`sc1`, reset to fresh first): the local script runs on the host
 * with its arguments, in chdir, with env; `creates` makes the second run ok and check mode predicts
 * without running; no temporary copy is left behind; a failing script fails with its words; the ad-hoc
 * free form; bad arguments refused before any host.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testHosts, type TestHosts } from '../hosts/index.ts';
import { script } from '../../lib/tasks/script.ts';
import type { Task } from '../../lib/core/task-options.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';
import { hw } from '../support/child.ts';

const HOST = 'sc1';
const dir = mkdtempSync(join(tmpdir(), 'hw-script-e2e-'));
const setup = join(dir, 'setup.sh');
const inventoryPath = join(dir, 'inventory.json');
let hosts: TestHosts;
let inventory: Record<string, unknown>;

const run = (tasks: Task[], options: { check?: boolean } = {}) => runTasks(tasks, { inventory, knownHostsFile: hosts.knownHostsPath, ...options });
const sh = async (cmd: string) => (await hosts.exec(HOST, cmd)).stdout.trim();

test.before(async () => {
  writeFileSync(setup, '#!/bin/sh\nset -e\n{ echo "args:$#:$1:$2"; echo "cwd:$(pwd)"; echo "env:$ROLE"; id -un; } > /var/tmp/done\n');
  hosts = await testHosts({ names: [HOST] });
  await hosts.reset([HOST]);
  inventory = {
    all: { hosts: { [HOST]: { ansible_host: hosts.hosts[0].address, ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath } } },
  };
  writeFileSync(inventoryPath, JSON.stringify(inventory));
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('check predicts and runs nothing; the first run runs it with arguments, chdir, env; creates makes the second ok', async () => {
  const task = script({ cmd: `${setup} 'a b' c`, chdir: '/etc', creates: '/var/tmp/done', env: { ROLE: 'master' } });
  assert.equal(statuses(await run([task], { check: true }), HOST), ['changed']);
  assert.is(await sh('test -e /var/tmp/done && echo yes || echo no'), 'no');
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(await sh('cat /var/tmp/done'), 'args:2:a b:c\ncwd:/etc\nenv:master\nroot');
  const second = await run([task]);
  assert.equal(statuses(second, HOST), ['ok']);
  assert.is(hostResults(second, HOST)[0].message, '/var/tmp/done exists');
  assert.equal(statuses(await run([task], { check: true }), HOST), ['ok']);
  assert.is(await sh('ls -a /tmp | grep -c hostwright-script || true'), '0', 'no temporary copy left');
});

test('a failing script fails with its words; executable runs it with another interpreter', async () => {
  const bad = join(dir, 'bad.sh');
  writeFileSync(bad, 'echo "no disk" >&2\nexit 4\n');
  const failed = await run([script({ cmd: bad })]);
  assert.equal(statuses(failed, HOST), ['failed']);
  assert.match(hostResults(failed, HOST)[0].message, /^sc1: script .*bad\.sh: exit 4: no disk$/);
  const py = join(dir, 'x.py');
  writeFileSync(py, 'import sys\nopen("/var/tmp/py", "w").write(sys.argv[1])\n');
  assert.equal(statuses(await run([script({ cmd: `${py} hello`, executable: 'python3', creates: '/var/tmp/py' })]), HOST), ['changed']);
  assert.is(await sh('cat /var/tmp/py'), 'hello');
});

test('ad-hoc: -m script with the free form and creates; a missing script exits 5 before any host', async () => {
  await sh('rm -f /var/tmp/done');
  const args = ['all', '-i', inventoryPath, '--known-hosts', hosts.knownHostsPath, '-m', 'script'];
  const r = await hw(...args, '-a', `${setup} x creates=/var/tmp/done`);
  assert.is(r.code, 0, r.err);
  assert.match(await sh('head -1 /var/tmp/done'), /^args:1:x:$/);
  const again = await hw(...args, '-a', `${setup} x creates=/var/tmp/done`);
  assert.match(again.out, /ok=1\s+changed=0/);
  const bad = await hw(...args, '-a', join(dir, 'missing.sh'));
  assert.is(bad.code, 5);
  assert.match(bad.err, /missing\.sh does not exist on this machine/);
});

test.run();
