/**
 * Where one hostwright run's wall time goes, measured from inside the process:
 *
 *   node bench/profile.ts -i INVENTORY --known-hosts FILE [--check] [--playbook FILE] [-e k=v] [--limit P]
 *
 * prints one JSON object. Loads the playbook (default playbooks/cluster.ts; timed: type stripping +
 * dependencies), runs it through the public
 * `run()` with every transport wrapped to time connects and commands, and splits the engine's time
 * into connecting, waiting on hosts (probe batches, applies) and the controller's own work.
 */
import { parseArgs } from 'node:util';

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const loadStart = performance.now();
const lib = await import('../lib/index.ts');
// Internal modules, already loaded by lib/index.ts: the default transport (wrapped below) and `-e` parsing.
const { createTransport } = await import('../lib/transport/index.ts');
const { parseExtraVars } = await import('../lib/vars/index.ts');
const libLoaded = performance.now();
const { values } = parseArgs({
  options: {
    inventory: { type: 'string', short: 'i' },
    'known-hosts': { type: 'string' },
    check: { type: 'boolean' },
    playbook: { type: 'string' },
    'extra-vars': { type: 'string', short: 'e', multiple: true },
    limit: { type: 'string' },
  },
  strict: true,
});
if (!values.inventory || !values['known-hosts'])
  throw new Error('usage: node bench/profile.ts -i INVENTORY --known-hosts FILE [--check] [--playbook FILE] [-e k=v] [--limit P]');
const playbookUrl = values.playbook ? pathToFileURL(resolve(values.playbook)).href : new URL('../playbooks/cluster.ts', import.meta.url).href;
const { default: playbook } = (await import(playbookUrl)) as { default: Parameters<typeof lib.run>[0] };
const playbookLoaded = performance.now();

/** One command a host ran. */
interface ExecRecord {
  startMs: number;
  ms: number;
  probes: number;
  bytes: number;
}
const perHost = new Map<string, { connectMs: number; execs: ExecRecord[] }>();
const BATCH_FRAME = /printf '\\036hw[0-9a-f]+ \d+\\n'/g;

const factory = (host: string, settings: Parameters<typeof createTransport>[1]) => {
  const inner = createTransport(host, settings, { knownHostsFile: values['known-hosts'] });
  const rec = { connectMs: 0, execs: [] as ExecRecord[] };
  perHost.set(host, rec);
  const wrapped: typeof inner = {
    name: inner.name,
    get stats() {
      return inner.stats;
    },
    async connect() {
      const s = performance.now();
      try {
        await inner.connect();
      } finally {
        rec.connectMs += performance.now() - s;
      }
    },
    async exec(command, options) {
      const s = performance.now();
      try {
        return await inner.exec(command, options);
      } finally {
        rec.execs.push({ startMs: s, ms: performance.now() - s, probes: (command.match(BATCH_FRAME) ?? []).length, bytes: command.length });
      }
    },
    put: (path, content, options) => inner.put(path, content, options),
    close: () => inner.close(),
  };
  return wrapped;
};

const runStart = performance.now();
const result = await lib.run(playbook, {
  inventory: values.inventory,
  check: values.check === true,
  knownHostsFile: values['known-hosts'],
  transportFactory: factory,
  extraVars: parseExtraVars(values['extra-vars'] ?? [], process.cwd()),
  limit: values.limit,
  forks: 100,
});
const runEnd = performance.now();

const hosts = [...perHost].map(([host, r]) => {
  const execMs = r.execs.reduce((a, e) => a + e.ms, 0);
  const batches = r.execs.filter((e) => e.probes > 0);
  return {
    host,
    connectMs: Math.round(r.connectMs),
    commands: r.execs.length,
    probeBatches: batches.length,
    probesInBatches: batches.reduce((a, e) => a + e.probes, 0),
    waitingOnHostMs: Math.round(execMs),
    batchMs: Math.round(batches.reduce((a, e) => a + e.ms, 0)),
    /** Each command: probes it carried (0: an apply or a single probe) and its milliseconds. */
    sequence: r.execs.map((e) => `${e.probes}p ${Math.round(e.ms)}ms`).join(', '),
  };
});
const engineMs = runEnd - runStart;
// The host the run waited on longest bounds how much of the engine's time was spent waiting on hosts.
const slowest = hosts.reduce((a, h) => (h.connectMs + h.waitingOnHostMs > a.connectMs + a.waitingOnHostMs ? h : a), hosts[0]);
console.log(
  JSON.stringify({
    processStartToLoadMs: Math.round(loadStart),
    importLibMs: Math.round(libLoaded - loadStart),
    importPlaybookAndRolesMs: Math.round(playbookLoaded - libLoaded),
    engineMs: Math.round(engineMs),
    slowestHost: slowest.host,
    slowestHostConnectMs: slowest.connectMs,
    slowestHostWaitingMs: slowest.waitingOnHostMs,
    controllerOwnMs: Math.round(engineMs - slowest.connectMs - slowest.waitingOnHostMs),
    exitCode: result.exitCode,
    roundTrips: result.stats.roundTrips,
    hosts,
  }),
);
await new Promise((r) => setTimeout(r, 0));
process.exit(result.exitCode);
