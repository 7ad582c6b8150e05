/**
 * Batched probes: the probes of the next tasks of a host go to the host in ONE round trip; each task then
 * takes its result from the cache instead of asking again. Probes only read, so a result stays valid
 * until something changes: any apply, on any host, clears the cache (a probe may read another host).
 * The window of tasks probed ahead adapts: it grows while prefetched results are used and shrinks when a
 * change throws them away, so a run where every task changes does not pay for useless probes.
 */
import { randomBytes } from 'node:crypto';
import type { ExecResult, Transport } from '../core/transport-types.ts';
import type { ProbeMerge } from '../core/task-contract.ts';

/** Largest number of probes sent in one round trip. */
export const MAX_WINDOW = 64;
const START_WINDOW = 64;

interface HostProbes {
  results: Map<string, ExecResult>;
  /** Prefetched commands no task has asked for yet. */
  unused: Set<string>;
  window: number;
  /** Cached commands whose probe reads only this host (another host's change cannot make them stale). */
  local: Set<string>;
  /** The generation this host last changed in. */
  changedAt: number;
}

/**
 * Probe results per host, keyed by the exact command text. A result stays valid until something changes
 * ({@link invalidate}): a change on the host drops all of its results; a change on another host drops the
 * results of probes that may read other hosts (URLs, etcd keys, `unless` commands), and keeps the ones
 * marked local (files, packages, units, sysctls). Tasks sending the same probe (loop items, several edits
 * of one file) all read it from here.
 */
export class ProbeCache {
  private hosts = new Map<string, HostProbes>();
  /** Probes answered from the cache (for statistics). */
  hits = 0;
  /** Bumped by every change anywhere: results read before it are not stored. */
  generation = 0;

  private entry(host: string): HostProbes {
    let e = this.hosts.get(host);
    if (!e) this.hosts.set(host, (e = { results: new Map(), unused: new Set(), window: START_WINDOW, local: new Set(), changedAt: 0 }));
    return e;
  }

  /** The cached result of a command, if any. */
  take(host: string, command: string): ExecResult | undefined {
    const e = this.hosts.get(host);
    const r = e?.results.get(command);
    if (e && r) {
      this.hits++;
      if (e.unused.delete(command) && e.unused.size === 0) {
        // Everything fetched ahead was used: look further ahead next time.
        e.window = Math.min(MAX_WINDOW, e.window * 2);
      }
    }
    return r;
  }

  /** Whether a command's result is cached (without counting a hit). */
  has(host: string, command: string): boolean {
    return this.hosts.get(host)?.results.has(command) ?? false;
  }

  /** How many tasks ahead to probe for this host now. */
  window(host: string): number {
    return this.entry(host).window;
  }

  /**
   * Remember results fetched for `asked` (and ahead of it). `generation` is the value read before the batch
   * was sent: when the host changed since, nothing is kept; when another host changed, only local probes.
   */
  store(host: string, results: Map<string, ExecResult>, asked?: string, generation = this.generation, local: ReadonlySet<string> = new Set()): void {
    const e = this.entry(host);
    if (generation !== this.generation && e.changedAt > generation) return;
    const keepAll = generation === this.generation;
    for (const [k, v] of results) {
      if (!keepAll && !local.has(k)) continue;
      if (!e.results.has(k) && k !== asked) e.unused.add(k);
      e.results.set(k, v);
      if (local.has(k)) e.local.add(k);
    }
  }

  /**
   * Something changed on `host` (undefined: somewhere unknown): drop what is stale, and look less far ahead
   * where prefetched results were wasted.
   */
  invalidate(host?: string): void {
    this.generation++;
    for (const [name, e] of this.hosts) {
      const all = host === undefined || name === host;
      const drop = all ? [...e.results.keys()] : [...e.results.keys()].filter((k) => !e.local.has(k));
      if (drop.some((k) => e.unused.has(k))) e.window = Math.max(1, Math.floor(e.window / 4));
      for (const k of drop) {
        e.results.delete(k);
        e.unused.delete(k);
        e.local.delete(k);
      }
      if (name === host) e.changedAt = this.generation;
    }
  }
}

/**
 * The shell script that runs several probes at once on the host (a probe mostly waits: on systemd over
 * D-Bus, on the rpm database) and frames each one's stdout, exit code and stderr with a random token.
 * Each probe writes its own framed record to a file; one `cat` prints them all in order.
 */
