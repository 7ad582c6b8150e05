/**
 * service on a real test host over SSH (its own host, `pkgsvc1`, reset to fresh first): firewalld
 * stopped + disabled (--check predicts and changes nothing, first run changed, second ok, --diff text),
 * iptables.service with ifExists, the etcd unit missing (failure in a real run, may-change in check
 * mode after its package task), a handler's restart right after the start not done twice, masking,
 * daemonReload, a unit that fails to start (journal tail in the error), bad arguments refused up front.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testHosts, type TestHosts } from '../hosts/index.ts';
import { service } from '../../lib/tasks/service.ts';
import { pkg } from '../../lib/tasks/package.ts';
import { file } from '../../lib/tasks/file.ts';
import { defineRole, handler } from '../../lib/play/define.ts';
import { renderDiff } from '../../lib/report/diff.ts';
import { isValidationError } from '../../lib/core/errors.ts';
import type { Task } from '../../lib/core/task-options.ts';
import type { Role } from '../../lib/play/define.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';

const HOST = 'pkgsvc1';
let hosts: TestHosts;
let inventory: Record<string, unknown>;

const run = (tasks: Task[], options: { check?: boolean; diff?: boolean; roles?: Role[] } = {}) =>
  runTasks(tasks, { inventory, knownHostsFile: hosts.knownHostsPath, ...options });
/** Run a check command on the test host; its exit code must be one of `codes` (default 0), else the test fails with its stderr. */
const sh = async (cmd: string, codes: number | number[] = 0) => {
  const r = await hosts.exec(HOST, cmd);
  const allowed = Array.isArray(codes) ? codes : [codes];
  assert.ok(allowed.includes(r.code), `${HOST}: \`${cmd}\` exited ${r.code} (expected ${allowed.join(' or ')}): ${r.stderr.trim()}`);
  return r.stdout.trim();
};
const messages = (r: Awaited<ReturnType<typeof run>>) => hostResults(r, HOST).map((e) => e.message);

test.before(async () => {
  hosts = await testHosts({ names: [HOST] });
  await hosts.reset([HOST]);
  // Our own inventory object: the harness's inventory.yml is rewritten by whoever starts hosts last.
  inventory = {
    all: { hosts: { [HOST]: { ansible_host: hosts.hosts[0].address, ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath } } },
  };
});

test('bad arguments are refused before anything runs', async () => {
  for (const bad of [
    { name: 'firewalld', state: 'running' },
    { name: 'firewalld', enable: false },
    { name: 'firewalld' },
    { name: 'firewalld', masked: true, enabled: true },
  ]) {
    try {
      await run([service(bad as never)]);
      assert.unreachable(`accepted ${JSON.stringify(bad)}`);
    } catch (error) {
      assert.ok(isValidationError(error), String(error));
    }
  }
  assert.is(await sh('systemctl is-active firewalld'), 'active');
});

test('fresh host, --check --diff: firewalld stopped + disabled is predicted, nothing changes', async () => {
  assert.is(await sh('systemctl is-active firewalld; systemctl is-enabled firewalld'), 'active\nenabled');
  const result = await run([service({ name: 'firewalld', state: 'stopped', enabled: false })], { check: true, diff: true });
  assert.equal(statuses(result, HOST), ['changed']);
  assert.equal(messages(result), ['firewalld.service: disable, stop']);
  assert.equal(renderDiff(hostResults(result, HOST)[0].diff ?? []), ['enabled: enabled → disabled', 'active: active → inactive']);
  assert.is(await sh('systemctl is-active firewalld; systemctl is-enabled firewalld'), 'active\nenabled');
});

test('firewalld stopped + disabled: first run changed, second ok; iptables ifExists ok', async () => {
  const tasks = [
    service({ name: 'firewalld', state: 'stopped', enabled: false }),
    service({ name: 'iptables', state: 'stopped', enabled: false, ifExists: true }),
  ];
  const first = await run(tasks, { diff: true });
  assert.equal(statuses(first, HOST), ['changed', 'ok'], messages(first).join('\n'));
  assert.equal(renderDiff(hostResults(first, HOST)[0].diff ?? []), ['enabled: enabled → disabled', 'active: active → inactive']);
  assert.is(messages(first)[1], 'iptables.service does not exist; nothing to do');
  assert.is(await sh('systemctl is-active firewalld; systemctl is-enabled firewalld', 1), 'inactive\ndisabled');
  const second = await run(tasks);
  assert.equal(statuses(second, HOST), ['ok', 'ok']);
  assert.is(messages(second)[0], 'firewalld.service is disabled, inactive (dead)');
});

test('etcd unit missing: a real run fails clearly; check mode after its package task knows the unit from the package', async () => {
  const real = await run([service({ name: 'etcd', state: 'started', enabled: true })]);
  assert.equal(statuses(real, HOST), ['failed']);
  assert.match(messages(real)[0], /unit etcd\.service does not exist; install its package first/);
  const check = await run([pkg({ name: 'etcd' }), service({ name: 'etcd', state: 'started', enabled: true })], { check: true });
  assert.equal(statuses(check, HOST), ['changed', 'changed']);
  assert.is(messages(check)[1], 'etcd.service: enable, start');
  assert.is(await sh('ls /tmp | grep -c hostwright-preview', 1), '0', 'the preview removed its folder');
  assert.is(check.exitCode, 0);
  assert.match(await sh('rpm -q etcd', 1), /not installed/);
});

