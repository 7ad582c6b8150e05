/**
 * Two runs on one host and flaky connections, over real SSH on eng1/eng2: a second concurrent run waits
 * for the per-host run lock a bounded time and then fails that host naming the holder, or gets the lock
 * when the first run ends; `hostLock: false` skips it. sshd stopped mid-run: that host leaves the play as
 * unreachable, the other goes on. sshd back within the retry window: the run connects. A connection lost
 * between tasks is reopened for the next probe.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { hostname } from 'node:os';
import { Type } from '@sinclair/typebox';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defineTaskType } from '../../lib/core/define-task-type.ts';
import type { Task } from '../../lib/core/task-options.ts';
import { shell } from '../../lib/tasks/command.ts';
import { file } from '../../lib/tasks/file.ts';
import { Args } from '../../lib/tasks/schema-types.ts';
import { engineHosts, type EngineHosts } from '../support/engine-hosts.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';

const names = ['eng1', 'eng2'];
const DIR = '/var/tmp/hw-lock';
let hosts: EngineHosts;
let inventory: Record<string, unknown>;

const run = (tasks: Task[], options: Omit<Parameters<typeof runTasks>[1], 'inventory'> = {}) =>
  runTasks(tasks, { inventory, knownHostsFile: hosts.knownHostsPath, connectTimeoutMs: 2000, ...options });

/** Kill, by process id, the sshd session processes of a host (every open connection to it). */
const killSessions = (name: string) =>
  hosts.sh(name, `for p in $(ps -eo pid=,args= | awk '$2 == "sshd:" && $3 ~ /@notty$/ {print $1}'); do kill -9 "$p"; done`);

/** A step that runs no command on its host: it kills the host's sshd sessions from the test's side. */
const cut = defineTaskType({
  name: 'cut',
  description: 'kill the sshd sessions of a host between two tasks',
  schema: Args({ host: Type.String() }),
  supportsDiff: false,
  probe: () => undefined,
  plan: (args) => ({ status: 'change', summary: `cut ${args.host}` }),
  apply: async (args) => {
    await killSessions(args.host);
    await sleep(500);
    return { changed: false };
  },
});

test.before(async () => {
  hosts = await engineHosts(names);
  await hosts.start(names);
  inventory = hosts.inventory(names);
});

test.before.each(async () => {
  await Promise.all(names.map((n) => hosts.sh(n, `systemctl start ssh && rm -rf ${DIR} && mkdir -p ${DIR}`)));
});

test.after(async () => {
  await Promise.all(names.map((n) => hosts.sh(n, `systemctl start ssh; rm -rf ${DIR}`)));
});

test('two concurrent runs: the second waits its bounded time, then fails the host naming the holder; a longer wait gets the lock', async () => {
  const long = [
    shell({ cmd: `echo first-start $(date +%s%N) >> ${DIR}/log; sleep 4; echo first-end $(date +%s%N) >> ${DIR}/log` }, { name: 'long' }),
  ];
  const first = run(long, { hosts: 'eng1' });
  await sleep(1500);
  const refused = await run([shell({ cmd: `echo refused >> ${DIR}/log` }, { name: 'second' })], { hosts: 'eng1', hostLockWaitMs: 1000 });
  assert.is(refused.exitCode, 2);
  assert.equal(statuses(refused, 'eng1'), ['failed']);
  const message = hostResults(refused, 'eng1')[0].message;
  assert.match(
    message,
    new RegExp(
      `^eng1: another hostwright run holds this host's run lock: pid ${process.pid} on controller ${hostname()} since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z \\(lock /run/hostwright/run\\.lock\\); waited 1 s`,
    ),
  );
  assert.match(message, /--no-host-lock/);
  const waiting = run([shell({ cmd: `echo third $(date +%s%N) >> ${DIR}/log` }, { name: 'third' })], { hosts: 'eng1', hostLockWaitMs: 15_000 });
  assert.is((await first).exitCode, 0);
  assert.is((await waiting).exitCode, 0, 'the waiting run got the lock once the first ended');
  const log = (await hosts.sh('eng1', `cat ${DIR}/log`))
    .trim()
    .split('\n')
    .map((l) => l.split(' '));
  assert.equal(
    log.map((l) => l[0]),
    ['first-start', 'first-end', 'third'],
    'nothing interleaved; the refused run ran nothing',
  );
  assert.ok(Number(log[2][1]) >= Number(log[1][1]));
  // Without the lock the runs overlap as before.
  const unlocked = run(long, { hosts: 'eng1' });
  await sleep(1500);
  const free = await run([shell({ cmd: 'true' }, { name: 'free' })], { hosts: 'eng1', hostLock: false });
  assert.is(free.exitCode, 0);
  assert.is((await unlocked).exitCode, 0);
});

