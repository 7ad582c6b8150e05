/**
 * command and shell through the whole engine on the local transport, in a temporary directory: guards
 * decide (first run changed, second ok), check mode runs nothing, unguarded commands are always
 * changed, results reach `register`, failures name host, command, exit code and stderr.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command, shell } from '../../lib/tasks/command.ts';
import type { HostVars, Task, TaskOutcome } from '../../lib/core/task-options.ts';
import { hostResults, localInventory, runTasks, statuses } from '../support/run.ts';

const dir = mkdtempSync(join(tmpdir(), 'hostwright-command-'));
const inventory = localInventory(['local1']);
const run = (tasks: Task[], options: { check?: boolean; diff?: boolean } = {}) => runTasks(tasks, { inventory, ...options });

/** A task that records a registered variable (through `when`, which sees the host's variables) and is skipped. */
function capture(name: string, into: Record<string, unknown>): Task {
  return command({ cmd: ['true'] }, { name: `capture ${name}`, when: (h: HostVars) => ((into[name] = h.vars[name]), false) });
}

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('creates: first run changed, second ok with the reason, check on a fresh path runs nothing', async () => {
  const marker = join(dir, 'made');
  const task = shell({ cmd: 'echo built > made', chdir: dir, creates: 'made' });
  const check = await run([task], { check: true });
  assert.equal(statuses(check, 'local1'), ['changed'], 'check predicts the change');
  assert.is(existsSync(marker), false, 'check mode ran nothing');
  const first = await run([task]);
  assert.equal(statuses(first, 'local1'), ['changed']);
  assert.is(readFileSync(marker, 'utf8'), 'built\n');
  const second = await run([task]);
  assert.equal(statuses(second, 'local1'), ['ok']);
  assert.is(hostResults(second, 'local1')[0].message, 'made exists');
  assert.is(second.exitCode, 0);
});

test('unguarded: always changed; check mode reports may-change and does not run it', async () => {
  const log = join(dir, 'log');
  const task = shell({ cmd: `echo ran >> ${log}` });
  const check = await run([task], { check: true });
  assert.equal(statuses(check, 'local1'), ['may-change']);
  assert.match(hostResults(check, 'local1')[0].message, /not run in check mode/);
  assert.is(existsSync(log), false);
  assert.equal(statuses(await run([task]), 'local1'), ['changed']);
  assert.equal(statuses(await run([task]), 'local1'), ['changed'], 'not idempotent: changed again');
  assert.is(readFileSync(log, 'utf8'), 'ran\nran\n');
});

test('unless and removes decide from the host, in check mode too', async () => {
  const flag = join(dir, 'flag');
  const create = command({ cmd: ['touch', flag], unless: `test -e ${flag}` });
  const remove = command({ cmd: ['rm', flag], removes: flag });
  assert.equal(statuses(await run([create, remove], { check: true }), 'local1'), ['changed', 'ok'], 'remove: the flag does not exist yet');
  assert.equal(statuses(await run([create]), 'local1'), ['changed']);
  const again = await run([create, remove], { check: true });
  assert.equal(statuses(again, 'local1'), ['ok', 'changed']);
  assert.match(hostResults(again, 'local1')[0].message, /^unless succeeded: test -e /);
  assert.equal(statuses(await run([remove]), 'local1'), ['changed']);
  assert.is(existsSync(flag), false);
});

test('register gets rc, stdout (trailing newline stripped), stdout_lines and stderr; stdin, env and chdir apply', async () => {
  const seen: Record<string, unknown> = {};
  const result = await run([
    shell(
      { cmd: 'cat; echo "$GREETING from $(pwd)"; echo warn >&2', stdin: 'line one\n', env: { GREETING: "it's me" }, chdir: dir },
      { register: 'out' },
    ),
    capture('out', seen),
  ]);
  assert.equal(statuses(result, 'local1'), ['changed', 'skipped']);
  const out = seen.out as TaskOutcome;
  assert.is(out.rc, 0);
  assert.is(out.stdout, `line one\nit's me from ${dir}`);
  assert.equal(out.stdout_lines, ['line one', `it's me from ${dir}`]);
  assert.is(out.stderr, 'warn');
  assert.is(out.changed, true);
});

