/**
 * script: the guard plan (creates/removes decide, in check mode too; no guard: changed, "may change" in
 * check mode), the shell text of the run (private 0700 temporary file, removed by the trap, arguments
 * quoted, stdin closed), a real run with the local connection, and the refusals. The guard probe is the
 * `command` one, whose answers are recorded from a test host in test/fixtures/command/.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtures } from '../support/fixtures.ts';
import { commandGuardProbe } from '../../lib/probes/command-guard.ts';
import { planScript, script, scriptRunCommand } from '../../lib/tasks/script.ts';
import { hostResults, localInventory, runTasks, statuses } from '../support/run.ts';
import { findModule } from '../../lib/adhoc/modules.ts';
import { parseModuleArgs } from '../../lib/adhoc/args.ts';

const real = { check: false, earlierChangePredicted: false };
const check = { check: true, earlierChangePredicted: false };
const dir = mkdtempSync(join(tmpdir(), 'hw-script-unit-'));
const path = join(dir, 'setup.sh');
writeFileSync(path, '#!/bin/sh\n{ echo "args:$#:$1:$2"; echo "cwd:$(pwd)"; echo "env:$GREETING"; } > "$MARK"\n');
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('plan: the recorded guard answers decide, in check mode too', () => {
  const { load } = fixtures('command');
  const creates = load('probe-creates-exists.json');
  assert.equal(planScript({ cmd: path, creates: creates.probe.creates }, creates.state, real), {
    status: 'ok',
    reason: `${creates.probe.creates} exists`,
  });
  assert.equal(planScript({ cmd: path, creates: '/nope' }, { chdirExists: true, creates: false }, check), {
    status: 'change',
    summary: `run script ${path} (/nope does not exist)`,
  });
  assert.equal(planScript({ cmd: path, removes: '/nope' }, { chdirExists: true, removes: false }, real), {
    status: 'ok',
    reason: '/nope does not exist',
  });
  assert.equal(planScript({ cmd: path }, undefined, real), { status: 'change', summary: `run script ${path}` });
  assert.is(planScript({ cmd: path }, undefined, check).status, 'may-change');
  assert.is(planScript({ cmd: path, chdir: '/x', creates: 'y' }, { chdirExists: false }, real).status, 'failed');
  assert.is(
    planScript({ cmd: path, chdir: '/x', creates: 'y' }, { chdirExists: false }, { check: true, earlierChangePredicted: true }).status,
    'may-change',
  );
  // The probe is the command guard probe, as recorded.
  assert.is(commandGuardProbe(creates.probe)!.command, creates.command);
});

test('run text: private temporary file, removed by the trap, arguments quoted, stdin closed', () => {
  const text = scriptRunCommand({ cmd: `${path} 'a b' '$HOME'`, chdir: '/srv', executable: '/bin/bash -e', env: { A: "it's" } });
  assert.match(text, /mktemp "\$\{TMPDIR:-\/tmp\}\/\.hostwright-script\.XXXXXX"/);
  assert.match(text, /trap 'rm -f -- "\$s"' EXIT/);
  assert.match(text, /chmod 0700 "\$s"/);
  assert.match(text, /cd -- \/srv \|\| exit 127/);
  assert.match(text, /\( export A='it'\\''s'; exec \/bin\/bash -e "\$s" 'a b' '\$HOME' \) <\/dev\/null$/);
});

test('a real run with the local connection: arguments, chdir, env; creates makes the second run ok', async () => {
  const mark = join(dir, 'mark');
  const inventory = localInventory(['here']);
  const task = script({ cmd: `${path} 'one two' three`, chdir: dir, creates: mark, env: { GREETING: 'hi', MARK: mark } });
  const c = await runTasks([task], { inventory, check: true });
  assert.equal(statuses(c, 'here'), ['changed']);
  assert.is(existsSync(mark), false, 'check mode runs nothing');
  const first = await runTasks([task], { inventory });
  assert.equal(statuses(first, 'here'), ['changed']);
  assert.is(readFileSync(mark, 'utf8'), `args:2:one two:three\ncwd:${dir}\nenv:hi\n`);
  assert.equal(statuses(await runTasks([task], { inventory }), 'here'), ['ok']);
  const left = readdirSync(tmpdir()).filter((f) => f.startsWith('.hostwright-script.'));
  assert.equal(left, [], 'the temporary script is removed');
});

test('a failing script fails the task with its words', async () => {
  const bad = join(dir, 'bad.sh');
  writeFileSync(bad, 'echo broken >&2; exit 3\n');
  const r = await runTasks([script({ cmd: bad })], { inventory: localInventory(['here']) });
  assert.equal(statuses(r, 'here'), ['failed']);
  assert.match(hostResults(r, 'here')[0].message, /script .*bad\.sh: exit 3: broken/);
});

test('bad arguments are refused when the task is defined; the ad-hoc free form', () => {
  assert.throws(() => script({ cmd: join(dir, 'missing.sh') }), /does not exist on this machine/);
  assert.throws(() => script({ cmd: `${path} 'unterminated` }), /unterminated single quote/);
  assert.throws(() => script({ cmd: dir }), /not a regular file/);
  assert.throws(() => script({ cmd: path, env: { 'A-B': 'x' } }), /env/);
  const m = findModule('script');
  assert.equal(parseModuleArgs(`${path} --fast creates=/x`, m.type, m.args), { cmd: `${path} --fast`, creates: '/x' });
  assert.ok(readFileSync(path, 'utf8').startsWith('#!'));
  chmodSync(path, 0o644); // the local file needs no execute bit: the host copy gets 0700
});

test.run();
