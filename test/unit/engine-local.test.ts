/**
 * The runner end to end on the local transport (real shell, temporary directories, no root): parallel
 * hosts, failure isolation, unreachable hosts, handlers, check mode, diffs, sensitive values, tags,
 * retries, runOnce, serial batches.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { defineTaskType } from '../../lib/core/define-task-type.ts';
import { defineRole, handler, definePlaybook } from '../../lib/play/define.ts';
import { file } from '../../lib/tasks/file.ts';
import { Args } from '../../lib/tasks/schema-types.ts';
import { TaskFailedError } from '../../lib/core/errors.ts';
import { run } from '../../lib/run.ts';
import { runTasks, statuses, hostResults } from '../support/run.ts';
import { consoleReporter } from '../../lib/report/console.ts';
import { jsonReporter } from '../../lib/report/json.ts';
import type { RunEvent } from '../../lib/core/run-events.ts';
import type { TaskOptions } from '../../lib/core/task-options.ts';
import { shell } from '../../lib/tasks/command.ts';

const root = mkdtempSync(join(tmpdir(), 'hw-engine-'));
const dirs: Record<string, string> = {};
function inventory(names: string[], extra: Record<string, Record<string, unknown>> = {}) {
  const hosts: Record<string, unknown> = {};
  for (const n of names) {
    dirs[n] ??= mkdtempSync(join(root, `${n}-`));
    hosts[n] = { ansible_connection: 'local', dir: dirs[n], ...(extra[n] ?? {}) };
  }
  return { all: { hosts } };
}

/** A custom task type defined the way a library user would: sleeps, optionally fails on one host. */
const sleepy = defineTaskType({
  name: 'sleepy',
  description: 'sleep, then fail when asked',
  schema: Args({ seconds: Type.Number(), failOn: Type.Optional(Type.String()) }),
  supportsDiff: false,
  probe: () => undefined,
  plan: (args) => ({ status: 'change', summary: `slept ${args.seconds}s` }),
  async apply(args, _plan, host) {
    const r = await host.exec(`sleep ${args.seconds}; [ ${JSON.stringify(host.name)} != ${JSON.stringify(args.failOn ?? '')} ]`);
    if (r.code !== 0)
      throw new TaskFailedError(`${host.name}: asked to fail`, { host: host.name, command: 'sleep', code: r.code, stderr: 'it failed\n' });
  },
});

const motd = (content: string, opts: TaskOptions = {}) => file((h) => ({ path: `${h.vars.dir}/motd`, content }), opts);

test('tasks run on hosts in parallel: the apply windows overlap', async () => {
  const r = await runTasks([sleepy({ seconds: 0.4 })], { inventory: inventory(['a', 'b', 'c']) });
  const results = hostResults(r);
  assert.is(results.length, 3);
  const latestStart = Math.max(...results.map((e) => e.startedAt));
  const earliestEnd = Math.min(...results.map((e) => e.startedAt + e.durationMs));
  assert.ok(latestStart < earliestEnd, `windows overlap (latest start ${latestStart} < earliest end ${earliestEnd})`);
  assert.is(r.exitCode, 0);
});

test('a failing host leaves the play, the others converge; exit code 2', async () => {
  const r = await runTasks([sleepy({ seconds: 0, failOn: 'b' }), motd('after failure\n')], { inventory: inventory(['a', 'b', 'c']) });
  assert.equal(statuses(r, 'a'), ['changed', 'changed']);
  assert.equal(statuses(r, 'b'), ['failed']);
  assert.equal(statuses(r, 'c'), ['changed', 'changed']);
  assert.is(r.recap.b.failed, 1);
  assert.is(r.exitCode, 2);
  const failure = hostResults(r, 'b')[0];
  assert.match(failure.error!.message, /b: asked to fail/);
  assert.is(failure.error!.code, 1);
  assert.match(failure.error!.location!, /engine-local\.test\.ts:\d+/);
  assert.ok(existsSync(join(dirs.c, 'motd')));
});

test('an unreachable host is its own outcome (exit 4) while the others finish', async () => {
  const inv = inventory(['a', 'down'], { down: { ansible_connection: 'ssh', ansible_host: '127.0.0.1', ansible_port: 1 } });
  const r = await runTasks([motd('x\n'), motd('y\n')], { inventory: inv, connectTimeoutMs: 3000 });
  assert.equal(statuses(r, 'down'), ['unreachable']);
  assert.equal(statuses(r, 'a'), ['changed', 'changed']);
  assert.is(r.recap.down.unreachable, 1);
  assert.is(r.recap.down.failed, 0);
  assert.is(r.exitCode, 4);
});