export function batchScript(commands: readonly string[], token: string): string {
  const lines = ['hw_d=$(mktemp -d 2>/dev/null || mktemp -d -t hw.XXXXXX) || exit 97', 'trap \'rm -rf "$hw_d"\' EXIT'];
  commands.forEach((command, i) => {
    lines.push(
      `{ printf '\\036${token} ${i}\\n'; (\n${command}\n) 2>"$hw_d/${i}.e" </dev/null; printf '\\n\\036${token} ${i} %d\\n' "$?"; [ -s "$hw_d/${i}.e" ] && cat "$hw_d/${i}.e"; printf '\\n\\036${token} ${i} end\\n'; } >"$hw_d/${i}.o" &`,
    );
  });
  lines.push('wait');
  lines.push(`cd "$hw_d" && cat ${commands.map((_, i) => `${i}.o`).join(' ')}`);
  return lines.join('\n');
}

/** Pure parser of {@link batchScript}'s output: one result per command whose frame is complete. */
export function parseBatch(commands: readonly string[], stdout: string, token: string): Map<string, ExecResult> {
  const results = new Map<string, ExecResult>();
  commands.forEach((command, i) => {
    const begin = stdout.indexOf(`\x1e${token} ${i}\n`);
    if (begin < 0) return;
    const codeAt = stdout.indexOf(`\n\x1e${token} ${i} `, begin);
    const endAt = stdout.indexOf(`\n\x1e${token} ${i} end\n`, codeAt);
    if (codeAt < 0 || endAt < 0) return;
    const codeLineEnd = stdout.indexOf('\n', codeAt + 1);
    const code = Number(stdout.slice(codeAt + `\n\x1e${token} ${i} `.length, codeLineEnd));
    if (!Number.isInteger(code)) return;
    const out = stdout.slice(begin + `\x1e${token} ${i}\n`.length, codeAt);
    const err = stdout.slice(codeLineEnd + 1, endAt);
    results.set(command, { code, stdout: out, stderr: err });
  });
  return results;
}

/** A probe to send in a batch: its full command text (the cache key) and how it merges, if it does. */
export interface BatchProbe {
  command: string;
  merge?: ProbeMerge;
  /** The probe reads only the host it runs on. */
  local?: boolean;
}

/** A batch ready to send: its script, and how its output becomes one result per probe command. */
export interface PreparedBatch {
  /** The shell script (empty when there is nothing to ask). */
  script: string;
  /** Results from the script's stdout (only probes whose frame came back complete). */
  results(stdout: string): Map<string, ExecResult>;
}

/**
 * Build the one script for some probes: probes of one merge kind become one command (`prefix` + the
 * merged command) whose output is split back per probe.
 */
export function prepareBatch(probes: readonly BatchProbe[], prefix = ''): PreparedBatch {
  const unique = [...new Map(probes.map((p) => [p.command, p])).values()];
  const groups = new Map<string, BatchProbe[]>();
  const commands: string[] = [];
  for (const p of unique) {
    if (!p.merge) commands.push(p.command);
    else groups.set(p.merge.kind, [...(groups.get(p.merge.kind) ?? []), p]);
  }
  const merged = new Map<string, BatchProbe[]>();
  for (const members of groups.values()) {
    if (members.length === 1) commands.push(members[0].command);
    else {
      const command = prefix + members[0].merge!.command(members.map((m) => m.merge!.item));
      merged.set(command, members);
      commands.push(command);
    }
  }
  if (commands.length === 0) return { script: '', results: () => new Map() };
  const token = `hw${randomBytes(6).toString('hex')}`;
  return {
    script: batchScript(commands, token),
    results(stdout) {
      const results = parseBatch(commands, stdout, token);
      for (const [command, members] of merged) {
        const result = results.get(command);
        results.delete(command);
        const parts =
          result &&
          members[0].merge!.split(
            result,
            members.map((m) => m.merge!.item),
          );
        if (parts) members.forEach((m, i) => results.set(m.command, parts[i]));
      }
      return results;
    },
  };
}

/** Run probes in one round trip (see {@link prepareBatch}); probes whose result did not come back are simply not cached. */
export async function probeInOneTrip(
  transport: Pick<Transport, 'exec'>,
  probes: readonly BatchProbe[],
  prefix = '',
): Promise<Map<string, ExecResult>> {
  const batch = prepareBatch(probes, prefix);
  if (!batch.script) return new Map();
  const r = await transport.exec(batch.script);
  if (r.code !== 0) return new Map();
  return batch.results(r.stdout);
}
