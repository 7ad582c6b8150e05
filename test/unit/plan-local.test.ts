/**
 * Saved plans end to end on the local transport (real shell, temporary folders, no root): save, show,
 * apply exactly the planned tasks; refusal before any change when a file changed on a host, a variable
 * or a template changed; a plan that diverges during the apply stops that host; the schema file.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { hostwrightMain } from '../../lib/cli/main.ts';
import { PlanFileSchema, planProblems, type PlanFile } from '../../lib/plan/schema.ts';
import { planGuard, unplannedDiff } from '../../lib/plan/compare.ts';

const root = mkdtempSync(join(tmpdir(), 'hw-plan-'));
const templates = join(root, 'templates');
cpSync(new URL('../fixtures/plans/templates/', import.meta.url).pathname, templates, { recursive: true });
process.env.HW_PLAN_TEMPLATES = templates;
const playbookFile = new URL('../fixtures/plans/playbook.ts', import.meta.url).pathname;
const hosts = ['h1', 'h2'];
const dirs = Object.fromEntries(hosts.map((h) => [h, join(root, h)]));
hosts.forEach((h) => mkdirSync(dirs[h]));
const inv = join(root, 'inv.yml');
const writeInventory = (extra: Record<string, unknown> = {}) =>
  writeFileSync(
    inv,
    stringify({ all: { hosts: Object.fromEntries(hosts.map((h) => [h, { ansible_connection: 'local', dir: dirs[h], ...extra }])) } }),
  );
writeInventory();

async function hw(args: string[]) {
  let out = '';
  let err = '';
  const code = await hostwrightMain(args, { write: (s: string) => ((out += s), true) } as any, { write: (s: string) => ((err += s), true) } as any);
  return { code, out, err };
}
const snapshot = () =>
  hosts.map((h) =>
    ['app.conf', 'motd', 'reloads'].map((f) => (existsSync(join(dirs[h], f)) ? readFileSync(join(dirs[h], f), 'utf8') : '-')).join('|'),
  );

test('save, show and apply: exactly the planned tasks change, reported planned / applied', async () => {
  const plan = join(root, 'p1.json');
  const before = snapshot();
  const saved = await hw(['run', playbookFile, '-i', inv, '--check', '--save-plan', plan, '--detailed-exitcode']);
  assert.is(saved.code, 3, saved.out + saved.err);
  assert.equal(snapshot(), before, 'the check changed something');
  const p: PlanFile = JSON.parse(readFileSync(plan, 'utf8'));
  assert.is(planProblems(p), undefined);
  assert.is(p.hosts.h1.changes, 3);
  assert.ok(p.tasks.find((t) => t.task === 'app config')!.results.h1.diff![0].kind === 'file');
  assert.ok(
    Object.keys(p.playbook.files).some((f) => f.endsWith('app.conf.hbs')),
    JSON.stringify(p.playbook.files),
  );
  assert.ok(Object.keys(p.playbook.files).some((f) => f.endsWith('playbook.ts')));
  const shown = await hw(['plan', 'show', plan]);
  assert.is(shown.code, 0);
  assert.match(shown.out, /TASK \[app : app config\]/);
  assert.match(shown.out, /\+port = 8080/);
  const json = await hw(['plan', 'show', plan, '--json']);
  assert.is(
    json.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((e) => e.event === 'host-result').length,
    6,
  );
  const applied = await hw(['apply', plan]);
  assert.is(applied.code, 0, applied.out + applied.err);
  assert.match(applied.out, /PLAN APPLY .*: 6 of 6 planned change\(s\) applied/);
  assert.match(applied.out, /h2: app : app config: planned changed, applied/);
  assert.equal(
    snapshot(),
    hosts.map((h) => `port = 8080\ngreeting = hello\n|hello from ${h}\n|reloaded\n`),
  );
  const again = await hw(['run', playbookFile, '-i', inv, '--check', '--detailed-exitcode', '--report', join(root, 'converged.html')]);
  assert.is(again.code, 0, 'converged after the apply');
  assert.match(readFileSync(join(root, 'converged.html'), 'utf8'), /<!doctype html>[\s\S]*"check":true/);
  const adhoc = await hw(['all', '-i', inv, '-m', 'shell', '-a', 'true', '--detailed-exitcode', '--report', join(root, 'adhoc.html')]);
  assert.is(adhoc.code, 3, 'an ad-hoc command that ran reports a change');
  assert.match(readFileSync(join(root, 'adhoc.html'), 'utf8'), /"module":"shell"/);
});

test('a file edited on a host after the plan: the apply refuses before any host changes, naming host, task and difference', async () => {
  writeFileSync(join(dirs.h1, 'motd'), 'edited\n');
  const plan = join(root, 'p2.json');
  assert.is((await hw(['run', playbookFile, '-i', inv, '--check', '--save-plan', plan])).code, 0);
  writeFileSync(join(dirs.h2, 'motd'), 'edited on h2\n');
  const before = snapshot();
  const r = await hw(['apply', plan]);
  assert.is(r.code, 6, r.out + r.err);
  assert.match(r.err, /REFUSED: hosts changed since the plan/);
  assert.match(r.err, /h2: app : motd: probed state differs\n\s+plan: ok .*\n\s+now:\s+changed/);
  assert.match(r.err, /-edited on h2/);
  assert.not.match(r.err, /h1: app : motd/);
  assert.equal(snapshot(), before, 'the refused apply changed a host');
});

test('a changed variable or template: refused before any host is contacted, naming it', async () => {
  const plan = join(root, 'p3.json');
  assert.is((await hw(['run', playbookFile, '-i', inv, '--check', '--save-plan', plan])).code, 0);
  let r = await hw(['apply', plan, '-e', 'greeting=hi']);
  assert.is(r.code, 6);
  assert.match(r.err, /h1: variable greeting differs/);
  writeInventory({ port: 9090 });
  r = await hw(['apply', plan]);
  assert.is(r.code, 6);
  assert.match(r.err, /h2: variable port differs/);
  writeInventory();
  writeFileSync(join(templates, 'app.conf.hbs'), 'port = {{port}}\n');
  const before = snapshot();
  r = await hw(['apply', plan]);
  assert.is(r.code, 6);
  assert.match(r.err, /playbook file .*app\.conf\.hbs differs/);
  assert.equal(snapshot(), before);
});

test('bad plan files and option combinations exit 5', async () => {
  writeFileSync(join(root, 'bad.json'), '{"format":"hostwright-plan","version":1}');
  let r = await hw(['apply', join(root, 'bad.json')]);
  assert.is(r.code, 5);
  assert.match(r.err, /is not a hostwright plan: .*must have required property/);
  r = await hw(['run', playbookFile, '-i', inv, '--save-plan', join(root, 'x.json')]);
  assert.is(r.code, 5);
  assert.match(r.err, /--save-plan needs --check/);
  r = await hw(['plan', 'show', join(root, 'missing.json')]);
  assert.is(r.code, 5);
  r = await hw(['run', playbookFile, '-i', inv, '--check', '--report', join(root, 'no-such-folder', 'r.html')]);
  assert.is(r.code, 5);
  assert.match(r.err, /--report .*folder .*no-such-folder does not exist/);
  r = await hw(['run', playbookFile, '-i', inv, '--check', '--save-plan', join(root, 'x.json'), '--apply-plan', join(root, 'x.json')]);
  assert.is(r.code, 5);
});

test('the guard: a change not in the plan, or a different result, stops the host', () => {
  const plan = {
    tasks: [
      {
        play: 'p',
        task: 'a',
        handler: false,
        results: {
          h: { status: 'ok', summary: 'fine' },
          g: { status: 'changed', summary: 'content', diff: [{ kind: 'file', path: '/x', before: '', after: 'new\n' }] },
        },
      },
    ],
  } as unknown as PlanFile;
  const g = planGuard(plan);
  assert.match(g.guard({ host: 'h', task: 'a', handler: false, status: 'change', summary: 'content of /x' })!, /a change that is not in the plan/);
  assert.match(g.guard({ host: 'h', task: 'a', handler: false, status: 'ok', summary: '' })!, /not in the plan/, 'a diverged host stays stopped');
  assert.match(
    g.guard({
      host: 'g',
      task: 'a',
      handler: false,
      status: 'change',
      summary: 'content',
      diff: [{ kind: 'file', path: '/x', before: '', after: 'other\n' }],
    })!,
    /\/x would get other content than planned/,
  );
  const g2 = planGuard(plan);
  assert.is(
    g2.guard({
      host: 'g',
      task: 'a',
      handler: false,
      status: 'change',
      summary: 'content',
      diff: [{ kind: 'file', path: '/x', before: 'old', after: 'new\n' }],
    }),
    undefined,
  );
  assert.match(g2.guard({ host: 'g', task: 'b', handler: false, status: 'ok', summary: '' })!, /the plan has "a" here/);
});

test('unplannedDiff: files and settings outside the plan, other results; loop edits of one file in turn are allowed', () => {
  const f = (path: string, after: string) => ({ kind: 'file' as const, path, before: '', after });
  const st = (key: string, after: string) => ({ kind: 'state' as const, key, before: 'x', after });
  assert.is(unplannedDiff([f('/a', '1')], [f('/a', '1')]), undefined);
  assert.match(unplannedDiff([f('/b', '1')], [f('/a', '1')])!, /\/b is not in the planned diff/);
  assert.match(unplannedDiff([st('state', 'stopped')], [st('state', 'started')])!, /state would become stopped, planned started/);
  assert.is(unplannedDiff([f('/hosts', 'l1\nl2\n')], [f('/hosts', 'l1\n'), f('/hosts', 'l2\n')]), undefined);
});

test('schemas/plan-v1.schema.json is the published form of the plan schema', () => {
  const file = JSON.parse(readFileSync(new URL('../../schemas/plan-v1.schema.json', import.meta.url), 'utf8'));
  assert.equal(
    file,
    { $schema: 'http://json-schema.org/draft-07/schema#', ...JSON.parse(JSON.stringify(PlanFileSchema)) },
    'stale: run node scripts/write-plan-schema.ts',
  );
});

test.run();
