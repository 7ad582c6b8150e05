import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { takeExitMarker, withExitMarker } from '../../lib/transport/exit-marker.ts';

const sh = (line: string) => spawnSync('/bin/sh', ['-c', withExitMarker(line)], { encoding: 'utf8' });

test('the wrapper keeps the exit status, stdout and stderr, and adds a marked status line', () => {
  const r = sh('echo out; echo err >&2; exit 7');
  assert.is(r.status, 7);
  assert.is(r.stdout, 'out\n');
  assert.equal(takeExitMarker(r.stderr), { stderr: 'err\n', code: 7 });
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

test('stderr without a marker is left alone', () => {
  assert.equal(takeExitMarker('plain\n'), { stderr: 'plain\n' });
  assert.equal(takeExitMarker('x\x1ehostwright-exit:abc\n'), { stderr: 'x\x1ehostwright-exit:abc\n' });
});

test.run();
