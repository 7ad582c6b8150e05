/**
 * Task options against Ansible's documented semantics, on the local transport (real shell, temporary
 * directories, no root): delegateTo, loop, ignoreErrors, register, runOnce with register, handler
 * `listen`, and `--tags` / `--skip-tags` with `always` and `never`.
 *
 * Hosts that must never be contacted point at a closed port over SSH: a task that succeeds for them can
 * only have run somewhere else.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handler, defineRole } from '../../lib/play/define.ts';
import { file } from '../../lib/tasks/file.ts';
import { shell } from '../../lib/tasks/command.ts';
import { consoleReporter } from '../../lib/report/console.ts';
import type { RunEvent } from '../../lib/core/run-events.ts';
import type { TaskOutcome } from '../../lib/core/task-options.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';

const root = mkdtempSync(join(tmpdir(), 'hw-semantics-'));
const dirOf = (name: string) => {
  const dir = join(root, name);
  rmSync(dir, { recursive: true, force: true });
  return mkdtempSync(dir + '-');
};
const local = (names: string[]) => Object.fromEntries(names.map((n) => [n, { ansible_connection: 'local', dir: dirOf(n) }]));
/** A host that cannot be reached: SSH to a closed port. */
const closed = (name: string) => ({ ansible_connection: 'ssh', ansible_host: '127.0.0.1', ansible_port: 1, dir: dirOf(name) });
const read = (path: string) => readFileSync(path, 'utf8');
const items = (r: { events: RunEvent[] }, host: string) =>
  r.events
    .filter((e): e is Extract<RunEvent, { event: 'item-result' }> => e.event === 'item-result' && e.host === host)
    .map((e) => [e.item, e.status]);
const taskStarts = (r: { events: RunEvent[] }) =>
  r.events.filter((e): e is Extract<RunEvent, { event: 'task-start' }> => e.event === 'task-start').map((e) => e.task);
const recapEvent = (r: { events: RunEvent[] }) => (r.events.at(-1) as Extract<RunEvent, { event: 'recap' }>).hosts;

// ---------------------------------------------------------------- delegateTo

test("delegateTo: runs on the delegate, with the delegating host's variables, reported and counted under the delegating host", async () => {
  const inventory = {
    all: { hosts: { d: { ansible_connection: 'local', dir: dirOf('d') } }, children: { web: { hosts: { w1: closed('w1'), w2: closed('w2') } } } },
  };
  const r = await runTasks(
    [
      shell((h) => ({ cmd: `echo "${h.host} ${h.vars.dir}"` }), { name: 'who', delegateTo: 'd', register: 'who' }),
      file((h) => ({ path: `${h.vars.dir}/seen`, content: `${(h.vars.who as TaskOutcome).stdout}\n` }), {
        name: 'write',
        delegateTo: (h) => h.vars.delegate_host as string,
      }),
    ],
    { inventory, hosts: 'web', vars: { delegate_host: 'd' }, connectTimeoutMs: 3000 },
  );
  // w1 and w2 are unreachable, so a success for them proves the commands ran on d.
  assert.is(r.exitCode, 0);
  for (const h of ['w1', 'w2']) {
    assert.equal(statuses(r, h), ['changed', 'changed']);
    assert.ok(
      hostResults(r, h).every((e) => e.delegatedTo === 'd'),
      'every result names the delegate',
    );
    // The delegating host's variables: its own name and its own dir, written by d.
    const dir = (inventory.all.children.web.hosts as Record<string, { dir: string }>)[h].dir;
    assert.is(read(join(dir, 'seen')), `${h} ${dir}\n`);
  }
  assert.equal(Object.keys(r.recap).sort(), ['w1', 'w2'], 'the delegate has no recap line of its own');
  assert.is(r.recap.w1.changed, 2);
  assert.not.ok(hostResults(r).some((e) => e.host === 'd'));
});

test('delegateTo an unreachable host: the delegating host is reported unreachable, with the delegate named', async () => {
  const inventory = { all: { hosts: { ...local(['src']), gone: closed('gone') } } };
  const r = await runTasks([shell({ cmd: 'true' }, { name: 'to gone', delegateTo: 'gone' })], { inventory, hosts: 'src', connectTimeoutMs: 3000 });
  const [result] = hostResults(r, 'src');
  assert.is(result.status, 'unreachable');
  assert.is(result.delegatedTo, 'gone');
  assert.is(r.recap.src.unreachable, 1);
  assert.is(r.exitCode, 4);
});