test('second run reports zero changes; check mode changes nothing and predicts the run', async () => {
  const inv = inventory(['idem']);
  rmSync(join(dirs.idem, 'motd'), { force: true });
  const tasks = () => [
    motd('hello\n', { name: 'motd' }),
    file((h) => ({ path: `${h.vars.dir}/sub`, state: 'directory' as const })),
    file((h) => ({ path: `${h.vars.dir}/sub/inner`, content: 'in\n' })),
  ];
  const check = await runTasks(tasks(), { inventory: inv, check: true, diff: true });
  // The file in the directory an earlier task of the check creates is a definite create (the predicted host).
  assert.equal(statuses(check, 'idem'), ['changed', 'changed', 'changed']);
  assert.not.ok(existsSync(join(dirs.idem, 'motd')), 'check mode wrote nothing');
  const diff = hostResults(check, 'idem')[0].diff!;
  assert.equal(diff[0], { kind: 'file', path: join(dirs.idem, 'motd'), before: '', after: 'hello\n' });
  const first = await runTasks(tasks(), { inventory: inv });
  assert.equal(statuses(first, 'idem'), ['changed', 'changed', 'changed']);
  assert.is(readFileSync(join(dirs.idem, 'sub/inner'), 'utf8'), 'in\n');
  const second = await runTasks(tasks(), { inventory: inv });
  assert.equal(statuses(second, 'idem'), ['ok', 'ok', 'ok']);
  assert.is(second.recap.idem.changed, 0);
});

test('handlers run once per host at the end of the role, in definition order, only when notified', async () => {
  const inv = inventory(['h1', 'h2']);
  for (const n of ['h1', 'h2']) rmSync(join(dirs[n], 'conf'), { force: true });
  writeFileSync(join(dirs.h2, 'conf'), 'v1\n');
  const log = (what: string) => file((h) => ({ path: `${h.vars.dir}/handler-${what}`, content: `${what}\n` }));
  const role = defineRole({
    name: 'demo',
    tasks: [
      file((h) => ({ path: `${h.vars.dir}/conf`, content: 'v1\n' }), { notify: ['second', 'first'] }),
      file((h) => ({ path: `${h.vars.dir}/conf2`, content: 'v1\n' }), { notify: 'first' }),
    ],
    handlers: [handler('first', log('first')), handler('second', log('second'))],
  });
  for (const n of ['h1', 'h2']) for (const f of ['handler-first', 'handler-second', 'conf2']) rmSync(join(dirs[n], f), { force: true });
  writeFileSync(join(dirs.h2, 'conf2'), 'v1\n');
  const r = await runTasks([], { inventory: inv, roles: [role] });
  const handlerEvents = r.events.filter((e) => e.event === 'task-start' && e.handler) as Extract<RunEvent, { event: 'task-start' }>[];
  assert.equal(
    handlerEvents.map((e) => [e.task, e.hosts]),
    [
      ['first', ['h1']],
      ['second', ['h1']],
    ],
  );
  assert.ok(existsSync(join(dirs.h1, 'handler-first')));
  assert.not.ok(existsSync(join(dirs.h2, 'handler-first')), 'h2 changed nothing, so no handler ran there');
  const again = await runTasks([], { inventory: inv, roles: [role] });
  assert.is(again.events.filter((e) => e.event === 'task-start' && e.handler).length, 0);
});

