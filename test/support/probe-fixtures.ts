/**
 * Probe fixtures recorded from the test hosts: each JSON fixture under test/fixtures/<kind>/ with a
 * `setup` holds the probe's arguments, the exact probe command, its recorded result and the parsed state.
 * The e2e suite of the type replays every fixture on a real host (setup as root, then the probe command
 * as the engine runs it) and compares the parsed state with the recorded one; with
 * `HW_RECORD=<kind>[,<kind>...]` (or `all`) in the environment it rewrites the fixtures instead.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Probe } from '../../lib/core/task-contract.ts';
import type { ExecResult } from '../../lib/core/transport-types.ts';
import { fixtures } from './fixtures.ts';

/** A probe fixture as stored. */
export interface ProbeFixture {
  description: string;
  /** Shell run as root on a fresh host before the probe. */
  setup: string;
  /** Shell run afterwards to undo the setup (optional). */
  cleanup?: string;
  /** The task arguments the probe is built from. */
  args: Record<string, unknown>;
  /** The probe command as built when the fixture was recorded. */
  command: string;
  recorded?: string;
  result: ExecResult;
  state: unknown;
}

/** True when this run should rewrite the fixtures of `kind`. */
export const recording = (kind: string): boolean => (process.env.HW_RECORD ?? '').split(',').some((k) => k === 'all' || k === kind);

/**
 * Replay (or record) every probe fixture of `kind` on one host. Returns one line per mismatch between
 * the recorded state and the state parsed from the host's answer now (after `normalize`, which drops
 * fields that change between runs such as mtimes).
 */
export async function replayProbeFixtures(
  kind: string,
  host: { name: string; exec(command: string): Promise<ExecResult> },
  build: (args: any) => Probe<unknown>,
  normalize: (state: any) => unknown = (s) => s,
): Promise<string[]> {
  const { dir, files } = fixtures(kind);
  const problems: string[] = [];
  for (const file of files) {
    const path = join(dir, file);
    const fx = JSON.parse(readFileSync(path, 'utf8')) as ProbeFixture;
    if (fx.setup === undefined) continue;
    const setup = await host.exec(fx.setup);
    if (setup.code !== 0) throw new Error(`${file}: setup failed (exit ${setup.code}): ${setup.stderr}`);
    const probe = build(fx.args);
    const result = await host.exec(`export LANG=C LC_ALL=C\n${probe.command}`);
    if (fx.cleanup) await host.exec(fx.cleanup);
    const state = probe.parse(result);
    if (recording(kind)) {
      Object.assign(fx, { command: probe.command, recorded: `${host.name}: ${new Date().toISOString().slice(0, 10)}`, result, state });
      writeFileSync(path, JSON.stringify(fx, null, 2) + '\n');
      continue;
    }
    if (fx.command !== probe.command) problems.push(`${file}: the probe command changed since it was recorded (re-record with HW_RECORD=${kind})`);
    const was = JSON.stringify(normalize(fx.state));
    const now = JSON.stringify(normalize(state));
    if (was !== now) problems.push(`${file}: recorded ${was}, host says ${now}`);
  }
  return problems;
}
