/**
 * Become through sudo over real SSH: the engine hosts' `deploy` user may sudo to root only, with the
 * password `deploy-sudo`. Files under /root are written (and probed) as root through sudo, content on
 * stdin survives the password line in front of it, and every way sudo refuses is a clear failure that
 * never shows the password.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Task } from '../../lib/core/task-options.ts';
import { consoleReporter } from '../../lib/report/console.ts';
import { jsonReporter } from '../../lib/report/json.ts';
import { file } from '../../lib/tasks/file.ts';
import { DEPLOY_SUDO_PASSWORD, ENGINE_HOSTS, engineHosts, textSink, type EngineHosts } from '../support/engine-hosts.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';

const names = [...ENGINE_HOSTS];
const TARGET = '/root/hw-engine-become';
const WRONG = 'not-the-sudo-password-42';
let hosts: EngineHosts;

/** deploy on every host, with these connection variables on top. */
const asDeploy = (vars: Record<string, unknown>) => hosts.inventory(names, { extras: { '*': { ansible_user: 'deploy', ...vars } } });
const run = (tasks: Task[], inventory: Record<string, unknown>, options: Omit<Parameters<typeof runTasks>[1], 'inventory'> = {}) =>
  runTasks(tasks, { inventory, knownHostsFile: hosts.knownHostsPath, ...options });
const everywhere = (command: string) => Promise.all(names.map((n) => hosts.sh(n, command)));
const sudoers = { ansible_become: true, ansible_become_password: DEPLOY_SUDO_PASSWORD };

test.before(async () => {
  hosts = await engineHosts(names);
});

test.before.each(async () => {
  await everywhere(`rm -rf ${TARGET} /home/deploy/hw-engine`);
});

test.after(async () => {
  await everywhere(`rm -rf ${TARGET} /home/deploy/hw-engine`);
});

test('deploy with ansible_become and its sudo password writes root-owned files in /root; the second run is ok', async () => {
  const big = 'x'.repeat(199_999) + '\n'; // larger than any pipe buffer: stdin must reach cat intact after the password
  const tasks = () => [
    file({ path: TARGET, state: 'directory', mode: '0700' }, { name: 'dir' }),
    file({ path: `${TARGET}/x`, content: 'written through sudo\n', mode: '0600' }, { name: 'small' }),
    file({ path: `${TARGET}/big`, content: big }, { name: 'big' }),
  ];
  const inventory = asDeploy(sudoers);
  const first = await run(tasks(), inventory);
  assert.is(first.exitCode, 0, JSON.stringify(hostResults(first).filter((e) => e.error)));
  for (const n of names) {
    assert.equal(statuses(first, n), ['changed', 'changed', 'changed']);
    assert.is(
      await hosts.sh(n, `stat -c '%U:%G %a' ${TARGET} ${TARGET}/x && cat ${TARGET}/x`),
      'root:root 700\nroot:root 600\nwritten through sudo\n',
    );
    assert.ok((await hosts.sh(n, `cat ${TARGET}/big`)) === big, `${n}: the big file arrived intact, without the password line`);
  }
  // deploy cannot even look into /root: an ok second run proves the probe went through sudo too.
  assert.is((await hosts.exec('eng1', `su deploy -c 'ls ${TARGET}'`)).code, 2);
  const second = await run(tasks(), inventory);
  for (const n of names) assert.equal(statuses(second, n), ['ok', 'ok', 'ok']);
  assert.not.ok(JSON.stringify([first.events, second.events]).includes(DEPLOY_SUDO_PASSWORD), 'the sudo password is in no event');
});

test('without become, deploy is refused by the host; with play-level become the inventory password is used', async () => {
  const inventory = asDeploy({ ansible_become_password: DEPLOY_SUDO_PASSWORD });
  const plain = await run([file({ path: `${TARGET}-plain`, content: 'x\n' }, { name: 'plain' })], inventory);
  assert.is(plain.exitCode, 2);
  const error = hostResults(plain, 'eng1')[0].error!;
  assert.match(error.message, /^eng1: file \/root\/hw-engine-become-plain: /);
  assert.match(error.message, /Permission denied/);
  // deploy's own files are deploy's when nothing asks for become.
  const own = await run([file({ path: '/home/deploy/hw-engine', content: 'mine\n' })], inventory);
  assert.is(own.exitCode, 0);
  assert.is(await hosts.sh('eng2', 'stat -c %U /home/deploy/hw-engine'), 'deploy\n');
  const play = await run([file({ path: `${TARGET}-play`, content: 'play become\n' }, { name: 'play become' })], inventory, { become: true });
  assert.is(play.exitCode, 0);
  for (const n of names) assert.is(await hosts.sh(n, `stat -c %U ${TARGET}-play && rm -f ${TARGET}-play`), 'root\n');
});