test('delegateTo: the console names the delegate as Ansible does ([host -> delegate])', async () => {
  const inventory = { all: { hosts: { ...local(['c1', 'del']) } } };
  let text = '';
  const stream = { write: (s: string) => ((text += s), true), isTTY: false } as any;
  await runTasks([shell({ cmd: 'true' }, { name: 'delegated', delegateTo: 'del' })], {
    inventory,
    hosts: 'c1',
    listeners: [consoleReporter({ stream })],
  });
  assert.match(text, /changed: \[c1 -> del\]/);
});

// ---------------------------------------------------------------- loop

test('loop: once per item with `item` in scope, one line per item, changed when any item changed', async () => {
  const inventory = { all: { hosts: local(['l1', 'l2']) } };
  const tasks = () => [
    file((h) => ({ path: `${h.vars.dir}/${h.vars.item}`, content: `${h.vars.item} #${h.vars.loop_index} on ${h.host}\n` }), {
      name: 'files',
      loop: ['x', 'y', 'z'],
      register: 'made',
    }),
  ];
  const r = await runTasks(tasks(), { inventory });
  for (const h of ['l1', 'l2']) {
    assert.equal(items(r, h), [
      ['x', 'changed'],
      ['y', 'changed'],
      ['z', 'changed'],
    ]);
    assert.equal(statuses(r, h), ['changed'], 'one host result for the task');
    for (const [i, item] of ['x', 'y', 'z'].entries()) assert.is(read(join(inventory.all.hosts[h].dir, item)), `${item} #${i} on ${h}\n`);
  }
  assert.is(r.recap.l1.changed, 1, 'the task counts once in the recap, not once per item');
  writeFileSync(join(inventory.all.hosts.l1.dir, 'y'), 'edited\n');
  const again = await runTasks(tasks(), { inventory });
  assert.equal(items(again, 'l1'), [
    ['x', 'ok'],
    ['y', 'changed'],
    ['z', 'ok'],
  ]);
  assert.equal(statuses(again, 'l1'), ['changed']);
  assert.equal(items(again, 'l2'), [
    ['x', 'ok'],
    ['y', 'ok'],
    ['z', 'ok'],
  ]);
  assert.equal(statuses(again, 'l2'), ['ok']);
});

test('loop: a failing item fails the task after every item ran; the host leaves the play', async () => {
  const inventory = { all: { hosts: local(['lf']) } };
  const dir = inventory.all.hosts.lf.dir;
  const r = await runTasks(
    [
      shell((h) => ({ cmd: `touch ${h.vars.dir}/${h.vars.item}; test ${h.vars.item} != bad` }), { name: 'items', loop: ['a', 'bad', 'c'] }),
      file((h) => ({ path: `${h.vars.dir}/after`, content: 'x\n' }), { name: 'after' }),
    ],
    { inventory },
  );
  assert.equal(items(r, 'lf'), [
    ['a', 'changed'],
    ['bad', 'failed'],
    ['c', 'changed'],
  ]);
  assert.ok(existsSync(join(dir, 'c')), 'the item after the failed one ran (Ansible runs every item)');
  assert.equal(statuses(r, 'lf'), ['failed']);
  assert.match(hostResults(r, 'lf')[0].message, /item 1/);
  assert.not.ok(existsSync(join(dir, 'after')));
  assert.is(r.recap.lf.failed, 1);
  assert.is(r.exitCode, 2);
});

test('loop: `when` is evaluated per item with the item in scope; an empty loop skips; results are registered per item', async () => {
  const inventory = { all: { hosts: local(['lw']) } };
  const dir = inventory.all.hosts.lw.dir;
  const r = await runTasks(
    [
      shell((h) => ({ cmd: `echo ${h.vars.item}` }), { name: 'per item', loop: [1, 2, 3], when: (h) => h.vars.item !== 2, register: 'echoed' }),
      shell({ cmd: 'echo never' }, { name: 'empty', loop: [] }),
      file(
        (h) => ({
          path: `${h.vars.dir}/results`,
          content: JSON.stringify((h.vars.echoed as { results: TaskOutcome[] }).results.map((x) => [x.item, x.skipped, x.stdout ?? null])),
        }),
        { name: 'write' },
      ),
    ],
    { inventory },
  );
  assert.equal(items(r, 'lw'), [
    ['1', 'changed'],
    ['2', 'skipped'],
    ['3', 'changed'],
  ]);
  assert.equal(statuses(r, 'lw'), ['changed', 'skipped', 'changed']);
  assert.equal(JSON.parse(read(join(dir, 'results'))), [
    [1, false, '1'],
    [2, true, null],
    [3, false, '3'],
  ]);
});

