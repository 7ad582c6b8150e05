/**
 * Merged file probes on a real test host: a directory with every awkward case (links to files,
 * directories, nowhere; FIFOs, devices, empty files, names with spaces, backslashes, quotes, a leading
 * dash; relative paths; paths under a file; unreadable paths for a non-root user), probed with every
 * option set the tasks use, once merged through `probeInOneTrip` and once each alone: every merged
 * answer must be the single answer, byte for byte. Where the merged output cannot be vouched for (a
 * file that changes between sha256sum and cat, a link target with a newline, /proc sizes, a file root
 * alone can read), the probes get no merged answer at all (the engine then asks each alone), never a
 * wrong one.
 */
import { test } from 'uvu';
import { appendFileSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { testHosts, type TestHosts } from '../hosts/index.ts';
import { DIFF_SIZE_LIMIT, fileStatProbe } from '../../lib/probes/file-stat.ts';
import { fileStatItem } from '../../lib/probes/file-stat-merge.ts';
import { probeInOneTrip } from '../../lib/engine/probe-batch.ts';
import { PROBE_PREFIX } from '../../lib/engine/look-ahead.ts';
import { EDIT_SIZE_LIMIT } from '../../lib/tasks/line.ts';
import { quote } from '../../lib/transport/quote.ts';
import type { ExecResult } from '../../lib/core/transport-types.ts';

const HOST = 'sysctl1';
const D = '/tmp/fm';
let hosts: TestHosts;

test.before(async () => {
  hosts = await testHosts({ names: [HOST] });
  await hosts.reset([HOST]);
  const setup = [
    `rm -rf ${D} && mkdir -p ${D}/dir ${D}/sub ${D}/locked && cd ${D}`,
    "printf 'hello\\n' > f && : > empty && printf '\\000\\001\\377' > bin && head -c 300000 /dev/zero > big",
    'ln -s f lf && ln -s lf llf && ln -s dir ldir && ln -s /nonexistent/x dangle && ln -s nofile dangle2 && ln -s ../fm/f rel',
    "mkfifo fifo && printf a > ./-dash && printf b > 'sp ace' && printf c > 'b\\s' && printf d > \"q'uote\" && printf e > 'st*r'",
    'printf s > locked/secret && chmod 700 locked && printf r > root-only && chmod 600 root-only && chmod 644 f',
    // A relative path starting with a dash, from the working directory of the probes (/).
    'printf w > /-hw-fm',
  ].join(' && ');
  const r = await hosts.exec(HOST, setup);
  assert.is(r.code, 0, r.stderr);
});

test.after(async () => {
  await hosts?.exec(HOST, `rm -rf ${D} /-hw-fm`);
});

const PATHS = [
  'f',
  'empty',
  'bin',
  'big',
  'lf',
  'llf',
  'ldir',
  'dangle',
  'dangle2',
  'rel',
  'fifo',
  '-dash',
  'sp ace',
  'b\\s',
  "q'uote",
  'st*r',
  'dir',
  'dir/',
  'none',
  'f/x',
  'sub/none/x',
  'locked/secret',
  'locked',
].map((p) => `${D}/${p}`);
const OTHER = ['/dev/null', '/dev/zero', '-hw-fm', 'tmp/fm/f', 'tmp/fm/lf', '/tmp/fm//f', '/'];
const F_SHA = '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03';
const OPTIONS: Parameters<typeof fileStatProbe>[1][] = [
  {},
  { follow: true },
  { fetchContent: true },
  // line and replace.
  { fetchContent: true, sizeLimit: EDIT_SIZE_LIMIT, follow: true },
  // file with a diff: the same checksum (no content), another one (content), a limit below the size.
  { fetchContent: true, expectedSha256: F_SHA },
  { fetchContent: true, expectedSha256: '0'.repeat(64), sizeLimit: 3 },
  { expectedSha256: F_SHA },
];

type Exec = (script: string) => Promise<ExecResult>;
const asRoot: Exec = (script) => hosts.exec(HOST, script);
const asNobody: Exec = (script) => hosts.exec(HOST, `runuser -u nobody -- sh -c ${quote(script)}`);

/** Probe `paths` with every option set merged (one round trip) and each alone; the merged answers. */
async function compare(exec: Exec, paths: readonly string[], options = OPTIONS, rewrite = (s: string) => s) {
  const probes = paths.flatMap((p) => options.map((o) => fileStatProbe(p, o)));
  assert.ok(probes.every((p) => p.merge));
  const merged = await probeInOneTrip(
    { exec: (script) => exec(rewrite(script)) },
    probes.map((p) => ({ command: PROBE_PREFIX + p.command, merge: p.merge })),
    PROBE_PREFIX,
  );
  const wrong: string[] = [];
  for (const p of probes) {
    const m = merged.get(PROBE_PREFIX + p.command);
    if (!m) continue;
    const single = await exec(PROBE_PREFIX + p.command);
    if (JSON.stringify(m) !== JSON.stringify(single))
      wrong.push(`${p.command.split('\n')[0]}: merged ${JSON.stringify(m)}\n  single ${JSON.stringify(single)}`);
  }
  assert.equal(wrong, [], wrong.join('\n'));
  // Probes whose options do not change the command (a checksum without content) are one probe.
  return { probes, merged, asked: new Set(probes.map((p) => p.command)).size };
}

test('as root: every awkward path with every option set, merged, is exactly what the probe alone answers', async () => {
  const { merged, asked } = await compare(asRoot, [...PATHS, ...OTHER]);
  assert.is(merged.size, asked, 'every probe answered by the merged command');
  // The cases are what they claim to be (the comparison above is not between two empty answers).
  const get = (path: string, o = {}) => merged.get(PROBE_PREFIX + fileStatProbe(path, o).command)!.stdout;
  assert.match(get(`${D}/dangle`, { follow: true }), /^$/);
  assert.is(merged.get(PROBE_PREFIX + fileStatProbe(`${D}/dangle`, { follow: true }).command)!.code, 1);
  assert.match(get(`${D}/dangle2`, { follow: true }), /^resolved=\/tmp\/fm\/nofile\ntype=absent\n/);
  assert.match(get(`${D}/ldir`, { follow: true }), /type=directory/);
  assert.match(
    get(`${D}/llf`, { fetchContent: true, sizeLimit: EDIT_SIZE_LIMIT, follow: true }),
    /resolved=\/tmp\/fm\/f\n[^]*---content---\naGVsbG8K\n$/,
  );
  assert.not.match(get(`${D}/f`, { fetchContent: true, expectedSha256: F_SHA }), /---content---/);
  // 300000 bytes: above the diff limit (256 KiB), below line's.
  assert.not.match(get(`${D}/big`, { fetchContent: true }), /---content---/);
  assert.match(get(`${D}/big`, { fetchContent: true, sizeLimit: EDIT_SIZE_LIMIT, follow: true }), /---content---/);
  assert.not.match(get(`${D}/big`, { fetchContent: true, expectedSha256: '0'.repeat(64), sizeLimit: 3 }), /---content---/);
  assert.match(get(`${D}/fifo`), /type=other/);
  assert.match(get('/dev/zero', { fetchContent: true }), /type=other/);
  assert.match(get(`${D}/f/x`), /type=absent\nparent=no/);
  assert.match(get('-hw-fm'), /type=file/);
  assert.match(get('tmp/fm/f'), /type=file/);
});

test('as a user who cannot read everything: the same answers, or none where sha256sum cannot read a file', async () => {
  // locked/secret: absent to nobody (no search permission); locked: a directory it cannot enter.
  const { merged, asked } = await compare(asNobody, PATHS);
  assert.is(merged.size, asked);
  assert.match(merged.get(PROBE_PREFIX + fileStatProbe(`${D}/locked/secret`).command)!.stdout, /^type=absent\nparent=yes\n$/);
  // root-only: the single probe hashes nothing (sha256=); the merged one cannot tell that from a race.
  const { merged: none } = await compare(asNobody, [`${D}/f`, `${D}/root-only`]);
  assert.is(none.size, 0);
});

test('a file that changes between sha256sum and cat (a race): no merged answer, never a wrong one', async () => {
  const race = (script: string) => {
    const raced = script.replace('if [ -n "$hw_cat" ]; then', `printf more >> ${D}/grows; if [ -n "$hw_cat" ]; then`);
    assert.is.not(raced, script, 'the race was put in');
    return raced;
  };
  await asRoot(`printf 'before\\n' > ${D}/grows`);
  const { merged } = await compare(asRoot, [`${D}/grows`, `${D}/f`], [{ fetchContent: true }], race);
  assert.is(merged.size, 0);
  // Without the race the same probes are answered.
  const { merged: calm } = await compare(asRoot, [`${D}/grows`, `${D}/f`], [{ fetchContent: true }]);
  assert.is(calm.size, 2);
});

test('output the format cannot carry: a link target with a newline, /proc sizes; no merged answer', async () => {
  await asRoot(`ln -sfn "$(printf 'a\\nb')" ${D}/newline-target`);
  assert.is((await compare(asRoot, [`${D}/newline-target`, `${D}/f`], [{}])).merged.size, 0);
  // /proc files are regular files of size 0 with content: without content the merged answer holds; with
  // content such a probe is not merged (its sizes would not split), and were it merged, nothing would split.
  assert.is((await compare(asRoot, ['/proc/sys/kernel/ostype', `${D}/f`], [{}])).merged.size, 2);
  assert.is(fileStatProbe('/proc/sys/kernel/ostype', { fetchContent: true }).merge, undefined);
  const proc = {
    ...fileStatProbe('/proc/sys/kernel/ostype', { fetchContent: true }),
    merge: {
      ...fileStatProbe(`${D}/f`).merge!,
      item: fileStatItem({ path: '/proc/sys/kernel/ostype', follow: false, fetchContent: true, expectedSha256: '-', sizeLimit: DIFF_SIZE_LIMIT }),
    },
  };
  const f = fileStatProbe(`${D}/f`, { fetchContent: true });
  const forced = await probeInOneTrip(
    { exec: asRoot },
    [proc, f].map((p) => ({ command: PROBE_PREFIX + p.command, merge: p.merge })),
    PROBE_PREFIX,
  );
  assert.is(forced.size, 0);
});

test('64 file probes of the bench workload in one batch: merged, the host does a fraction of the work', async () => {
  // What a no-op batch of the 1000-task workload asks: files with their expected checksum, and line's probe.
  await asRoot(`mkdir -p ${D}/bench && cd ${D}/bench && for i in $(seq 0 63); do printf 'round = 1\\n' > file-$i.conf; done`);
  const probes = Array.from({ length: 64 }, (_, i) =>
    i === 1
      ? fileStatProbe(`${D}/bench/file-1.conf`, { fetchContent: true, sizeLimit: EDIT_SIZE_LIMIT, follow: true })
      : fileStatProbe(`${D}/bench/file-${i}.conf`, { expectedSha256: F_SHA }),
  );
  const time = async (merge: boolean, sent = probes) => {
    const runs: number[] = [];
    for (let r = 0; r < 7; r++) {
      const t0 = performance.now();
      const results = await probeInOneTrip(
        { exec: asRoot },
        sent.map((p) => ({ command: PROBE_PREFIX + p.command, ...(merge ? { merge: p.merge } : {}) })),
        PROBE_PREFIX,
      );
      runs.push(performance.now() - t0);
      assert.is(results.size, sent.length);
    }
    return runs.sort((a, b) => a - b)[3];
  };
  const alone = await time(false);
  const merged = await time(true);
  // The floor: a batch of one probe (nsenter, sh, the batch's mktemp and cat).
  const one = await time(false, probes.slice(0, 1));
  const line = `64 file probes in one batch on ${HOST} (median of 7, through nsenter): alone ${alone.toFixed(1)} ms, merged ${merged.toFixed(1)} ms (one probe alone: ${one.toFixed(1)} ms)\n`;
  // The runner shows a passing file's output only on failure: HW_FILE_PROBE_TIMES=FILE keeps the figures.
  if (process.env.HW_FILE_PROBE_TIMES) appendFileSync(process.env.HW_FILE_PROBE_TIMES, line);
  assert.ok(merged < alone, `merged ${merged} ms, alone ${alone} ms`);
});

test.run();
