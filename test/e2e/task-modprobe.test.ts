/**
 * modprobe on a real test host (`acct1`, reset first). What is real here: the test hosts' kernel has no
 * loadable modules, so nothing is ever loaded; the rootfs declares br_netfilter, overlay, dummy... built in
 * (modules.builtin, a stand-in), which is what the probe reads. Tested: recorded probe fixtures replay;
 * a built-in module is ok; persistence files are written (check mode predicts and writes nothing), then
 * ok; a module the kernel does not have fails with modprobe's words; absent of a built-in fails; bad
 * arguments are refused before any host; the common role's step is a modprobe task.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TestHosts } from '../hosts/index.ts';
import { taskTestHost } from '../support/task-host.ts';
import { modprobe, modprobeType } from '../../lib/tasks/modprobe.ts';
import { hostResults, statuses } from '../support/run.ts';
import { replayProbeFixtures } from '../support/probe-fixtures.ts';

const HOST = 'acct1';
const target = taskTestHost(HOST);
const { run, sh } = target;
let hosts: TestHosts;

test.before(async () => {
  hosts = await target.start();
});

test('the recorded probe fixtures replay to the same state', async () => {
  const problems = await replayProbeFixtures(
    'modprobe',
    { name: HOST, exec: (c) => hosts.exec(HOST, c) },
    (args) => modprobeType.probe(args, {} as never)!,
  );
  assert.equal(problems, []);
});

test('a built-in module is ok; persistence: check predicts, first run writes, second ok', async () => {
  assert.equal(statuses(await run([modprobe({ name: 'br_netfilter' })]), HOST), ['ok']);
  const task = modprobe({ name: 'br_netfilter', persistent: true, params: 'x=1' });
  const check = await run([task], { check: true });
  assert.equal(statuses(check, HOST), ['changed']);
  assert.is(await sh('ls /etc/modules-load.d/br_netfilter.conf 2>&1 >/dev/null | wc -l'), '1');
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(await sh('cat /etc/modules-load.d/br_netfilter.conf /etc/modprobe.d/br_netfilter.conf'), 'br_netfilter\noptions br_netfilter x=1');
  assert.equal(statuses(await run([task]), HOST), ['ok']);
  assert.equal(statuses(await run([task], { check: true }), HOST), ['ok']);
});

test('a module the kernel lacks fails; absent of a built-in fails; absent of an unloaded one is ok', async () => {
  const missing = await run([modprobe({ name: 'hw_fake' })]);
  assert.equal(statuses(missing, HOST), ['failed']);
  assert.match(hostResults(missing, HOST)[0].message, /modprobe hw_fake: .*hw_fake/);
  const builtin = await run([modprobe({ name: 'br_netfilter', state: 'absent' })]);
  assert.match(hostResults(builtin, HOST)[0].message, 'built into the kernel and cannot be unloaded');
  assert.equal(statuses(await run([modprobe({ name: 'hw_fake', state: 'absent' })]), HOST), ['ok']);
  const gone = modprobe({ name: 'dummy', state: 'absent', persistent: true });
  assert.equal(statuses(await run([gone]), HOST), ['failed'], 'dummy is declared built in too');
});

test('bad arguments are refused before any host', async () => {
  assert.throws(() => run([modprobe({ name: 'overlay' }), modprobe({ name: 'bad name' })]), /argument "name"/);
  assert.throws(() => modprobe({ name: 'x', state: 'absent', params: 'a=1' }), /params is not allowed/);
});

test.run();