test('loop: console shows one line per item as (item=...)', async () => {
  const inventory = { all: { hosts: local(['lc']) } };
  let text = '';
  const stream = { write: (s: string) => ((text += s), true), isTTY: false } as any;
  await runTasks([shell((h) => ({ cmd: `test ${h.vars.item} != b` }), { name: 'each', loop: ['a', 'b'] })], {
    inventory,
    listeners: [consoleReporter({ stream })],
  });
  assert.match(text, /changed: \[lc\] => \(item=a\)/);
  assert.match(text, /failed: \[lc\] => \(item=b\)/);
});

// ---------------------------------------------------------------- ignoreErrors

test('ignoreErrors: the failure is reported, the host goes on, the recap counts it as ok and ignored', async () => {
  const inventory = { all: { hosts: local(['ie']) } };
  const dir = inventory.all.hosts.ie.dir;
  let text = '';
  const stream = { write: (s: string) => ((text += s), true), isTTY: false } as any;
  const r = await runTasks(
    [
      shell({ cmd: 'echo partial; exit 3' }, { name: 'fails', ignoreErrors: true, register: 'failing' }),
      file(
        (h) => ({
          path: `${h.vars.dir}/after`,
          content: `rc=${(h.vars.failing as TaskOutcome).rc} failed=${(h.vars.failing as TaskOutcome).failed}\n`,
        }),
        { name: 'after' },
      ),
      shell({ cmd: 'exit 4' }, { name: 'not ignored' }),
      file((h) => ({ path: `${h.vars.dir}/never`, content: 'x\n' }), { name: 'never' }),
    ],
    { inventory, listeners: [consoleReporter({ stream })] },
  );
  assert.equal(statuses(r, 'ie'), ['failed', 'changed', 'failed']);
  assert.is(hostResults(r, 'ie')[0].ignored, true);
  assert.is(hostResults(r, 'ie')[2].ignored, undefined);
  assert.is(read(join(dir, 'after')), 'rc=3 failed=true\n', 'the failed result is registered');
  assert.not.ok(existsSync(join(dir, 'never')));
  assert.equal(r.recap.ie, { ok: 2, changed: 1, unreachable: 0, failed: 1, skipped: 0, ignored: 1 });
  assert.equal(recapEvent(r).ie, r.recap.ie, 'the recap event carries the ignored count');
  assert.match(text, /fatal \(ignored\): \[ie\]/);
  assert.match(text, /ie\s+: ok=2 changed=1 unreachable=0 failed=1 skipped=0 ignored=1/);
});

test('ignoreErrors alone: exit code 0, ignored counted', async () => {
  const inventory = { all: { hosts: local(['ie2']) } };
  const r = await runTasks([shell({ cmd: 'exit 1' }, { ignoreErrors: true })], { inventory });
  assert.is(r.exitCode, 0);
  assert.is(r.recap.ie2.ignored, 1);
  assert.is(r.recap.ie2.failed, 0);
});

test('ignoreErrors does not cover an unreachable host (as in Ansible)', async () => {
  const inventory = { all: { hosts: { off: closed('off') } } };
  const r = await runTasks([shell({ cmd: 'true' }, { ignoreErrors: true })], { inventory, connectTimeoutMs: 3000 });
  assert.is(r.exitCode, 4);
  assert.is(r.recap.off.unreachable, 1);
  assert.is(r.recap.off.ignored, 0);
});

// ---------------------------------------------------------------- register

test('register: the registered value holds rc, stdout, stdout_lines, stderr and changed; a skipped task registers skipped', async () => {
  const inventory = { all: { hosts: local(['rg']) } };
  const dir = inventory.all.hosts.rg.dir;
  const r = await runTasks(
    [
      shell({ cmd: 'printf "one\\ntwo\\n"; echo warn >&2' }, { name: 'out', register: 'out' }),
      shell({ cmd: 'echo no' }, { name: 'skipped', when: () => false, register: 'skip' }),
      file((h) => ({ path: `${h.vars.dir}/registered`, content: JSON.stringify({ out: h.vars.out, skip: h.vars.skip }) }), { name: 'dump' }),
    ],
    { inventory },
  );
  assert.equal(statuses(r, 'rg'), ['changed', 'skipped', 'changed']);
  const got = JSON.parse(read(join(dir, 'registered')));
  assert.is(got.out.rc, 0);
  // Ansible strips the final newline of stdout and stderr.
  assert.is(got.out.stdout, 'one\ntwo');
  assert.equal(got.out.stdout_lines, ['one', 'two']);
  assert.is(got.out.stderr, 'warn');
  assert.is(got.out.changed, true);
  assert.is(got.out.failed, false);
  assert.is(got.skip.skipped, true);
  assert.is(got.skip.changed, false);
});