test('the first probes travel with the lock command: a no-op run is one round trip per host; a waiting run probes what the holder left', async () => {
  const tasks = [1, 2, 3, 4].map((i) => file({ path: `${DIR}/f${i}`, content: `${i}\n` }, { name: `f${i}` }));
  assert.is((await run(tasks)).exitCode, 0);
  const noop = await run(tasks);
  assert.equal(statuses(noop, 'eng1'), ['ok', 'ok', 'ok', 'ok']);
  assert.is(noop.stats.roundTrips, 2, 'one round trip per host: the lock command with every probe');
  const unlocked = await run(tasks, { hostLock: false });
  assert.is(unlocked.stats.roundTrips, 2, 'without the lock: the one probe batch per host');
  // A run that waits for the lock sees the state the holder leaves, not the one before.
  const holder = run([shell({ cmd: `sleep 2; echo changed > ${DIR}/f1` }, { name: 'holder' })], { hosts: 'eng1' });
  await sleep(800);
  const waiting = await run(tasks, { hosts: 'eng1', hostLockWaitMs: 15_000 });
  assert.is((await holder).exitCode, 0);
  assert.equal(statuses(waiting, 'eng1'), ['changed', 'ok', 'ok', 'ok']);
  assert.is(await hosts.sh('eng1', `cat ${DIR}/f1`), '1\n');
});

test('sshd stopped mid-run: that host leaves the play as unreachable, the other goes on', async () => {
  const tasks = [
    shell({ cmd: `touch ${DIR}/t1; sleep 2` }, { name: 't1' }),
    file({ path: `${DIR}/t2`, content: 't2\n' }, { name: 't2' }),
    file({ path: `${DIR}/t3`, content: 't3\n' }, { name: 't3' }),
  ];
  const running = run(tasks);
  for (;;) {
    if ((await hosts.exec('eng2', `test -e ${DIR}/t1`)).code === 0) break;
    await sleep(50);
  }
  await hosts.sh('eng2', 'systemctl stop ssh');
  await killSessions('eng2');
  const r = await running;
  assert.is(r.exitCode, 4);
  assert.equal(statuses(r, 'eng1'), ['changed', 'changed', 'changed']);
  assert.equal(statuses(r, 'eng2'), ['unreachable']);
  assert.match(hostResults(r, 'eng2')[0].message, /^eng2: connection to .* lost/);
  assert.is(r.recap.eng2.unreachable, 1);
  assert.is(await hosts.sh('eng1', `cat ${DIR}/t3`), 't3\n');
  assert.is((await hosts.exec('eng2', `test -e ${DIR}/t2`)).code, 1);
});

test('sshd back within the retry window: the run connects after retries; without retries the host is unreachable', async () => {
  await hosts.sh('eng2', 'systemctl stop ssh');
  const none = await run([file({ path: `${DIR}/x`, content: 'x\n' })], { hosts: 'eng2', connectRetries: 0 });
  assert.is(none.exitCode, 4);
  assert.match(hostResults(none, 'eng2')[0].message, /connection refused/);
  const started = Date.now();
  const running = run([file({ path: `${DIR}/x`, content: 'x\n' })], { hosts: 'eng2' });
  await sleep(1500);
  await hosts.sh('eng2', 'systemctl start ssh');
  const r = await running;
  assert.is(r.exitCode, 0, JSON.stringify(hostResults(r)));
  assert.equal(statuses(r, 'eng2'), ['changed']);
  assert.ok(Date.now() - started >= 1500);
  assert.is(await hosts.sh('eng2', `cat ${DIR}/x`), 'x\n');
});

test('a connection lost between tasks is opened again for the next probe (and the lock taken again)', async () => {
  const tasks = [
    file({ path: `${DIR}/before`, content: 'before\n' }, { name: 'before' }),
    cut({ host: 'eng1' }, { name: 'cut' }),
    file({ path: `${DIR}/after`, content: 'after\n' }, { name: 'after' }),
  ];
  const r = await run(tasks, { hosts: 'eng1' });
  assert.is(r.exitCode, 0, JSON.stringify(hostResults(r)));
  assert.equal(statuses(r, 'eng1'), ['changed', 'ok', 'changed']);
  assert.is(r.stats.connections, 2, 'one reconnection');
  assert.is(await hosts.sh('eng1', `cat ${DIR}/after`), 'after\n');
});

test.run();