test("a handler's restart right after the same run started the unit is not done twice", async () => {
  const role = defineRole({
    name: 'etcd-test',
    tasks: [
      pkg({ name: 'etcd' }),
      file({ path: '/etc/etcd/hw-note.conf', content: 'first\n' }, { notify: 'restart etcd' }),
      service({ name: 'etcd', state: 'started', enabled: true }),
    ],
    handlers: [handler('restart etcd', service({ name: 'etcd', state: 'restarted' }))],
  });
  const result = await run([], { roles: [role] });
  assert.equal(statuses(result, HOST), ['changed', 'changed', 'changed', 'ok'], messages(result).join('\n'));
  assert.is(messages(result)[3], 'etcd.service was started in this run; not restarting it again');
  assert.is(await sh('systemctl is-active etcd; systemctl is-enabled etcd'), 'active\nenabled');
  const starts = await sh("journalctl -q --no-pager -u etcd.service | grep -c 'Started etcd.service'");
  assert.is(starts, '1', 'etcd started exactly once');
  // A later run restarts: restarted is always a change otherwise.
  const pid = await sh('systemctl show -p MainPID --value etcd');
  const again = await run([service({ name: 'etcd', state: 'restarted' })], { diff: true });
  assert.equal(statuses(again, HOST), ['changed']);
  assert.equal(renderDiff(hostResults(again, HOST)[0].diff ?? []), ['active: active → active (restarted)']);
  assert.is.not(await sh('systemctl show -p MainPID --value etcd'), pid);
});

test('masked: mask a stopped unit, starting it is refused, unmask + start', async () => {
  const mask = await run([service({ name: 'chronyd', state: 'stopped', masked: true })]);
  assert.equal(statuses(mask, HOST), ['changed'], messages(mask).join('\n'));
  assert.is(await sh('systemctl is-enabled chronyd; systemctl is-active chronyd', 3), 'masked\ninactive');
  assert.equal(statuses(await run([service({ name: 'chronyd', state: 'stopped', masked: true })]), HOST), ['ok']);
  const refused = await run([service({ name: 'chronyd', state: 'started' })]);
  assert.equal(statuses(refused, HOST), ['failed']);
  assert.match(messages(refused)[0], /chronyd\.service is masked; set masked: false to unmask it first/);
  const back = await run([service({ name: 'chronyd', state: 'started', enabled: true, masked: false })], { diff: true });
  assert.equal(statuses(back, HOST), ['changed'], messages(back).join('\n'));
  assert.equal(renderDiff(hostResults(back, HOST)[0].diff ?? []), ['masked: yes → no', 'enabled: masked → enabled', 'active: inactive → active']);
  assert.is(await sh('systemctl is-enabled chronyd; systemctl is-active chronyd'), 'enabled\nactive');
});

test('daemonReload reloads only when the unit file changed on disk', async () => {
  const unit = '/etc/systemd/system/hw-test.service';
  await sh(`printf '[Service]\\nType=oneshot\\nRemainAfterExit=yes\\nExecStart=/bin/true\\n' > ${unit}`);
  const task = service({ name: 'hw-test', state: 'started', daemonReload: true });
  assert.equal(statuses(await run([task]), HOST), ['changed']);
  assert.equal(statuses(await run([task]), HOST), ['ok']);
  await sh(`printf '[Service]\\nType=oneshot\\nRemainAfterExit=yes\\nExecStart=/bin/true again\\n' > ${unit}`);
  assert.is(await sh('systemctl show -p NeedDaemonReload --value hw-test'), 'yes');
  const reload = await run([task]);
  assert.equal(statuses(reload, HOST), ['changed']);
  assert.equal(messages(reload), ['hw-test.service: daemon-reload']);
  assert.is(await sh('systemctl show -p NeedDaemonReload --value hw-test'), 'no');
});

test('a oneshot unit that ran successfully counts as started', async () => {
  await sh("printf '[Service]\\nType=oneshot\\nExecStart=/bin/true\\n' > /etc/systemd/system/hw-once.service && systemctl daemon-reload");
  const result = await run([service({ name: 'hw-once', state: 'started' })]);
  assert.equal(statuses(result, HOST), ['changed'], messages(result).join('\n'));
  assert.is(await sh('systemctl show -p Result --value hw-once'), 'success');
});

test('a unit that does not stay up fails with the tail of its journal', async () => {
  await sh(
    'printf \'[Service]\\nExecStart=/bin/sh -c "echo hw-fail is giving up >&2; exit 3"\\n\' > /etc/systemd/system/hw-fail.service && systemctl daemon-reload',
  );
  const result = await run([service({ name: 'hw-fail', state: 'started' })]);
  assert.equal(statuses(result, HOST), ['failed']);
  assert.match(
    messages(result)[0],
    /service hw-fail\.service: systemctl start returned but the unit is (failed|inactive), not active\n--- last log lines of hw-fail\.service:\n[^]*hw-fail is giving up/,
  );
});

test.run();