test('console output: headers, per-host lines, unified diff, recap', async () => {
  const inv = inventory(['con']);
  writeFileSync(join(dirs.con, 'motd'), 'line1\nold\nline3\n');
  let text = '';
  const stream = { write: (s: string) => ((text += s), true), isTTY: false } as any;
  const playbook = definePlaybook({
    name: 'console',
    plays: [{ name: 'show', hosts: 'all', tasks: [motd('line1\nnew\nline3\n', { name: 'write motd' })] }],
  });
  await run(playbook, { inventory: inv, check: true, diff: true, listeners: [consoleReporter({ stream })] });
  assert.match(text, /PLAY \[show\] \*+/);
  assert.match(text, /TASK \[write motd\] \*+/);
  assert.match(text, /changed: \[con\] => update .*motd/);
  assert.ok(text.includes(`--- before: ${dirs.con}/motd`));
  assert.ok(text.includes(`+++ after: ${dirs.con}/motd`));
  assert.match(text, /\n-old\n\+new\n/);
  assert.match(text, /PLAY RECAP \*+\ncon : ok=1 changed=1 unreachable=0 failed=0 skipped=0/);
  assert.not.match(text, /\x1b\[/, 'no colour and no progress line when not a TTY');
});

test('--json: one JSON event per line, the last is the recap', async () => {
  const inv = inventory(['js']);
  let text = '';
  const stream = { write: (s: string) => ((text += s), true) } as any;
  const playbook = definePlaybook({ name: 'json', plays: [{ name: 'p', hosts: 'all', tasks: [motd('j\n')] }] });
  await run(playbook, { inventory: inv, listeners: [jsonReporter(stream)] });
  const lines = text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.is(lines[0].event, 'run-start');
  assert.equal(Object.keys(lines.at(-1)), ['event', 'hosts']);
  // A fresh directory: the one task changed it (ok counts changed tasks too, as in Ansible).
  assert.equal(lines.at(-1).hosts.js, { ok: 1, changed: 1, failed: 0, skipped: 0, unreachable: 0, ignored: 0 });
  assert.ok(lines.some((l) => l.event === 'stats' && l.stats.roundTrips >= 1));
});

test('a sensitive value never appears in any event, diff or error', async () => {
  const inv = inventory(['sec']);
  const secret = 'hunter2-very-secret';
  rmSync(join(dirs.sec, 'token'), { force: true });
  const r = await runTasks(
    [
      file((h) => ({ path: `${h.vars.dir}/token`, content: `token=${secret}\n` }), { sensitive: true }),
      // A later, non-sensitive task whose failure output echoes the secret file.
      shell((h) => ({ cmd: `cat ${h.vars.dir}/token >&2; exit 3` }), { name: 'echo it' }),
    ],
    { inventory: inv, diff: true },
  );
  assert.equal(statuses(r, 'sec'), ['changed', 'failed']);
  const all = JSON.stringify(r.events);
  assert.not.ok(all.includes(secret), 'secret leaked');
  assert.ok(all.includes('********'), 'the failure output was redacted, not dropped');
  assert.ok(readFileSync(join(dirs.sec, 'token'), 'utf8').includes(secret));
});

test('when, tags, register and until with retries', async () => {
  const inv = inventory(['t1', 't2']);
  let calls = 0;
  const r = await runTasks(
    [
      motd('w\n', { when: (h) => h.host === 't1', name: 'only t1' }),
      motd('tagged\n', { tags: ['skipme'], name: 'skipped by tag' }),
      sleepy({ seconds: 0 }, { register: 'slept', name: 'register' }),
      sleepy({ seconds: 0 }, { name: 'until', retries: 2, delay: 0, until: () => ++calls >= 2, runOnce: true }),
    ],
    { inventory: inv, skipTags: ['skipme'] },
  );
  assert.equal(statuses(r, 't1'), ['changed', 'changed', 'changed']);
  assert.equal(statuses(r, 't2'), ['skipped', 'changed']);
  assert.is(calls, 2, 'until retried once');
  assert.not.ok(r.events.some((e) => e.event === 'task-start' && e.task === 'skipped by tag'));
});

test('serial batches and maxFailPercentage stop a rolling change', async () => {
  const inv = inventory(['s1', 's2', 's3', 's4']);
  const playbook = definePlaybook({
    name: 'rolling',
    plays: [{ name: 'roll', hosts: 'all', serial: 2, maxFailPercentage: 0, tasks: [sleepy({ seconds: 0, failOn: 's2' })] }],
  });
  const r = await run(playbook, { inventory: inv, collectEvents: true });
  const starts = r.events.filter((e) => e.event === 'task-start') as Extract<RunEvent, { event: 'task-start' }>[];
  assert.equal(
    starts.map((s) => s.hosts),
    [['s1', 's2']],
  );
  assert.ok(r.events.some((e) => e.event === 'play-aborted'));
  assert.is(r.exitCode, 2);
});

test('gatherFacts: facts gathered once per host at the play start, in scope for when and arguments', async () => {
  const inv = inventory(['f1']);
  rmSync(join(dirs.f1, 'os'), { force: true });
  const playbook = definePlaybook({
    name: 'facts',
    plays: [
      {
        name: 'uses facts',
        hosts: 'all',
        gatherFacts: true,
        tasks: [
          file(
            (h) => ({
              path: `${h.vars.dir}/os`,
              content: `${(h.vars.facts as { osFamily: string }).osFamily} ${(h.vars.ansible_facts as { hostname: string }).hostname}\n`,
            }),
            { name: 'write facts' },
          ),
          motd('never\n', { name: 'not on this family', when: (h) => (h.vars.facts as { osFamily: string }).osFamily === 'no-such-family' }),
        ],
      },
    ],
  });
  const r = await run(playbook, { inventory: inv, collectEvents: true });
  assert.is(r.exitCode, 0);
  const starts = r.events.filter((e) => e.event === 'task-start') as Extract<RunEvent, { event: 'task-start' }>[];
  assert.equal(
    starts.map((e) => e.task),
    ['Gathering Facts', 'write facts', 'not on this family'],
  );
  assert.equal(statuses(r, 'f1'), ['ok', 'changed', 'skipped']);
  // Independent answer: this machine's os-release ID mapped as Ansible's OS_FAMILY does, and Node's hostname.
  const id = /^ID="?([^"\n]+)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
  const family: Record<string, string> = {
    debian: 'Debian',
    ubuntu: 'Debian',
    centos: 'RedHat',
    rhel: 'RedHat',
    fedora: 'RedHat',
    rocky: 'RedHat',
    almalinux: 'RedHat',
  };
  assert.ok(id && family[id], `this test knows the os family of os-release ID "${id}"; add it to the table`);
  assert.is(readFileSync(join(dirs.f1, 'os'), 'utf8'), `${family[id!]} ${hostname()}\n`);
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
