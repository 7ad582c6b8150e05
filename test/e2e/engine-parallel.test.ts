/**
 * The runner over real SSH on three test hosts (eng1..eng3): tasks overlap across hosts, a failure on
 * one host leaves the others converging, handlers fire once per notified host at the end of their role,
 * and check mode changes nothing while predicting exactly what the real run changes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defineRole, handler } from '../../lib/play/define.ts';
import type { Task } from '../../lib/core/task-options.ts';
import type { RunEvent } from '../../lib/core/run-events.ts';
import { consoleReporter } from '../../lib/report/console.ts';
import { file } from '../../lib/tasks/file.ts';
import { shell } from '../../lib/tasks/command.ts';
import { ENGINE_HOSTS, engineHosts, textSink, type EngineHosts } from '../support/engine-hosts.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';

const DIR = '/var/tmp/hw-engine';
const names = [...ENGINE_HOSTS];
let hosts: EngineHosts;
let inventory: Record<string, unknown>;

const run = (tasks: Task[], options: Omit<Parameters<typeof runTasks>[1], 'inventory'> = {}) =>
  runTasks(tasks, { inventory, knownHostsFile: hosts.knownHostsPath, ...options });
const everywhere = (command: string) => Promise.all(names.map((n) => hosts.sh(n, command)));

test.before(async () => {
  hosts = await engineHosts(names);
  inventory = hosts.inventory(names);
});

test.before.each(async () => {
  await everywhere(`rm -rf ${DIR} && mkdir -p ${DIR}`);
});

test.after(async () => {
  await everywhere(`rm -rf ${DIR}`);
});

test("a task runs on all hosts at once: every host's window overlaps the others (event timestamps)", async () => {
  const seconds = 1.5;
  const r = await run([shell({ cmd: `sleep ${seconds}` }, { name: 'sleep' })]);
  assert.is(r.exitCode, 0);
  const results = hostResults(r);
  assert.equal(results.map((e) => e.host).sort(), names);
  for (const e of results) assert.ok(e.durationMs >= seconds * 1000, `${e.host} slept (${e.durationMs} ms)`);
  const latestStart = Math.max(...results.map((e) => e.startedAt));
  const earliestEnd = Math.min(...results.map((e) => e.startedAt + e.durationMs));
  // From the events' own timestamps: a loaded machine stretches the windows but cannot make them overlap
  // unless the hosts really ran at once (a serial run has each start after the previous end).
  assert.ok(latestStart < earliestEnd, `every window overlaps (latest start ${latestStart} < earliest end ${earliestEnd})`);
  assert.is(r.stats.connections, 3, 'one SSH connection per host');
});

test('a task failing on one host: the others go on converging; recap failed=1, exit 2, a precise error', async () => {
  const sink = textSink();
  const r = await run(
    [
      file({ path: `${DIR}/before`, content: 'before\n' }, { name: 'before' }),
      shell(
        { cmd: `if [ "$(hostname)" = eng2 ]; then echo "line one" >&2; echo "disk full on $(hostname)" >&2; exit 7; fi` },
        { name: 'fail on eng2' },
      ),
      file({ path: `${DIR}/after`, content: 'after\n' }, { name: 'after' }),
      shell({ cmd: `echo done > ${DIR}/last` }, { name: 'last' }),
    ],
    { listeners: [consoleReporter({ stream: sink })] },
  );
  assert.is(r.exitCode, 2);
  assert.equal(statuses(r, 'eng1'), ['changed', 'changed', 'changed', 'changed']);
  assert.equal(statuses(r, 'eng2'), ['changed', 'failed']);
  assert.equal(statuses(r, 'eng3'), ['changed', 'changed', 'changed', 'changed']);
  assert.equal({ ...r.recap.eng2 }, { ok: 1, changed: 1, unreachable: 0, failed: 1, skipped: 0, ignored: 0 });
  assert.is(r.recap.eng1.failed + r.recap.eng3.failed, 0);
  // The later tasks really ran on the other hosts, and not on the failed one.
  for (const n of ['eng1', 'eng3']) assert.is(await hosts.sh(n, `cat ${DIR}/after ${DIR}/last`), 'after\ndone\n');
  assert.is((await hosts.exec('eng2', `test -e ${DIR}/after || test -e ${DIR}/last`)).code, 1, 'nothing after the failure on eng2');
  const failure = hostResults(r, 'eng2')[1];
  assert.is(failure.task, 'fail on eng2');
  assert.is(failure.error?.kind, 'TaskFailedError');
  assert.is(failure.error?.code, 7);
  assert.match(failure.error!.message, /^eng2: shell /);
  assert.match(failure.error!.message, /exit 7/);
  assert.match(failure.error!.command!, /hostname\)" = eng2/);
  assert.match(failure.error!.stderr!, /line one\ndisk full on eng2/);
  assert.match(failure.error!.location!, /engine-parallel\.test\.ts:\d+/);
  const text = sink.text();
  assert.match(text, /TASK \[fail on eng2\] \*+/);
  assert.match(text, /fatal: \[eng2\]: FAILED! => eng2: shell .*exit 7.*disk full on eng2/s);
  assert.match(text, /eng2 : ok=1 changed=1 unreachable=0 failed=1 skipped=0/);
  assert.match(text, /eng1 : ok=4 changed=4 unreachable=0 failed=0 skipped=0/);
});

test('handlers run once per notified host, at the end of their role, before the next role', async () => {
  const log = `${DIR}/log`;
  // eng2 already has both files: nothing changes there, so nothing is notified there.
  await hosts.sh('eng2', `printf 'v1\\n' > ${DIR}/alpha.conf && printf 'v2\\n' > ${DIR}/alpha2.conf`);
  const alpha = defineRole({
    name: 'alpha',
    tasks: [
      file({ path: `${DIR}/alpha.conf`, content: 'v1\n' }, { name: 'alpha conf', notify: 'restart alpha' }),
      file({ path: `${DIR}/alpha2.conf`, content: 'v2\n' }, { name: 'alpha conf 2', notify: ['restart alpha', 'reload alpha'] }),
      shell({ cmd: `echo alpha-task >> ${log}` }, { name: 'alpha task' }),
    ],
    handlers: [
      handler('reload alpha', shell({ cmd: `echo reload >> ${log}` }, { name: 'reload alpha' })),
      handler('restart alpha', shell({ cmd: `echo restart >> ${log}` }, { name: 'restart alpha' })),
      handler('never notified', shell({ cmd: `echo never >> ${log}` }, { name: 'never notified' })),
    ],
  });
  const beta = defineRole({ name: 'beta', tasks: [shell({ cmd: `echo beta-task >> ${log}` }, { name: 'beta task' })] });
  const r = await run([], { roles: [alpha, beta] });
  assert.is(r.exitCode, 0);
  const handlerStarts = r.events.filter((e): e is Extract<RunEvent, { event: 'task-start' }> => e.event === 'task-start' && e.handler);
  // Definition order (reload before restart), each once, only on the hosts where something changed.
  assert.equal(
    handlerStarts.map((e) => [e.task, e.hosts]),
    [
      ['reload alpha', ['eng1', 'eng3']],
      ['restart alpha', ['eng1', 'eng3']],
    ],
  );
  // What really ran on each host, in order: the handlers after alpha's last task and before beta's.
  for (const n of ['eng1', 'eng3']) assert.is(await hosts.sh(n, `cat ${log}`), 'alpha-task\nreload\nrestart\nbeta-task\n', n);
  assert.is(await hosts.sh('eng2', `cat ${log}`), 'alpha-task\nbeta-task\n');
  // A second run changes no file, so no handler runs anywhere.
  const again = await run([], { roles: [alpha, beta] });
  assert.is(again.events.filter((e) => e.event === 'task-start' && e.handler).length, 0);
  for (const n of names) assert.not.match(await hosts.sh(n, `cat ${log}`), /restart\n.*restart/s, `${n}: no second restart`);
});

test('check mode changes nothing on any host, and predicts exactly what the real run changes', async () => {
  await hosts.sh('eng2', `printf 'old\\n' > ${DIR}/motd && chmod 0600 ${DIR}/motd`);
  await hosts.sh('eng3', `printf 'hello\\n' > ${DIR}/motd && chmod 0644 ${DIR}/motd`);
  const tasks = () => [
    file({ path: `${DIR}/motd`, content: 'hello\n', mode: '0644' }, { name: 'motd' }),
    file({ path: `${DIR}/sub`, state: 'directory' }, { name: 'sub dir' }),
    file({ path: `${DIR}/sub/inner`, content: 'inner\n' }, { name: 'inner file' }),
  ];
  const snapshot = () =>
    Promise.all(names.map((n) => hosts.sh(n, `cd ${DIR} && find . -printf '%p %m %s\\n' | sort && cat motd 2>/dev/null || true`)));
  const before = await snapshot();
  const check = await run(tasks(), { check: true, diff: true });
  assert.is(check.exitCode, 0);
  assert.equal(await snapshot(), before, 'nothing changed on any host');
  // The file in the directory the check predicts is a definite create (the predicted host).
  assert.equal(statuses(check, 'eng1'), ['changed', 'changed', 'changed']);
  assert.equal(statuses(check, 'eng2'), ['changed', 'changed', 'changed']);
  assert.equal(statuses(check, 'eng3'), ['ok', 'changed', 'changed']);
  const motdDiff = hostResults(check, 'eng2')[0].diff ?? [];
  assert.ok(
    motdDiff.some((d) => d.kind === 'file' && d.before === 'old\n' && d.after === 'hello\n'),
    'content diff of eng2',
  );
  assert.ok(
    motdDiff.some((d) => d.kind === 'state' && d.key === 'mode' && d.before === '0600' && d.after === '0644'),
    'mode diff of eng2',
  );

  const changedSet = (r: { events: RunEvent[] }) =>
    hostResults(r)
      .filter((e) => e.status === 'changed' || e.status === 'may-change')
      .map((e) => `${e.host} ${e.task}`)
      .sort();
  const real = await run(tasks());
  assert.is(real.exitCode, 0);
  assert.equal(changedSet(real), changedSet(check), 'the real run changed what check mode predicted');
  for (const n of names) assert.is(await hosts.sh(n, `stat -c %a ${DIR}/motd && cat ${DIR}/motd ${DIR}/sub/inner`), '644\nhello\ninner\n');
  const again = await run(tasks(), { check: true });
  assert.equal(changedSet(again), [], 'after the run, check mode predicts nothing');
});

test.run();
