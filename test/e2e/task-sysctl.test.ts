/**
 * sysctl on a real test host over SSH (its own host, `sysctl1`, reset to fresh first): --check predicts
 * and changes nothing, the first run changes the live value and the file, the second is ok, --diff shows
 * `key: old → new`, values the kernel refuses fail and are not persisted, absent removes the line, bad
 * arguments are refused before anything runs. Only net.* keys are writable in the test hosts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testHosts, type TestHosts } from '../hosts/index.ts';
import { sysctl } from '../../lib/tasks/sysctl.ts';
import { command } from '../../lib/tasks/command.ts';
import { renderDiff } from '../../lib/report/diff.ts';
import type { Task } from '../../lib/core/task-options.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';

const HOST = 'sysctl1';
const FILE = '/etc/sysctl.d/k8s.conf';
let hosts: TestHosts;
let inventory: Record<string, unknown>;

const run = (tasks: Task[], options: { check?: boolean; diff?: boolean } = {}) =>
  runTasks(tasks, { inventory, knownHostsFile: hosts.knownHostsPath, ...options });
/** Run a check command on the test host; its exit code must be one of `codes` (default 0), else the test fails with its stderr. */
const sh = async (cmd: string, codes: number | number[] = 0) => {
  const r = await hosts.exec(HOST, cmd);
  const allowed = Array.isArray(codes) ? codes : [codes];
  assert.ok(allowed.includes(r.code), `${HOST}: \`${cmd}\` exited ${r.code} (expected ${allowed.join(' or ')}): ${r.stderr.trim()}`);
  return r.stdout.trim();
};

test.before(async () => {
  hosts = await testHosts({ names: [HOST] });
  await hosts.reset([HOST]);
  const address = hosts.hosts[0].address;
  // Our own inventory object: the harness's inventory.yml is rewritten by whoever starts hosts last.
  inventory = { all: { hosts: { [HOST]: { ansible_host: address, ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath } } } };
});

test('--check --diff on a fresh host predicts the change and changes nothing', async () => {
  assert.is(await sh('sysctl -n net.ipv4.ip_forward'), '0');
  const result = await run([sysctl({ key: 'net.ipv4.ip_forward', value: 1, file: FILE })], { check: true, diff: true });
  assert.equal(statuses(result, HOST), ['changed']);
  const event = hostResults(result, HOST)[0];
  assert.equal(renderDiff(event.diff ?? []), [`net.ipv4.ip_forward (live): 0 → 1`, `net.ipv4.ip_forward in ${FILE}: (no file) → 1`]);
  assert.is(await sh('sysctl -n net.ipv4.ip_forward'), '0', 'live value untouched');
  assert.is(await sh(`test -e ${FILE} && echo yes || echo no`), 'no', 'no file written');
});

test('first run changes the live value and writes the file (0644); second run is ok', async () => {
  const task = sysctl({ key: 'net.ipv4.ip_forward', value: 1, file: FILE });
  const first = await run([task], { diff: true });
  assert.equal(statuses(first, HOST), ['changed']);
  assert.equal(renderDiff(hostResults(first, HOST)[0].diff ?? []), [
    `net.ipv4.ip_forward (live): 0 → 1`,
    `net.ipv4.ip_forward in ${FILE}: (no file) → 1`,
  ]);
  assert.is(await sh('sysctl -n net.ipv4.ip_forward'), '1');
  assert.is(await sh(`cat ${FILE}`), 'net.ipv4.ip_forward = 1');
  assert.is(await sh(`stat -c %a ${FILE}`), '644');
  const second = await run([task], { diff: true });
  assert.equal(statuses(second, HOST), ['ok']);
  assert.is(hostResults(second, HOST)[0].message, `net.ipv4.ip_forward = 1 (live and in ${FILE})`);
  assert.is(hostResults(second, HOST)[0].diff, undefined);
  const check = await run([task], { check: true });
  assert.equal(statuses(check, HOST), ['ok']);
});

test('a value changed by hand is put back by loading the file, which stays as it is', async () => {
  await sh('sysctl -w net.ipv4.ip_forward=0');
  const before = await sh(`stat -c %Y.%i ${FILE}`);
  const result = await run([sysctl({ key: 'net.ipv4.ip_forward', value: '1', file: FILE })], { diff: true });
  assert.equal(statuses(result, HOST), ['changed']);
  assert.equal(renderDiff(hostResults(result, HOST)[0].diff ?? []), ['net.ipv4.ip_forward (live): 0 → 1']);
  assert.is(await sh('sysctl -n net.ipv4.ip_forward'), '1');
  assert.is(await sh(`stat -c %Y.%i ${FILE}`), before, 'file not rewritten');
});

