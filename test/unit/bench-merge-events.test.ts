/** Shard streams merged into one run's stream (bench/shard/merge-events.ts). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mergeShards, parseStream } from '../../bench/shard/merge-events.ts';

const stats = (hosts: number, tasks: number, roundTrips: number, durationMs: number, peakRssBytes: number) => ({
  hosts,
  tasks,
  roundTrips,
  bytesSent: 100 * hosts,
  bytesReceived: 10 * hosts,
  connectMs: 5 * hosts,
  connections: hosts,
  durationMs,
  peakRssBytes,
  roundTripsPerTask: roundTrips / tasks,
  probesAnsweredAhead: tasks - roundTrips,
});
const shard = (name: string, time: string, hosts: string[], durationMs: number, rss: number) =>
  parseStream(
    name,
    [
      { event: 'run-start', playbook: 'site', check: false, diff: false, time },
      { event: 'play-start', play: 'p', pattern: 'all', hosts },
      ...hosts.map((h) => ({ event: 'host-result', host: h, task: 't', handler: false, status: 'ok', message: 'ok', startedAt: 1, durationMs: 2 })),
      { event: 'stats', stats: stats(hosts.length, hosts.length * 10, hosts.length, durationMs, rss) },
      { event: 'recap', hosts: Object.fromEntries(hosts.map((h) => [h, { ok: 10, changed: 0, unreachable: 0, failed: 0, skipped: 0, ignored: 0 }])) },
    ]
      .map((e) => JSON.stringify(e))
      .join('\n') + '\n',
  );

test('one run-start (earliest), every shard body, summed counters, the largest time and memory, every host', () => {
  const merged = mergeShards([shard('b', '2026-01-01T00:00:02Z', ['h3'], 900, 90), shard('a', '2026-01-01T00:00:01Z', ['h1', 'h2'], 700, 120)]);
  assert.equal(
    merged.map((e) => e.event),
    ['run-start', 'play-start', 'host-result', 'play-start', 'host-result', 'host-result', 'stats', 'recap'],
  );
  assert.is(merged[0].time, '2026-01-01T00:00:01Z');
  const s = merged.find((e) => e.event === 'stats')!.stats;
  assert.equal([s.hosts, s.tasks, s.roundTrips, s.connections, s.durationMs, s.peakRssBytes, s.bytesSent], [3, 30, 3, 3, 900, 120, 300]);
  assert.is(s.roundTripsPerTask, 0.1);
  assert.equal(Object.keys(merged.at(-1)!.hosts).sort(), ['h1', 'h2', 'h3']);
});

test('overlapping slices and unfinished streams are refused, naming the file', () => {
  assert.throws(() => mergeShards([shard('a', 't', ['h1'], 1, 1), shard('b', 't', ['h1'], 1, 1)]), /b: host h1 is also in a/);
  assert.throws(() => mergeShards([parseStream('c.ndjson', '{"event":"run-start"}\n')]), /c\.ndjson: no recap event/);
  assert.throws(() => parseStream('d.ndjson', '{"event":"run-start"}\nnot json\n'), /d\.ndjson:2/);
});

test.run();
