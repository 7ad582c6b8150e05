/**
 * Reviewed changes and reports on the real cluster test hosts: the drift exit code on a fresh and a
 * converged cluster; a plan saved by --check --save-plan and applied by `hostwright apply` changes exactly
 * the planned tasks; the HTML report of that cold converge opened in headless chromium (no console error,
 * every host and task present, a changed task's diff shown on click, screenshot kept); a file edited on a
 * host between plan and apply, a changed variable and a changed template make the apply refuse before
 * any host changes; then the same plan applies.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostwrightMain } from '../../lib/cli/main.ts';
import { clusterHosts, hostDigest, layoutFromEnv, sh, type ClusterHosts } from '../support/cluster.ts';
import { artifactsDir, openReport } from '../support/browser.ts';
import type { PlanFile } from '../../lib/plan/schema.ts';

let c: ClusterHosts;
const layout = layoutFromEnv();
const all = [...new Set([...layout.etcd, ...layout.masters, ...layout.nodes])];
const [, N1, N2] = all;
const dir = mkdtempSync(join(tmpdir(), 'hw-reviewed-'));
const playbook = new URL('../../playbooks/cluster.ts', import.meta.url).pathname;

async function hw(args: string[]) {
  let out = '';
  let err = '';
  const code = await hostwrightMain(args, { write: (s: string) => ((out += s), true) } as any, { write: (s: string) => ((err += s), true) } as any);
  return { code, out, err };
}
const cluster = (...args: string[]) => hw(['run', playbook, '-i', c.clusterInventory, '--known-hosts', c.knownHostsPath, ...args]);
const digests = () => Promise.all(all.map((h) => hostDigest(c, h)));
const results = (jsonOut: string) =>
  jsonOut
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((e) => e.event === 'host-result');
const key = (e: { host: string; role?: string; task: string; handler: boolean }) => `${e.host}|${e.role ?? ''}|${e.task}|${e.handler}`;

test.before(async () => {
  c = await clusterHosts(layout);
  await c.reset(all);
});

test('fresh cluster: --check --detailed-exitcode exits 3, saves the plan and a report, changes nothing', async () => {
  const before = await digests();
  const r = await cluster('--check', '--detailed-exitcode', '--save-plan', join(dir, 'cold.json'), '--report', join(dir, 'check.html'));
  assert.is(r.code, 3, r.err + r.out.slice(-2000));
  assert.equal(await digests(), before, 'the check changed a host');
  const plan: PlanFile = JSON.parse(readFileSync(join(dir, 'cold.json'), 'utf8'));
  assert.equal(Object.keys(plan.hosts).sort(), [...all].sort());
  assert.ok(Object.values(plan.hosts).every((h) => h.changes > 5));
  assert.ok(Object.keys(plan.playbook.files).some((f) => f.endsWith('roles/node/templates/kubelet.hbs')));
  assert.match(readFileSync(join(dir, 'check.html'), 'utf8'), /"check":true/);
});

let converge: any[];
test('hostwright apply of the cold plan: exactly the planned tasks change, each reported planned / applied', async () => {
  const r = await hw([
    'apply',
    join(dir, 'cold.json'),
    '--known-hosts',
    c.knownHostsPath,
    '--json',
    '--diff',
    '--report',
    join(dir, 'converge.html'),
  ]);
  assert.is(r.code, 0, r.err.slice(-3000));
  converge = results(r.out);
  const plan: PlanFile = JSON.parse(readFileSync(join(dir, 'cold.json'), 'utf8'));
  const planned = new Set(
    plan.tasks.flatMap((t) =>
      Object.entries(t.results)
        .filter(([, x]) => x.status === 'changed' || x.status === 'may-change')
        .map(([h]) => key({ host: h, ...t })),
    ),
  );
  const definite = new Set(
    plan.tasks.flatMap((t) =>
      Object.entries(t.results)
        .filter(([, x]) => x.status === 'changed')
        .map(([h]) => key({ host: h, ...t })),
    ),
  );
  const changed = new Set(converge.filter((e) => e.status === 'changed').map(key));
  assert.equal(
    [...changed].filter((k) => !planned.has(k)),
    [],
    'changed without being planned',
  );
  assert.equal(
    [...definite].filter((k) => !changed.has(k)),
    [],
    'planned "changed" but not applied',
  );
  assert.ok(converge.filter((e) => e.status === 'changed').every((e) => e.planned === 'changed' || e.planned === 'may-change'));
  assert.match(r.err, /PLAN APPLY .*: \d+ of \d+ planned change\(s\) applied/);
  assert.match(r.err, new RegExp(`${N1}: .*planned changed, applied`));
});

test('the report of the cold converge in headless chromium: recap, timeline, every host and task, a diff on click', async () => {
  const file = join(dir, 'converge.html');
  const size = statSync(file).size;
  assert.ok(size < 300_000, `report is ${size} bytes`);
  const { browser, page, problems } = await openReport(file);
  try {
    const recapHosts = await page.$$eval('#recap tr[data-host]', (rows) => rows.map((r) => r.getAttribute('data-host')));
    assert.equal(recapHosts.sort(), [...all].sort());
    const lanes = await page.$$eval('#timeline .lane-label', (t) => t.map((x) => x.textContent));
    assert.equal(lanes.sort(), [...all].sort());
    const bars = await page.$$eval('#timeline .bar', (b) => b.length);
    assert.is(bars, converge.length, 'one bar per host result');
    assert.ok((await page.$$('#timeline .bar.handler')).length > 0, 'handlers visible');
    assert.ok((await page.$$('#timeline .bar.wait')).length > 0, 'waits visible');
    const names = new Set(await page.$$eval('#tasks .task', (t) => t.map((x) => x.getAttribute('data-name'))));
    for (const e of converge) assert.ok(names.has(e.task), `task ${e.task} missing from the page`);
    for (const h of all) assert.ok((await page.$$(`#tasks .row[data-host="${h}"]`)).length > 0, `host ${h} has no rows`);
    const withDiff = converge.find((e) => e.status === 'changed' && e.diff?.some((d: any) => d.kind === 'file'));
    assert.ok(withDiff, 'a changed file in the converge');
    const selector = `#changes .row[data-host="${withDiff.host}"][data-status="changed"]`;
    const rows = await page.$$(selector);
    let shown = false;
    for (const row of rows) {
      await row.click();
      const text = await page.$$eval('#changes .details .d2h-file-wrapper', (w) => w.map((x) => x.textContent ?? '').join('\n'));
      if (text.includes(withDiff.diff.find((d: any) => d.kind === 'file').path)) {
        shown = true;
        break;
      }
    }
    assert.ok(shown, 'clicking a changed task shows its diff');
    await page.type('#search', 'kubelet');
    const visible = await page.$$eval('#tasks .row', (r) => r.length);
    assert.ok(visible > 0 && visible < converge.length, `search narrows the rows (${visible})`);
    await page.click('#search', { clickCount: 3 });
    await page.keyboard.press('Backspace');
    assert.is(await page.$$eval('#tasks .row', (r) => r.length), converge.length, 'clearing the search shows every row');
    await page.click(`#host-filter input[value="${N2}"]`);
    assert.is((await page.$$(`#tasks .row[data-host="${N2}"]`)).length, 0, 'host filter hides the host');
    await page.click(`#host-filter input[value="${N2}"]`);
    await page.screenshot({ path: join(artifactsDir(), 'report-cold-converge.png'), fullPage: false });
    assert.equal(problems, []);
  } finally {
    await browser.close();
  }
});

test('converged cluster: --check --detailed-exitcode exits 0', async () => {
  const r = await cluster('--check', '--detailed-exitcode');
  assert.is(r.code, 0, r.out.slice(-3000));
});

test('drifted cluster: exit 3; a file edited between plan and apply, a changed variable or template: refused, nothing changed', async () => {
  await sh(c, N1, 'echo "# drift" >> /etc/kubernetes/config');
  const plan = join(dir, 'drift.json');
  const r = await cluster('--check', '--detailed-exitcode', '--save-plan', plan);
  assert.is(r.code, 3, r.out.slice(-3000));
  await sh(c, N2, 'cp /etc/sysconfig/flanneld /tmp/flanneld.orig && echo "# edited" >> /etc/sysconfig/flanneld');
  const before = await digests();
  let a = await hw(['apply', plan, '--known-hosts', c.knownHostsPath]);
  assert.is(a.code, 6, a.err + a.out);
  assert.match(a.err, new RegExp(`${N2}: [^\\n]*: probed state differs\\n\\s+plan: ok[^\\n]*\\n\\s+now:\\s+changed`));
  assert.match(a.err, /-# edited/);
  assert.not.match(a.err, new RegExp(`${N1}: `));
  assert.equal(await digests(), before, 'the refused apply changed a host');
  await sh(c, N2, 'cp /tmp/flanneld.orig /etc/sysconfig/flanneld');
  const restored = await digests();
  a = await hw(['apply', plan, '--known-hosts', c.knownHostsPath, '-e', 'flannel_options=--iface=eth9']);
  assert.is(a.code, 6, a.err);
  assert.match(a.err, /variable flannel_options differs/);
  const template = new URL('../../roles/node/templates/kubelet.hbs', import.meta.url);
  const original = readFileSync(template, 'utf8');
  try {
    writeFileSync(template, original + '# changed\n');
    a = await hw(['apply', plan, '--known-hosts', c.knownHostsPath]);
  } finally {
    writeFileSync(template, original);
  }
  assert.is(a.code, 6, a.err);
  assert.match(a.err, /playbook file roles\/node\/templates\/kubelet\.hbs differs/);
  assert.equal(await digests(), restored, 'a refused apply changed a host');
  a = await hw(['apply', plan, '--known-hosts', c.knownHostsPath, '--json']);
  assert.is(a.code, 0, a.err);
  const changed = results(a.out).filter((e) => e.status === 'changed');
  assert.ok(changed.length > 0 && changed.every((e) => e.host === N1 && e.planned), JSON.stringify(changed.map(key)));
  assert.not.match(await sh(c, N1, 'cat /etc/kubernetes/config'), /# drift/);
});

test.run();