test('several keys in one file, multi-value keys, the default file', async () => {
  const tasks = [
    sysctl({ key: 'net.ipv4.ip_local_port_range', value: '1024   65000', file: FILE }),
    sysctl({ key: 'net.core.somaxconn', value: 1024 }),
  ];
  assert.equal(statuses(await run(tasks), HOST), ['changed', 'changed']);
  assert.is(await sh('sysctl -n net.ipv4.ip_local_port_range'), '1024\t65000');
  assert.is(await sh(`cat ${FILE}`), 'net.ipv4.ip_forward = 1\nnet.ipv4.ip_local_port_range = 1024 65000');
  assert.is(await sh('cat /etc/sysctl.d/99-hostwright.conf'), 'net.core.somaxconn = 1024');
  assert.equal(statuses(await run(tasks), HOST), ['ok', 'ok']);
});

test("a value the kernel refuses fails with sysctl's words and is not persisted", async () => {
  const before = await sh(`cat ${FILE}`);
  const result = await run([sysctl({ key: 'net.ipv4.ip_forward', value: 'yes', file: FILE })]);
  assert.equal(statuses(result, HOST), ['failed']);
  assert.match(
    hostResults(result, HOST)[0].message,
    new RegExp(
      `^${HOST}: sysctl net.ipv4.ip_forward: sysctl -p refused the new ${FILE}, which was left unchanged: .*net.ipv4.ip_forward.*Invalid argument`,
    ),
  );
  assert.is(await sh(`cat ${FILE}`), before);
  assert.is(await sh(`ls -a /etc/sysctl.d | grep -c '^\\.hostwright\\.' || true`), '0', 'no temporary file left');
});

test("a key outside the container's writable net.* fails, even where sysctl exits 0", async () => {
  const key = await sh('for k in vm.swappiness kernel.pid_max fs.file-max; do sysctl -n $k >/dev/null 2>&1 && { echo $k; break; }; done');
  assert.ok(key, 'a readable non-net key');
  const result = await run([sysctl({ key, value: 12345, file: '/etc/sysctl.d/ro.conf' })]);
  assert.equal(statuses(result, HOST), ['failed']);
  assert.match(hostResults(result, HOST)[0].message, /sysctl -p refused .*(Read-only file system|permission denied|Permission denied)/);
  assert.not.match(hostResults(result, HOST)[0].error?.stderr ?? '', /validation failed/, "only sysctl's own words");
  assert.is(await sh('test -e /etc/sysctl.d/ro.conf && echo yes || echo no'), 'no');
});

test('unknown key: fails in a real run; may change in check mode after a predicted change', async () => {
  const real = await run([sysctl({ key: 'net.bridge.no-such-key', value: 1, file: FILE })]);
  assert.equal(statuses(real, HOST), ['failed']);
  assert.match(
    hostResults(real, HOST)[0].message,
    /sysctl cannot read net\.bridge\.no-such-key: sysctl: cannot stat \/proc\/sys\/net\/bridge\/no-such-key: No such file or directory/,
  );
  const check = await run([command({ cmd: ['modprobe', 'br_netfilter'] }), sysctl({ key: 'net.bridge.no-such-key', value: 1, file: FILE })], {
    check: true,
  });
  assert.equal(statuses(check, HOST), ['may-change', 'may-change']);
});

test('state absent removes the line, then is ok', async () => {
  const task = sysctl({ key: 'net.ipv4.ip_local_port_range', file: FILE, state: 'absent' });
  const check = await run([task], { check: true, diff: true });
  assert.equal(renderDiff(hostResults(check, HOST)[0].diff ?? []), [`net.ipv4.ip_local_port_range in ${FILE}: 1024 65000 → (not set)`]);
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.is(await sh(`cat ${FILE}`), 'net.ipv4.ip_forward = 1');
  assert.equal(statuses(await run([task]), HOST), ['ok']);
});

test('bad arguments are refused before anything runs', async () => {
  const before = await sh(`cat ${FILE}`);
  assert.throws(
    () => run([sysctl({ key: 'net.ipv4.ip_forward', value: 0, file: FILE }), sysctl({ key: 'net.ipv4.ip_forward', file: FILE })]),
    /value is required with state "present"/,
  );
  assert.is(await sh(`cat ${FILE}`), before);
});

test.run();