test('a wrong become password fails clearly on every host and appears nowhere', async () => {
  const sink = textSink();
  let json = '';
  const inventory = asDeploy({ ansible_become: true, ansible_become_password: WRONG });
  const r = await run([file({ path: `${TARGET}-wrong`, content: 'never\n' }, { name: 'with a wrong password' })], inventory, {
    listeners: [consoleReporter({ stream: sink }), jsonReporter({ write: (s: string) => ((json += s), true) } as never)],
  });
  assert.is(r.exitCode, 2);
  for (const n of names) {
    assert.equal(statuses(r, n), ['failed']);
    const e = hostResults(r, n)[0];
    assert.is(e.error?.kind, 'TaskFailedError');
    assert.match(e.message, new RegExp(`^${n}: become \\(sudo -u root\\) failed: sudo rejected the become password; check ansible_become_password`));
    assert.is(r.recap[n].failed, 1);
    assert.is((await hosts.exec(n, `test -e ${TARGET}-wrong`)).code, 1, `${n}: nothing written`);
  }
  const everything = JSON.stringify(r.events) + json + sink.text();
  assert.not.ok(everything.includes(WRONG), 'the wrong password leaked');
  assert.not.ok(everything.includes(DEPLOY_SUDO_PASSWORD), 'the real password leaked');
  assert.match(sink.text(), /fatal: \[eng1\]: FAILED! => eng1: become \(sudo -u root\) failed: sudo rejected the become password/);
  assert.ok(
    json
      .trim()
      .split('\n')
      .every((l) => JSON.parse(l)),
    'JSON lines only',
  );
});

test('become without a password fails with what to do', async () => {
  const none = await run([file({ path: `${TARGET}-none`, content: 'x\n' })], asDeploy({ ansible_become: true }), { hosts: 'eng1' });
  assert.is(none.exitCode, 2);
  const e = hostResults(none, 'eng1')[0];
  assert.is(e.error?.kind, 'TaskFailedError');
  assert.match(e.message, /^eng1: become \(sudo -u root\) failed: sudo asks for a password and none was given; set the become password/);
  assert.is((await hosts.exec('eng1', `test -e ${TARGET}-none`)).code, 1);
});

// sudo 1.9 (Debian 12, like current RHEL) prints these refusals without a "sudo: " prefix:
//   "Sorry, user deploy is not allowed to execute '...' as nobody on eng1."  /  "hwnosudo is not in the sudoers file."
test('sudo refusing the target user, or refusing the connecting user, is a become failure naming the host', async () => {
  const other = await run([file({ path: '/tmp/hw-engine-nobody', content: 'x\n' })], asDeploy({ ...sudoers, ansible_become_user: 'nobody' }), {
    hosts: 'eng1',
  });
  assert.is(other.exitCode, 2);
  const e = hostResults(other, 'eng1')[0];
  assert.is(e.error?.kind, 'TaskFailedError', e.message);
  assert.match(e.message, /^eng1: become \(sudo -u nobody\) failed: the connecting user may not use sudo here/);
  assert.not.ok(JSON.stringify(other.events).includes(DEPLOY_SUDO_PASSWORD));
  assert.is((await hosts.exec('eng1', 'test -e /tmp/hw-engine-nobody')).code, 1);

  // A user with SSH access who is not in sudoers at all.
  await hosts.sh(
    'eng1',
    'id hwnosudo >/dev/null 2>&1 || useradd -m hwnosudo; echo hwnosudo:pw-nosudo | chpasswd; ' +
      'install -d -o hwnosudo -m 700 /home/hwnosudo/.ssh && install -o hwnosudo -m 600 /root/.ssh/authorized_keys /home/hwnosudo/.ssh/',
  );
  try {
    const inventory = hosts.inventory(['eng1'], {
      extras: { eng1: { ansible_user: 'hwnosudo', ansible_become: true, ansible_become_password: 'pw-nosudo' } },
    });
    const r = await run([file({ path: `${TARGET}-nosudo`, content: 'x\n' })], inventory);
    assert.is(r.exitCode, 2);
    const n = hostResults(r, 'eng1')[0];
    assert.is(n.error?.kind, 'TaskFailedError', n.message);
    assert.match(n.message, /^eng1: become \(sudo -u root\) failed: the connecting user may not use sudo here: hwnosudo is not in the sudoers file/);
    assert.not.ok(JSON.stringify(r.events).includes('pw-nosudo'));
  } finally {
    await hosts.sh('eng1', 'userdel -r hwnosudo 2>/dev/null; true');
  }
});

test.run();
