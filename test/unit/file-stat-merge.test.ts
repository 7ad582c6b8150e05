/**
 * Merged file probes (lib/probes/file-stat-merge.ts) from answers recorded on a test host
 * (test/fixtures/fileMerge/probe-*.json: the merged command's answer and each single probe's answer,
 * asked one after the other): the split parts are exactly the single probes' answers and parse to the
 * same FileState; output that does not account for every path (a race, a dropped or reordered line,
 * changed content) is not split; paths the format cannot carry are not merged.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures } from '../support/fixtures.ts';
import { fileMergeItems, fileStateJson, PROBE_KINDS, RERECORD } from '../support/probe-recordings.ts';
import { fileStatProbe } from '../../lib/probes/file-stat.ts';
import { splitFileStat } from '../../lib/probes/file-stat-merge.ts';
import type { ExecResult } from '../../lib/core/transport-types.ts';

const { files, load } = fixtures('fileMerge');

for (const f of files.filter((f) => f.startsWith('probe-'))) {
  const fx = load(f);
  test(`probe ${f}: ${fx.description}`, () => {
    assert.ok(fx.result, `${f} was never recorded on a test host`);
    assert.is(PROBE_KINDS.fileMerge.command(fx.probe), fx.command, RERECORD);
    assert.equal(PROBE_KINDS.fileMerge.parse(fx.result, fx.probe), fx.state);
    const singles: { command: string; result: ExecResult }[] = fx.singles;
    assert.is(singles.length, fx.probe.probes.length);
    fx.probe.probes.forEach((p: { path: string; options?: object }, i: number) => {
      assert.is(fileStatProbe(p.path, p.options).command, singles[i].command, RERECORD);
    });
    const parts = splitFileStat(fx.result, fileMergeItems(fx.probe));
    if (fx.state === null) {
      assert.is(parts, undefined);
      return;
    }
    // Each part is what the single probe printed, byte for byte, and parses to the same state.
    assert.ok(parts);
    parts.forEach((part, i) => {
      assert.equal(part, singles[i].result, `${fx.probe.probes[i].path}: split part differs from the single probe's answer`);
      assert.equal(fileStateJson(singles[i].result), fx.state[i]);
    });
  });
}

/** A recorded merged answer with its stdout edited. */
function edited(f: string, edit: (stdout: string) => string): ExecResult[] | undefined {
  const fx = load(f);
  const stdout = edit(fx.result.stdout);
  assert.is.not(stdout, fx.result.stdout, 'the edit changed nothing');
  return splitFileStat({ ...fx.result, stdout }, fileMergeItems(fx.probe));
}

test('output that does not account for every path is not split (the probes then run alone)', () => {
  assert.ok(splitFileStat(load('probe-plain.json').result, fileMergeItems(load('probe-plain.json').probe)));
  // A stat line missing (a path removed between the test and stat): the host's count check says so.
  assert.is(
    edited('probe-plain.json', (s) => s.replace(/^a 0 ok$/m, 'a 1 short')),
    undefined,
  );
  // Two stat lines swapped: the names do not match the paths.
  assert.is(
    edited('probe-plain.json', (s) => s.replace(/^(600 .* \/tmp\/rec\/f)\n(.* \/tmp\/rec\/empty)$/m, '$2\n$1')),
    undefined,
  );
  // A checksum line for another name.
  assert.is(
    edited('probe-plain.json', (s) => s.replace(/ {2}\/tmp\/rec\/sp ace$/m, '  /tmp/rec/other')),
    undefined,
  );
  // A classification line missing or of another kind.
  assert.is(
    edited('probe-plain.json', (s) => s.replace(/^c 3 .*\n/m, '')),
    undefined,
  );
  assert.is(
    edited('probe-plain.json', (s) => s.replace(/^c 0 file /m, 'c 0 sock ')),
    undefined,
  );
  // Trailing output nobody asked for.
  assert.is(
    edited('probe-plain.json', (s) => `${s}x 1\n`),
    undefined,
  );
  // A failed merged command.
  const fx = load('probe-plain.json');
  assert.is(splitFileStat({ ...fx.result, code: 1 }, fileMergeItems(fx.probe)), undefined);
});

test('content that changed after sha256sum read it (a race), or cut at other sizes, is not split', () => {
  assert.ok(splitFileStat(load('probe-content.json').result, fileMergeItems(load('probe-content.json').probe)));
  const b64 = (s: string) => /^x .*\n(.*)$/m.exec(s)![1];
  // One byte different, same length.
  assert.is(
    edited('probe-content.json', (s) => {
      const bytes = Buffer.from(b64(s), 'base64');
      bytes[3] ^= 1;
      return s.replace(b64(s), bytes.toString('base64'));
    }),
    undefined,
  );
  // One byte more (a file that grew).
  assert.is(
    edited('probe-content.json', (s) => s.replace(b64(s), Buffer.concat([Buffer.from(b64(s), 'base64'), Buffer.from('!')]).toString('base64'))),
    undefined,
  );
  // The host streamed another set of files than the sizes and checksums call for.
  assert.is(
    edited('probe-content.json', (s) => s.replace(/^x (\d+) /m, 'x ')),
    undefined,
  );
});

test('paths the merged format cannot carry are probed alone; the others carry their options in the item', () => {
  for (const path of ['/tmp/a\nb', '-', '']) assert.is(fileStatProbe(path).merge, undefined, JSON.stringify(path));
  // /proc and /sys sizes are not their contents: merged only without content.
  for (const path of ['/proc/sys/kernel/ostype', '/sys/kernel/mm', '//proc/x']) {
    assert.is(fileStatProbe(path, { fetchContent: true }).merge, undefined, path);
    assert.ok(fileStatProbe(path).merge, path);
  }
  assert.ok(fileStatProbe('/procfile', { fetchContent: true }).merge);
  const p = fileStatProbe('/etc/x', { follow: true, fetchContent: true, sizeLimit: 10, expectedSha256: 'ab' });
  assert.is(p.merge?.kind, 'file-stat');
  assert.is(p.merge?.item, JSON.stringify(['/etc/x', 1, 1, 'ab', 10]));
  assert.is.not(fileStatProbe('/etc/x').merge?.item, p.merge?.item);
});

test('the merged command runs a fixed number of processes, whatever the number of paths', () => {
  const items = Array.from(
    { length: 64 },
    (_, i) => fileStatProbe(`/etc/hw-bench/file-${i}.conf`, { fetchContent: true, expectedSha256: 'a'.repeat(64) }).merge!.item,
  );
  const command = fileStatProbe('/x').merge!.command(items);
  for (const tool of ['stat -c', 'sha256sum --', 'readlink --', 'cat --', 'base64']) {
    assert.is(command.split(tool).length - 1, 1, `${tool} once`);
  }
});

test.run();
