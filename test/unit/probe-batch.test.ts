import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchScript, parseBatch, ProbeCache, MAX_WINDOW } from '../../lib/engine/probe-batch.ts';
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
  assert.equal(results.get(commands[3]), { code: 0, stdout: '\x1efake frame\n', stderr: '' }, 'output that looks like a frame does not confuse the parser');
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
  cache.store('h', new Map([['asked', { code: 0, stdout: 'X', stderr: '' }], ['a', { code: 0, stdout: 'A', stderr: '' }]]), 'asked');
  assert.is(cache.take('h', 'a')?.stdout, 'A');
  assert.is(cache.take('h', 'a')?.stdout, 'A', 'the same probe again (a loop item, another edit of the file) is answered too');
  assert.is(cache.window('h'), Math.min(MAX_WINDOW, start * 2), 'all used: look further ahead');
  cache.store('h', new Map([['b', { code: 0, stdout: '', stderr: '' }]]));
  cache.invalidate('h');
  assert.is(cache.take('h', 'b'), undefined, 'a change drops what was read before');
  assert.ok(cache.window('h') < start * 2, 'wasted results: look less far ahead');
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

test.run();
