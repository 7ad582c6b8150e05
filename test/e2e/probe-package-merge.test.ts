/**
 * Package probes merged in one batch (lib/probes/package-merge.ts) against a real rpm host: for every
 * probe, the part the merged command's answer is split into equals what its own command answers alone
 * (stdout, exit code and parsed state), on the one-`rpm -q` path (every name installed under its name)
 * and on the framed fallback (a missing name, a name only a package provides, a file path, a pin).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testHosts, type TestHosts } from '../hosts/index.ts';
import { packageProbe, parsePackageProbe } from '../../lib/probes/package-query.ts';
import { probeInOneTrip } from '../../lib/engine/probe-batch.ts';
import { PROBE_PREFIX } from '../../lib/engine/look-ahead.ts';
import type { Probe } from '../../lib/core/task-contract.ts';
import type { PackageState } from '../../lib/probes/package-query.ts';

const HOST = 'pkgmerge1';
let hosts: TestHosts;
const exec = async (command: string) => {
  const r = await hosts.exec(HOST, command);
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
};

test.before(async () => {
  hosts = await testHosts({ names: [HOST] });
  await hosts.reset([HOST]);
  const r = await exec('dnf -y -q install etcd flannel >/dev/null && rpm -q --qf "%{VERSION}-%{RELEASE}" etcd');
  assert.is(r.code, 0, r.stderr);
  etcdVersion = r.stdout.trim();
});
test.after(async () => hosts?.stop([HOST]));
let etcdVersion = '';

/** Each probe's answer alone, and its part of the merged answer; the merged command's own stdout. */
async function compare(probes: Probe<PackageState>[]): Promise<string> {
  let merged = '';
  const spy = { exec: async (command: string) => ((merged = command), exec(command)) };
  const parts = await probeInOneTrip(
    spy,
    probes.map((p) => ({ command: PROBE_PREFIX + p.command, merge: p.merge, local: p.local })),
    PROBE_PREFIX,
  );
  for (const p of probes) {
    const alone = await exec(PROBE_PREFIX + p.command);
    const part = parts.get(PROBE_PREFIX + p.command);
    assert.ok(part, `no merged answer for ${p.command.split('\n')[0]}`);
    assert.is(part!.stdout, alone.stdout);
    assert.is(part!.code, alone.code);
    assert.equal(parsePackageProbe(part!), parsePackageProbe(alone));
  }
  return (await exec(merged)).stdout;
}

test('every name installed under its name: one rpm -q for the batch, each part as its own command answers', async () => {
  const out = await compare([packageProbe(['etcd'], 'auto'), packageProbe(['flannel', 'etcd'], 'auto'), packageProbe(['flannel'], 'dnf')]);
  assert.match(out, /hw-pkg-fast\nmanager=dnf\nrpm\tetcd\t[^\n]*\nrpm\tflannel\t[^\n]*\n/);
});

test('a missing name, a provide, a file path and a pin: the framed fallback, each part as its own command answers', async () => {
  const out = await compare([
    packageProbe(['etcd', 'hw-no-such-package'], 'auto'),
    packageProbe(['/usr/bin/etcd'], 'auto'),
    packageProbe([`etcd-${etcdVersion}`], 'auto'),
    packageProbe(['etcd'], 'auto'),
  ]);
  assert.not.match(out, /hw-pkg-fast/);
  assert.match(out, /\x1ehw-pkg 3\n/);
});

test('probes with an update check or a glob are never merged', () => {
  assert.is(packageProbe(['etcd'], 'auto', { checkUpdates: true }).merge, undefined);
  assert.is(packageProbe(['etc*'], 'auto').merge, undefined);
  assert.ok(packageProbe(['etcd'], 'auto').merge);
});

test.run();
