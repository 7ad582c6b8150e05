/**
 * Interrupting a run on the local transport (the CLI as a child process, real signals, real shell): the
 * first SIGINT/SIGTERM starts no new task, ends the command in flight and its children (process group),
 * prints `interrupted` and the recap, exits 130/143; `--json` has an `interrupted` event before the recap;
 * a second signal exits at once. The command's later `touch AFTER` never happens.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { startChild, waitFor } from '../support/child.ts';

const dir = mkdtempSync(join(tmpdir(), 'hw-interrupt-'));
const inventory = join(dir, 'inventory.yml');
writeFileSync(inventory, stringify({ all: { hosts: { localhost: { ansible_connection: 'local' } } } }));
let n = 0;

/** A command that says it started, then would touch AFTER 3 s later, and the paths it uses. */
function longCommand() {
  const sub = join(dir, `case-${++n}`);
  const started = join(dir, `${n}-STARTED`);
  const after = join(dir, `${n}-AFTER`);
  // A child of a child: only killing the process group ends it.
  return { sub, started, after, cmd: `touch ${started}; sh -c 'sleep 3; touch ${after}' & wait` };
}

const settle = () => new Promise((r) => setTimeout(r, 3500));

test('ad-hoc: SIGTERM ends the command and its children, prints interrupted and the recap, exits 143', async () => {
  const c = longCommand();
  const child = startChild('lib/bin.ts', ['all', '-i', inventory, '-m', 'shell', '-a', c.cmd]);
  await waitFor('the command to start', () => existsSync(c.started));
  const signalled = Date.now();
  child.proc.kill('SIGTERM');
  assert.is(await child.exited, 143, child.stdout() + child.stderr());
  assert.ok(Date.now() - signalled < 3000, `exit took ${Date.now() - signalled} ms`);
  const out = child.stdout();
  assert.match(out, /\ninterrupted: SIGTERM: no task was started after it/);
  assert.match(out, /interrupted: [^]*PLAY RECAP[^]*localhost : ok=0 changed=0 unreachable=0 failed=1 skipped=0/);
  assert.match(child.stderr(), /SIGTERM: interrupting/);
  await settle();
  assert.not.ok(existsSync(c.after), 'a child of the command ran on after the interruption');
});

test('playbook --json: SIGINT exits 130, the next task never starts, an interrupted event comes before the recap', async () => {
  const c = longCommand();
  const target = join(dir, 'after-task');
  const child = startChild('test/support/interrupt-playbook.ts', ['-i', inventory, '--json'], { HW_MODE: 'sleep', HW_CMD: c.cmd, HW_PATH: target });
  await waitFor('the command to start', () => existsSync(c.started));
  child.proc.kill('SIGINT');
  assert.is(await child.exited, 130, child.stderr());
  const events = child
    .stdout()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const kinds = events.map((e) => e.event);
  assert.equal(kinds.slice(-3), ['interrupted', 'stats', 'recap']);
  assert.is(events.at(-3).signal, 'SIGINT');
  assert.equal(
    events.filter((e) => e.event === 'task-start').map((e) => e.task),
    ['long command'],
    'the task after it never started',
  );
  await settle();
  assert.not.ok(existsSync(target), 'the task after the interruption wrote its file');
  assert.not.ok(existsSync(c.after));
});

test('a second signal exits at once, before the grace ends, and still ends the local commands', async () => {
  const c = longCommand();
  // The command ignores TERM: only the second signal's KILL of its process group ends it.
  const child = startChild('lib/bin.ts', ['all', '-i', inventory, '-m', 'shell', '-a', `trap '' TERM; ${c.cmd}`]);
  await waitFor('the command to start', () => existsSync(c.started));
  child.proc.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 200));
  const second = Date.now();
  child.proc.kill('SIGINT');
  assert.is(await child.exited, 130);
  assert.ok(Date.now() - second < 1000, `the second signal took ${Date.now() - second} ms`);
  assert.not.match(child.stdout(), /PLAY RECAP/, 'no recap: it exited at once');
  await settle();
  assert.not.ok(existsSync(c.after), 'the command ran on after the second signal');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
