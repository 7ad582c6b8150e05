import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchScript, parseBatch, ProbeCache, MAX_WINDOW, probeInOneTrip } from '../../lib/engine/probe-batch.ts';
import { unitShowMerge } from '../../lib/probes/systemd-unit.ts';
import type { ExecResult } from '../../lib/core/transport-types.ts';
import { file } from '../../lib/tasks/file.ts';
import { runTasks, statuses } from '../support/run.ts';

const commands = ['echo out; echo err >&2; exit 3', 'printf "no newline"', 'cat', "printf '\\036fake frame\\n'", 'true'];

test('one script runs every probe and frames stdout, exit code and stderr exactly', () => {
  const r = spawnSync('/bin/sh', ['-c', batchScript(commands, 'tok123')], { input: 'never read', encoding: 'utf8' });
  assert.is(r.status, 0);
  const results = parseBatch(commands, r.stdout, 'tok123');
  assert.equal(results.get(commands[0]), { code: 3, stdout: 'out\n', stderr: 'err\n' });
  assert.equal(results.get(commands[1]), { code: 0, stdout: 'no newline', stderr: '' });
  assert.equal(results.get(commands[2]), { code: 0, stdout: '', stderr: '' }, 'stdin is closed for probes');
  assert.equal(
    results.get(commands[3]),
    { code: 0, stdout: '\x1efake frame\n', stderr: '' },
    'output that looks like a frame does not confuse the parser',
  );
  assert.equal(results.get(commands[4]), { code: 0, stdout: '', stderr: '' });
});

test('a truncated batch yields only the complete frames', () => {
  const r = spawnSync('/bin/sh', ['-c', batchScript(commands, 'tok')], { encoding: 'utf8' });
  const cut = r.stdout.slice(0, r.stdout.indexOf('\x1etok 2\n'));
  const results = parseBatch(commands, cut, 'tok');
  assert.equal([...results.keys()], commands.slice(0, 2));
});

test('the cache answers until the host changes, and the window adapts to how useful it was', () => {
  const cache = new ProbeCache();
  const start = cache.window('h');
  cache.store(
    'h',
    new Map([
      ['asked', { code: 0, stdout: 'X', stderr: '' }],
      ['a', { code: 0, stdout: 'A', stderr: '' }],
    ]),
    'asked',
  );
  assert.is(cache.take('h', 'a')?.stdout, 'A');
  assert.is(cache.take('h', 'a')?.stdout, 'A', 'the same probe again (a loop item, another edit of the file) is answered too');
  assert.is(cache.window('h'), Math.min(MAX_WINDOW, start * 2), 'all used: look further ahead');
  cache.store('h', new Map([['b', { code: 0, stdout: '', stderr: '' }]]));
  cache.invalidate();
  assert.is(cache.take('h', 'b'), undefined, 'a change drops what was read before');
  assert.ok(cache.window('h') < start * 2, 'wasted results: look less far ahead');
  const before = cache.generation;
  cache.invalidate('h');
  cache.store('h', new Map([['late', { code: 0, stdout: '', stderr: '' }]]), 'late', before);
  assert.not.ok(cache.has('h', 'late'), 'a batch sent before a change on the host is not kept');
});

test('a change on another host keeps local probes and drops those that may read other hosts', () => {
  const cache = new ProbeCache();
  const r = { code: 0, stdout: '', stderr: '' };
  cache.store(
    'a',
    new Map([
      ['stat /etc/x', r],
      ['curl http://b/', r],
    ]),
    undefined,
    cache.generation,
    new Set(['stat /etc/x']),
  );
  cache.invalidate('b');
  assert.ok(cache.has('a', 'stat /etc/x'), 'a file on host a is still as read');
  assert.not.ok(cache.has('a', 'curl http://b/'), 'a URL may be served by host b');
  const sent = cache.generation;
  cache.invalidate('b');
  cache.store(
    'a',
    new Map([
      ['stat /etc/y', r],
      ['curl http://b/', r],
    ]),
    undefined,
    sent,
    new Set(['stat /etc/y']),
  );
  assert.ok(cache.has('a', 'stat /etc/y'), "a batch that crossed another host's change keeps its local probes");
  assert.not.ok(cache.has('a', 'curl http://b/'));
  cache.invalidate('a');
  assert.not.ok(cache.has('a', 'stat /etc/x'), 'a change on the host drops everything');
});

