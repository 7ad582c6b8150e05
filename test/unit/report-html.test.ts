/**
 * The HTML report without a browser: the model built from events, the self-contained document (no
 * external URL, data that cannot end its script element), the committed page bundle is what the build
 * produces, `hostwright report` from a saved --json stream, and --detailed-exitcode's verdict.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { RunEvent } from '../../lib/core/run-events.ts';
import { htmlReport, readEventStream, reportModel } from '../../lib/report/html/index.ts';
import { detailedExitCode, EXIT_PENDING_CHANGES } from '../../lib/report/exit-code.ts';
import { hostwrightMain } from '../../lib/cli/main.ts';
import { buildReportUi } from '../../scripts/build-report-ui.ts';

const dir = mkdtempSync(join(tmpdir(), 'hw-report-'));
const events: RunEvent[] = [
  { event: 'run-start', playbook: 'demo', check: false, diff: true, time: '2026-01-01T00:00:00.000Z' },
  { event: 'play-start', play: 'web', pattern: 'all', hosts: ['a', 'b'] },
  { event: 'task-start', play: 'web', task: 'config', handler: false, hosts: ['a', 'b'] },
  {
    event: 'host-result',
    host: 'a',
    task: 'config',
    handler: false,
    status: 'changed',
    message: 'content of /etc/x',
    module: 'file',
    diff: [
      { kind: 'file', path: '/etc/x', before: 'old\n', after: 'new </script>\n' },
      { kind: 'state', key: 'mode', before: '0600', after: '0644' },
    ],
    startedAt: 1000,
    durationMs: 40,
  },
  {
    event: 'host-result',
    host: 'b',
    task: 'config',
    handler: false,
    status: 'failed',
    message: 'boom',
    module: 'file',
    error: { kind: 'TaskFailedError', message: 'boom', command: 'cat /x', code: 3, stderr: 'no such file' },
    startedAt: 1005,
    durationMs: 10,
  },
  { event: 'task-start', play: 'web', task: 'restart', handler: true, hosts: ['a'] },
  { event: 'host-result', host: 'a', task: 'restart', handler: true, status: 'changed', message: 'restarted', startedAt: 1100, durationMs: 200 },
  {
    event: 'recap',
    hosts: {
      a: { ok: 2, changed: 2, unreachable: 0, failed: 0, skipped: 0, ignored: 0 },
      b: { ok: 0, changed: 0, unreachable: 0, failed: 1, skipped: 0, ignored: 0 },
    },
  },
];

test('the model: hosts, task instances in order, rows with times from the first start, diffs split', () => {
  const m = reportModel(events);
  assert.equal(m.hosts, ['a', 'b']);
  assert.equal(
    m.tasks.map((t) => [t.name, t.handler, t.rows.length]),
    [
      ['config', false, 2],
      ['restart', true, 1],
    ],
  );
  assert.is(m.tasks[0].rows[1].start, 5);
  assert.is(m.spanMs, 300);
  assert.match(m.tasks[0].rows[0].patch!, /^--- \/etc\/x/m);
  assert.match(m.tasks[0].rows[0].patch!, /^\+new <\/script>$/m);
  assert.equal(m.tasks[0].rows[0].states, [{ key: 'mode', before: '0600', after: '0644' }]);
  assert.is(m.tasks[0].module, 'file');
  assert.is(m.tasks[0].rows[1].error!.code, 3);
});

test('the document is self-contained and its data cannot close the script element', () => {
  const html = htmlReport(events);
  assert.not.match(html, /(src|href)=["']?(https?:)?\/\//);
  assert.not.match(html, /@import|url\(\s*["']?https?:/);
  const data = /<script type="application\/json" id="hw-data">([\s\S]*?)<\/script>/.exec(html)![1];
  assert.not.ok(data.includes('</script'), 'raw </script> in the data');
  assert.is(JSON.parse(data).tasks.length, 2);
  assert.ok(Buffer.byteLength(html) < 200_000, `bundle too large: ${Buffer.byteLength(html)}`);
});

test('the committed page bundle is what scripts/build-report-ui.ts builds from report-ui/', async () => {
  const out = mkdtempSync(join(tmpdir(), 'hw-ui-'));
  await buildReportUi(out);
  const assets = new URL('../../lib/report/html/assets/', import.meta.url);
  for (const f of ['report-ui.js', 'report-ui.css'])
    assert.ok(readFileSync(join(out, f), 'utf8') === readFileSync(new URL(f, assets), 'utf8'), `${f} is stale: run node scripts/build-report-ui.ts`);
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'report-ui/tsconfig.json', '--noEmit'], { encoding: 'utf8' });
  assert.is(tsc.status, 0, tsc.stdout + tsc.stderr);
});

test('hostwright report: a saved --json stream becomes the report; bad streams exit 5 naming the line', async () => {
  const file = join(dir, 'events.ndjson');
  writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  let err = '';
  const e = { write: (s: string) => ((err += s), true) } as any;
  const o = { write: () => true } as any;
  const out = join(dir, 'r.html');
  assert.is(await hostwrightMain(['report', file, '-o', out], o, e), 0, err);
  assert.match(readFileSync(out, 'utf8'), /"name":"restart"/);
  writeFileSync(join(dir, 'bad.ndjson'), JSON.stringify(events[0]) + '\nnot json\n');
  assert.is(await hostwrightMain(['report', join(dir, 'bad.ndjson'), '-o', out], o, e), 5);
  assert.match(err, /bad\.ndjson:2: not JSON/);
  assert.throws(() => readEventStream('{"a":1}\n', 'x'), /x:1: not a hostwright event/);
  assert.is(await hostwrightMain(['report', join(dir, 'missing.ndjson'), '-o', out], o, e), 5);
});

test('--detailed-exitcode: 3 only when the run succeeded and some host changed (or would)', () => {
  assert.is(EXIT_PENDING_CHANGES, 3);
  assert.is(detailedExitCode(0, { a: { changed: 0 }, b: { changed: 0 } }), 0);
  assert.is(detailedExitCode(0, { a: { changed: 0 }, b: { changed: 2 } }), 3);
  assert.is(detailedExitCode(2, { a: { changed: 1 } }), 2);
  assert.is(detailedExitCode(4, { a: { changed: 0 } }), 4);
});

test.run();
