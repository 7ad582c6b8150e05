/**
 * One run's `--json` events from several controllers (shards: each ran the same playbook on a `--limit`
 * slice of the fleet) merged into one stream, as if one controller had run it: one `run-start` (the
 * earliest), every shard's events in shard order, one `stats` (counters summed; engine time and peak
 * memory the largest of any shard) and one `recap` (every host). `hostwright report merged.ndjson -o
 * report.html` and anything else that reads a `--json` stream read it as they read one run's.
 *
 *   node bench/shard/merge-events.ts shard-0.ndjson shard-1.ndjson ... > merged.ndjson
 *
 * Exit 5 naming the file when a stream is not a finished run (no `recap`), or when two shards report the
 * same host (overlapping `--limit` slices).
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { RunEvent, RunStats } from '../../lib/index.ts';

type Ev = RunEvent & Record<string, any>;

/** A shard's stream, parsed. */
export interface ShardStream {
  name: string;
  events: Ev[];
}

/** Parses one JSON Lines stream (blank lines ignored); throws naming the file and line of a bad line. */
export function parseStream(name: string, text: string): ShardStream {
  const events: Ev[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      events.push(JSON.parse(line) as Ev);
    } catch {
      throw new Error(`${name}:${i + 1}: not a JSON event line`);
    }
  });
  return { name, events };
}

/** Sums the shards' counters (engine time and peak memory: the largest shard's). */
export function mergeStats(all: readonly RunStats[]): RunStats {
  const sum = (k: keyof RunStats) => all.reduce((a, s) => a + (s[k] ?? 0), 0);
  const tasks = sum('tasks');
  const roundTrips = sum('roundTrips');
  return {
    hosts: sum('hosts'),
    tasks,
    roundTrips,
    bytesSent: sum('bytesSent'),
    bytesReceived: sum('bytesReceived'),
    connectMs: sum('connectMs'),
    connections: sum('connections'),
    durationMs: Math.max(0, ...all.map((s) => s.durationMs)),
    peakRssBytes: Math.max(0, ...all.map((s) => s.peakRssBytes)),
    roundTripsPerTask: tasks ? roundTrips / tasks : 0,
    probesAnsweredAhead: sum('probesAnsweredAhead'),
  };
}

/** Merges finished shard streams into one run's stream (see the module comment). */
export function mergeShards(shards: readonly ShardStream[]): Ev[] {
  if (shards.length === 0) throw new Error('no event streams given');
  const starts: Ev[] = [];
  const body: Ev[] = [];
  const stats: RunStats[] = [];
  const recap: Record<string, unknown> = {};
  const owner = new Map<string, string>();
  for (const shard of shards) {
    const end = shard.events.find((e) => e.event === 'recap');
    if (!end) throw new Error(`${shard.name}: no recap event: not the --json output of a finished run`);
    for (const e of shard.events) {
      if (e.event === 'run-start') starts.push(e);
      else if (e.event === 'stats') stats.push(e.stats);
      else if (e.event === 'recap') {
        for (const [host, counts] of Object.entries(e.hosts)) {
          const other = owner.get(host);
          if (other) throw new Error(`${shard.name}: host ${host} is also in ${other}: the shards' --limit slices overlap`);
          owner.set(host, shard.name);
          recap[host] = counts;
        }
      } else body.push(e);
    }
  }
  const first = [...starts].sort((a, b) => String(a.time).localeCompare(String(b.time)))[0];
  return [...(first ? [first] : []), ...body, { event: 'stats', stats: mergeStats(stats) } as Ev, { event: 'recap', hosts: recap } as Ev];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    process.stderr.write('usage: node bench/shard/merge-events.ts SHARD.ndjson... > merged.ndjson\n');
    process.exit(5);
  }
  try {
    const merged = mergeShards(files.map((f) => parseStream(f, readFileSync(f, 'utf8'))));
    process.stdout.write(merged.map((e) => JSON.stringify(e)).join('\n') + '\n');
  } catch (error) {
    process.stderr.write(`merge-events: ${(error as Error).message}\n`);
    process.exit(5);
  }
}