test('a no-op run probes many tasks per round trip; a changing run stays correct', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hw-batch-'));
  const tasks = () => Array.from({ length: 12 }, (_, i) => file({ path: join(dir, `f${i}`), content: `${i}\n` }));
  const inventory = { all: { hosts: { b1: { ansible_connection: 'local' } } } };
  const first = await runTasks(tasks(), { inventory });
  assert.equal(statuses(first, 'b1'), Array(12).fill('changed'));
  const again = await runTasks(tasks(), { inventory });
  assert.equal(statuses(again, 'b1'), Array(12).fill('ok'));
  assert.ok(again.stats.roundTrips <= 2, `no-op: ${again.stats.roundTrips} round trips for 12 tasks`);
  assert.ok(again.stats.probesAnsweredAhead >= 11);
  rmSync(dir, { recursive: true, force: true });
});

test('a run-once task is probed ahead on the host that runs it, and only there', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hw-batch-once-'));
  const tasks = () => [
    file({ path: join(dir, 'a'), content: 'a\n' }),
    file({ path: join(dir, 'once'), content: 'once\n' }, { runOnce: true }),
    file({ path: join(dir, 'b'), content: 'b\n' }),
  ];
  const inventory = { all: { hosts: { o1: { ansible_connection: 'local' }, o2: { ansible_connection: 'local' } } } };
  assert.is((await runTasks(tasks(), { inventory })).exitCode, 0);
  const again = await runTasks(tasks(), { inventory });
  assert.equal(statuses(again, 'o1'), ['ok', 'ok', 'ok']);
  // o1: one batch for all three tasks; o2: one for its two (it never runs the run-once task).
  assert.is(again.stats.roundTrips, 2, `no-op: ${again.stats.roundTrips} round trips`);
  assert.is(again.stats.probesAnsweredAhead, 3);
  rmSync(dir, { recursive: true, force: true });
});

test('probes of one merge kind travel as one command and come back split per probe', async () => {
  // A host whose `systemctl show` answers for three units in one call (recorded shape: blocks between blank lines).
  const sent: string[] = [];
  const host = {
    exec: async (script: string): Promise<ExecResult> => {
      sent.push(script);
      const local = script.replace('[ -d /run/systemd/system ] || { echo systemd=no; exit 0; }', 'true');
      const r = spawnSync(
        '/bin/sh',
        [
          '-c',
          local.replace(
            /systemctl show [^\n]*/,
            "printf 'Id=a.service\\nLoadState=loaded\\n\\nId=b.service\\nLoadState=not-found\\n\\nId=c.service\\nLoadState=loaded\\n'",
          ),
        ],
        { encoding: 'utf8' },
      );
      return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
    },
  };
  const probe = (u: string) => ({ command: `show ${u}`, merge: { ...unitShowMerge, item: u } });
  const results = await probeInOneTrip(host, [probe('a.service'), probe('b.service'), { command: 'echo single' }, probe('c.service')]);
  assert.is(sent.length, 1, 'one round trip');
  assert.is((sent[0].match(/systemctl show/g) ?? []).length, 1, 'one systemctl for three units');
  assert.match(sent[0], /systemctl show -p \S+ -- a\.service b\.service c\.service/);
  assert.is(results.get('show b.service')?.stdout, 'Id=b.service\nLoadState=not-found\n');
  assert.is(results.get('show c.service')?.stdout, 'Id=c.service\nLoadState=loaded\n');
  assert.is(results.get('echo single')?.stdout, 'single\n');
  assert.is(
    unitShowMerge.split({ code: 0, stdout: 'Id=a\n', stderr: '' }, ['a', 'b']),
    undefined,
    'output that does not split safely is not guessed at',
  );
});

test.run();
