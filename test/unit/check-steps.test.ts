/**
 * The steps of an apply shown before it runs, on the local transport (real shell, temporary folders):
 * `--check -vv` prints each changing task's exact commands, with stdin as size and SHA-256 only; a saved
 * plan records them the same way; a sensitive task's steps appear nowhere; the plan still applies.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { hostwrightMain } from '../../lib/cli/main.ts';
import { planProblems, type PlanFile } from '../../lib/plan/schema.ts';
import type { DescribedStep } from '../../lib/core/run-events.ts';
import { renderSteps } from '../../lib/report/steps.ts';
import { rebootType } from '../../lib/tasks/reboot.ts';
import { getUrl } from '../../lib/tasks/get-url.ts';
import { definePlaybook } from '../../lib/play/define.ts';
import { run } from '../../lib/run.ts';
import { applyFixtures, describedSteps } from '../support/apply-fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'hw-steps-'));
const dir = join(root, 'h1');
mkdirSync(dir);
const inv = join(root, 'inv.yml');
writeFileSync(inv, stringify({ all: { hosts: { h1: { ansible_connection: 'local', dir } } } }));
const playbookFile = new URL('../fixtures/plans/steps-playbook.ts', import.meta.url).pathname;
const stdinSum = createHash('sha256').update('hello from stdin\n').digest('hex');

async function hw(args: string[]) {
  let out = '';
  let err = '';
  const code = await hostwrightMain(args, { write: (s: string) => ((out += s), true) } as any, { write: (s: string) => ((err += s), true) } as any);
  return { code, out, err };
}

test('--check -vv shows the exact command and stdin as size and SHA-256; without -vv, no steps', async () => {
  const r = await hw(['run', playbookFile, '-i', inv, '--check', '-vv']);
  assert.is(r.code, 0, r.out + r.err);
  const block = r.out.slice(r.out.indexOf('TASK [write greeting]'), r.out.indexOf('TASK [write secret]'));
  assert.match(block, /changed: \[h1\] => run cat > .*\/greeting/);
  assert.match(block, / {2}steps it would run:\n {2}1\. \[run\] shell cat > \S+\/greeting\n/);
  assert.ok(block.includes(`       $ exec /bin/sh -c 'cat > ${dir}/greeting'\n`), block);
  assert.ok(block.includes(`       stdin: 17 bytes, sha256 ${stdinSum}\n`), block);
  assert.ok(block.includes('goes on after exit any code'), block);
  assert.not.match(r.out, /hello from stdin/, 'stdin content is never printed');
  // Sensitive: neither its steps nor its command.
  assert.not.match(r.out, /\/secret'/);
  assert.is((r.out.match(/steps it would run/g) ?? []).length, 1);
  assert.not.ok(existsSync(join(dir, 'greeting')), 'check mode ran the command');
  const quiet = await hw(['run', playbookFile, '-i', inv, '--check', '-v']);
  assert.is(quiet.code, 0);
  assert.not.match(quiet.out, /steps it would run/);
});

test('a saved plan records the steps of each changing task (described, no raw content) and still applies', async () => {
  const plan = join(root, 'plan.json');
  const saved = await hw(['run', playbookFile, '-i', inv, '--check', '--save-plan', plan]);
  assert.is(saved.code, 0, saved.out + saved.err);
  const text = readFileSync(plan, 'utf8');
  const p: PlanFile = JSON.parse(text);
  assert.is(planProblems(p), undefined);
  const greeting = p.tasks.find((t) => t.task === 'write greeting')!.results.h1;
  assert.is(greeting.status, 'changed');
  assert.equal(greeting.steps, [
    {
      id: 'run',
      kind: 'exec',
      label: `shell cat > ${dir}/greeting`,
      command: `exec /bin/sh -c 'cat > ${dir}/greeting'`,
      okCodes: 'any',
      stdin: { bytes: 17, sha256: stdinSum },
    },
  ]);
  assert.is(p.tasks.find((t) => t.task === 'write secret')!.results.h1.steps, undefined, 'a sensitive task records no steps');
  assert.not.ok(text.includes('hello from stdin') || text.includes('not for the console'), 'no raw content in the plan');
  const applied = await hw(['apply', plan]);
  assert.is(applied.code, 0, applied.out + applied.err);
  assert.is(readFileSync(join(dir, 'greeting'), 'utf8'), 'hello from stdin\n');
  assert.is(readFileSync(join(dir, 'secret'), 'utf8'), 'not for the console\n');
});

test("every kind of step reads in words: a reboot's request that may drop the connection, and its waits", () => {
  const fx = applyFixtures('reboot').find((f) => f.file === 'custom.json')!.fx;
  const lines = renderSteps(describedSteps(rebootType, fx) as DescribedStep[]);
  assert.is(lines[0], '  steps it would run:');
  assert.ok(lines.includes('  1. [schedule] schedule the reboot'), lines.join('\n'));
  assert.ok(lines.includes('       the connection may drop (not a failure)'), lines.join('\n'));
  assert.ok(
    lines.includes(
      '       wait up to 300 s until `cat /proc/sys/kernel/random/boot_id` succeeds with another output than 1d5f0a5c-7a53-4c83-9f1f-1b0b1e8f2a10',
    ),
    lines.join('\n'),
  );
  assert.ok(lines.includes('       wait up to 300 s (first after 10 s) until `systemctl is-system-running` succeeds'), lines.join('\n'));
  const upload = renderSteps([
    { id: 'w', kind: 'upload', label: 'write /etc/x', path: '/etc/x', mode: '0644', content: { bytes: 3, sha256: 'abc' } },
  ]);
  assert.equal(upload.slice(1), ['  1. [w] write /etc/x', '       upload to /etc/x (mode 0644): 3 bytes, sha256 abc']);
});

const text0 = (e: unknown[]) => JSON.stringify(e).slice(0, 2000);
test('header values of getUrl (credentials) are masked in the steps of every event', async () => {
  const events: unknown[] = [];
  const token = 'Bearer s3cr3t-token-4711';
  const pb = definePlaybook({
    name: 'dl',
    plays: [
      { name: 'dl', hosts: 'all', tasks: [getUrl({ url: 'http://127.0.0.1:9/file', dest: join(dir, 'dl'), headers: { Authorization: token } })] },
    ],
  });
  const r = await run(pb, {
    inventory: { all: { hosts: { h1: { ansible_connection: 'local' } } } },
    check: true,
    listeners: [(e) => events.push(e)],
  });
  assert.is(r.exitCode, 0, text0(events));
  const text = JSON.stringify(events);
  assert.match(text, /"steps":\[/, 'check mode described the steps');
  assert.match(text, /Authorization: \*{8}/);
  assert.not.ok(text.includes('s3cr3t-token-4711'), 'the header value leaked');
});

test.run();