test('runOnce with register: runs on the first host only, every host of the batch gets its result', async () => {
  const inventory = { all: { hosts: local(['o1', 'o2', 'o3']) } };
  const r = await runTasks(
    [
      shell((h) => ({ cmd: `echo ran-on-${h.host}` }), { name: 'once', runOnce: true, register: 'once' }),
      file((h) => ({ path: `${h.vars.dir}/once`, content: (h.vars.once as TaskOutcome).stdout! }), { name: 'write' }),
    ],
    { inventory },
  );
  assert.equal(
    hostResults(r)
      .filter((e) => e.task === 'once')
      .map((e) => e.host),
    ['o1'],
  );
  for (const h of ['o1', 'o2', 'o3']) assert.is(read(join(inventory.all.hosts[h].dir, 'once')), 'ran-on-o1');
});

// ---------------------------------------------------------------- handlers: listen

test('handler listen: every handler listening to a topic runs, once, in definition order; others do not', async () => {
  const inventory = { all: { hosts: local(['hl']) } };
  const dir = inventory.all.hosts.hl.dir;
  const log = (what: string) => shell((h) => ({ cmd: `echo ${what} >> ${h.vars.dir}/log` }), { name: what });
  const role = defineRole({
    name: 'listening',
    tasks: [
      file((h) => ({ path: `${h.vars.dir}/conf`, content: '1\n' }), { notify: 'restart web stack' }),
      file((h) => ({ path: `${h.vars.dir}/conf2`, content: '1\n' }), { notify: ['restart web stack', 'reload db'] }),
    ],
    handlers: [
      handler('reload db', log('db')),
      handler('restart nginx', log('nginx'), { listen: ['restart web stack'] }),
      handler('unrelated', log('unrelated'), { listen: ['something else'] }),
      handler('restart php', log('php'), { listen: ['restart web stack'] }),
    ],
  });
  const r = await runTasks([], { inventory, roles: [role] });
  assert.is(read(join(dir, 'log')), 'db\nnginx\nphp\n');
  const handlerStarts = r.events.filter((e) => e.event === 'task-start' && e.handler).map((e) => (e as { task: string }).task);
  assert.equal(handlerStarts, ['db', 'nginx', 'php']);
});

// ---------------------------------------------------------------- tags: always and never

const tagged = () => [
  shell({ cmd: 'true' }, { name: 'always', tags: ['always'] }),
  shell({ cmd: 'true' }, { name: 'never', tags: ['never'] }),
  shell({ cmd: 'true' }, { name: 'debug only', tags: ['never', 'debug'] }),
  shell({ cmd: 'true' }, { name: 'config', tags: ['config'] }),
  shell({ cmd: 'true' }, { name: 'untagged' }),
];

test('tags: no --tags runs all but `never`; `always` runs under any --tags; `never` runs only when its other tag is asked', async () => {
  const inventory = { all: { hosts: local(['tg']) } };
  assert.equal(taskStarts(await runTasks(tagged(), { inventory })), ['always', 'config', 'untagged']);
  assert.equal(taskStarts(await runTasks(tagged(), { inventory, tags: ['config'] })), ['always', 'config']);
  assert.equal(taskStarts(await runTasks(tagged(), { inventory, tags: ['debug'] })), ['always', 'debug only']);
  assert.equal(taskStarts(await runTasks(tagged(), { inventory, tags: ['never'] })), ['always', 'never', 'debug only']);
  assert.equal(taskStarts(await runTasks(tagged(), { inventory, tags: ['untagged'] })), ['always', 'untagged']);
});

test('tags: --skip-tags always skips `always`; --skip-tags config keeps always; --tags all still leaves `never` out', async () => {
  const inventory = { all: { hosts: local(['tg2']) } };
  assert.equal(taskStarts(await runTasks(tagged(), { inventory, skipTags: ['always'] })), ['config', 'untagged']);
  assert.equal(taskStarts(await runTasks(tagged(), { inventory, skipTags: ['config'] })), ['always', 'untagged']);
  assert.equal(taskStarts(await runTasks(tagged(), { inventory, tags: ['all'] })), ['always', 'config', 'untagged']);
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
