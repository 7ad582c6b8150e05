/**
 * The recorded probe outputs of sysctl, wait and command against a real test host: each fixture's
 * `setup` runs as root, then the probe the code builds now, as the engine runs it (`LANG=C`). Checked:
 * the host's answer still parses to the fixture's `state`. With HOSTWRIGHT_RECORD=1 the answer, the
 * command and the date are written into the fixture instead (review the diff: `state` stays as written
 * by hand, so a changed answer fails the unit tests until someone looks at it).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testHosts, type TestHosts } from '../hosts/index.ts';
import { fixtures } from '../support/fixtures.ts';
import { PROBE_KINDS } from '../support/probe-recordings.ts';

const HOST = 'sysctl1';
const record = process.env.HOSTWRIGHT_RECORD === '1';
// HOSTWRIGHT_RECORD_KINDS=copy,fetch: only these kinds (recording rewrites every fixture of a kind).
const only = process.env.HOSTWRIGHT_RECORD_KINDS?.split(',');
let hosts: TestHosts;

test.before(async () => {
  hosts = await testHosts({ names: [HOST] });
  await hosts.reset([HOST]);
});

const sh = async (cmd: string) => {
  const r = await hosts.exec(HOST, cmd);
  assert.is(r.code, 0, `${HOST}: \`${cmd.split('\n')[0]}\` exited ${r.code}: ${r.stderr.trim()}`);
};

for (const [kind, spec] of Object.entries(PROBE_KINDS).filter(([k]) => !only || only.includes(k))) {
  test(`${kind}: every recorded probe answer is what the test host answers now`, async () => {
    const { dir, files, load } = fixtures(kind);
    const probes = files.filter((f) => f.startsWith('probe-'));
    assert.ok(probes.length > 0);
    if (spec.before) await sh(spec.before);
    const wrong: string[] = [];
    try {
      for (const f of probes) {
        const fx = load(f);
        if (fx.setup) await sh(fx.setup);
        const command = spec.command(fx.probe);
        const result = await hosts.exec(HOST, `export LANG=C LC_ALL=C\n${command}`);
        if (record) {
          const { state, singles: _, ...rest } = fx;
          // The single probes a merged one stands for, asked right after it (nothing changed meanwhile).
          const singles = [];
          for (const single of spec.singles?.(fx.probe) ?? []) {
            singles.push({ command: single, result: await hosts.exec(HOST, `export LANG=C LC_ALL=C\n${single}`) });
          }
          // A new fixture without a hand-written state gets the parser's answer: review it before committing.
          writeFileSync(
            join(dir, f),
            JSON.stringify(
              {
                ...rest,
                recorded: `test host ${HOST} (Debian 12 rootfs), ${new Date().toISOString().slice(0, 10)}`,
                command,
                result,
                ...(spec.singles ? { singles } : {}),
                state: state ?? spec.parse(result, fx.probe),
              },
              null,
              2,
            ) + '\n',
          );
          console.log(`recorded ${kind}/${f}: exit ${result.code}`);
          continue;
        }
        try {
          const same = spec.comparable ?? ((state: unknown) => state);
          assert.equal(same(spec.parse(result, fx.probe)), same(fx.state));
        } catch (error) {
          wrong.push(`${f}: ${(error as Error).message}\n  host answered: ${JSON.stringify(result)}`);
        }
      }
    } finally {
      if (spec.after) await hosts.exec(HOST, spec.after);
    }
    assert.equal(wrong, [], wrong.join('\n'));
  });
}

test.run();
