import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markedPid, takeExitMarker, withExitMarker } from '../../lib/transport/exit-marker.ts';

const sh = (line: string) => spawnSync('/bin/sh', ['-c', withExitMarker(line)], { encoding: 'utf8' });

test('the wrapper keeps the exit status, stdout and stderr, and adds a marked status line', () => {
  const r = sh('echo out; echo err >&2; exit 7');
  assert.is(r.status, 7);
  assert.is(r.stdout, 'out\n');
  assert.equal(takeExitMarker(r.stderr), { stderr: 'err\n', code: 7 });
  assert.is(markedPid(r.stderr), r.pid, "the first stderr line names the shell (the session's process group)");
});

test('exec inside the command replaces only the subshell', () => {
  const r = sh('exec sh -c "exit 3"');
  assert.is(r.status, 3);
  assert.is(takeExitMarker(r.stderr).code, 3);
});

test('stdin still reaches the command', () => {
  const out = execFileSync('/bin/sh', ['-c', withExitMarker('cat')], { input: 'piped', encoding: 'utf8' });
  assert.is(out, 'piped');
});

test('a TERM for the outer shell (an SSH signal request) ends the command and its children at once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hw-marker-'));
  const after = join(dir, 'AFTER');
  // setsid: sshd starts every session's shell as a process group leader.
  const child = spawn('setsid', ['/bin/sh', '-c', withExitMarker(`sleep 2; touch ${after}`)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  await new Promise((r) => setTimeout(r, 300));
  const started = Date.now();
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  assert.ok(Date.now() - started < 1000, `the shell took ${Date.now() - started} ms to end`);
  assert.is(code, 143);
  assert.is(takeExitMarker(stderr).code, 143);
  await new Promise((r) => setTimeout(r, 2500));
  assert.not.ok(existsSync(after), 'the command went on after the signal');
  rmSync(dir, { recursive: true, force: true });
});

test('stderr without a marker is left alone', () => {
  assert.equal(takeExitMarker('plain\n'), { stderr: 'plain\n' });
  assert.equal(takeExitMarker('x\x1ehostwright-exit:abc\n'), { stderr: 'x\x1ehostwright-exit:abc\n' });
});

test.run();