test('argv is passed without a shell: metacharacters stay literal', async () => {
  const seen: Record<string, unknown> = {};
  await run([command({ cmd: ['printf', '%s|', '$(id)', "it's", '*'], chdir: dir }, { register: 'argv' }), capture('argv', seen)]);
  assert.is((seen.argv as TaskOutcome).stdout, `$(id)|it's|*|`);
  await run([command({ cmd: `printf '%s|' "a b" 'c d'` }, { register: 'split' }), capture('split', seen)]);
  assert.is((seen.split as TaskOutcome).stdout, 'a b|c d|');
});

test('a failing command fails the host with host, command, exit code and the tail of stderr', async () => {
  const result = await run([shell({ cmd: 'echo "disk on fire" >&2; exit 3' }), shell({ cmd: 'echo never' })]);
  assert.is(result.exitCode, 2);
  assert.equal(statuses(result, 'local1'), ['failed'], 'the host left the play');
  const error = hostResults(result, 'local1')[0].error!;
  assert.match(error.message, /^local1: shell echo "disk on fire" >&2; exit 3: exit 3: disk on fire$/);
  assert.is(error.code, 3);
  assert.is(error.command, 'echo "disk on fire" >&2; exit 3');
  const missing = await run([command({ cmd: ['no-such-program-hw'] })]);
  assert.match(hostResults(missing, 'local1')[0].error!.message, /exit 127: .*no-such-program-hw.*not found/);
});

test('failedWhen and changedWhen judge the result', async () => {
  const result = await run([
    // grep exits 1 when nothing matches: not a failure here.
    command({ cmd: ['grep', '-c', 'nomatch', '/etc/hostname'], failedWhen: (r) => r.rc > 1, changedWhen: () => false }),
    shell({ cmd: 'echo changed-nothing', changedWhen: (r) => !r.stdout.includes('nothing') }),
    shell({ cmd: 'echo ERROR: bad config', failedWhen: (r) => r.stdout.startsWith('ERROR') }),
  ]);
  assert.equal(statuses(result, 'local1'), ['ok', 'ok', 'failed']);
  assert.match(hostResults(result, 'local1')[2].error!.message, /failedWhen returned true \(exit 0\): ERROR: bad config/);
});

test('timeout kills a hanging command', async () => {
  const started = Date.now();
  const result = await run([shell({ cmd: 'sleep 20', timeout: 0.5 })]);
  assert.equal(statuses(result, 'local1'), ['failed']);
  assert.match(hostResults(result, 'local1')[0].message, /timed out after 500 ms/);
  assert.ok(Date.now() - started < 30_000, 'sanity: it did not wait for the sleep');
});

test('shell executable: bash with pipefail', async () => {
  const result = await run([shell({ cmd: 'set -o pipefail; false | cat', executable: '/bin/bash' })]);
  assert.equal(statuses(result, 'local1'), ['failed']);
  assert.is(hostResults(result, 'local1')[0].error!.code, 1);
});

test('bad arguments are refused before anything runs', async () => {
  const marker = join(dir, 'never');
  assert.throws(() => run([shell({ cmd: `touch ${marker}` }), command({ cmd: 'echo a > b' })]), /unquoted ">"/);
  // Deferred arguments are checked per host before the task runs: the host fails, nothing else runs.
  const result = await run([command(() => ({ cmd: ['touch', marker], chdir: 'relative' }))]);
  assert.equal(statuses(result, 'local1'), ['failed']);
  assert.match(hostResults(result, 'local1')[0].message, /argument "chdir"/);
  assert.is(existsSync(marker), false);
});

test.run();
