/**
 * Applies as data: every built-in task type describes its apply as steps (no imperative `apply`), and
 * every type that can change a host has apply fixtures (test/fixtures/<type>/apply/) whose steps and
 * outcomes hold. Also the step runner's own rules, on the local machine (no test host needed).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ApplyStep, StepResult } from '../../lib/core/apply-steps.ts';
import { defineTaskType } from '../../lib/core/define-task-type.ts';
import type { HostHandle, TaskType } from '../../lib/core/task-contract.ts';
import { applySteps } from '../../lib/engine/run-steps.ts';
import { BUILTIN_TASK_TYPES } from '../../lib/tasks/builtin.ts';
import { LocalTransport } from '../../lib/transport/local.ts';
import { applyFixtures, checkApplyFixtures } from '../support/apply-fixtures.ts';

/** Types whose plan never says "change" (they only read), so they have no steps to test. */
const READ_ONLY = new Set(['facts', 'ping', 'stat']);

test('every built-in task type describes its apply as steps', () => {
  const imperative = BUILTIN_TASK_TYPES.filter((t) => !t.steps || t.apply).map((t) => t.name);
  assert.equal(imperative, []);
});

for (const type of BUILTIN_TASK_TYPES) {
  if (READ_ONLY.has(type.name) || !type.steps) continue;
  test(`${type.name}: apply fixtures (steps and outcomes)`, () => {
    assert.ok(applyFixtures(type.name).length > 0, `test/fixtures/${type.name}/apply/ has fixtures`);
    assert.ok(checkApplyFixtures(type) > 0);
  });
}

test('a task type gives steps or apply, not both and not neither', () => {
  const base = {
    name: 'x',
    description: 'x',
    schema: {} as never,
    supportsDiff: false,
    probe: () => undefined,
    plan: () => ({ status: 'ok', reason: 'x' }),
  } as unknown as TaskType;
  assert.throws(() => defineTaskType(base), /neither/);
  assert.throws(() => defineTaskType({ ...base, steps: () => [], apply: async () => undefined }), /both/);
});

const local = new LocalTransport({ name: 'local' });
const host: HostHandle = { name: 'local', exec: (c, o) => local.exec(c, o), put: (p, c, o) => local.put(p, c, o) };
const typeWith = (steps: ApplyStep[], outcome?: TaskType['outcome']): TaskType =>
  ({
    name: 't',
    description: 't',
    schema: {} as never,
    supportsDiff: false,
    probe: () => undefined,
    plan: () => ({ status: 'ok', reason: '' }),
    steps: () => steps,
    ...(outcome ? { outcome } : {}),
  }) as TaskType;
const plan = { status: 'change' as const, summary: 's' };
const ctx = { host: 'local', check: false, diff: false, sensitive: false };

test('steps run in order; the first step outside okCodes ends the apply; outcome sees every result', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hw-steps-'));
  try {
    let seen: StepResult[] = [];
    const type = typeWith(
      [
        { id: 'write', kind: 'upload', label: 'write a', path: join(dir, 'a'), content: 'one\n' },
        { id: 'read', kind: 'exec', label: 'cat a', command: `cat ${join(dir, 'a')}` },
        { id: 'fail', kind: 'exec', label: 'exit 3', command: 'echo bad >&2; exit 3', onFailure: { label: 'why', command: 'echo because' } },
        { id: 'never', kind: 'exec', label: 'touch b', command: `touch ${join(dir, 'b')}` },
      ],
      (_a, _p, results) => {
        seen = [...results.values()];
      },
    );
    const error = await applySteps(type, {}, plan, host, ctx).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.match(error?.message ?? '', /^local: exit 3 failed \(exit 3\): bad$/);
    assert.equal(
      seen.map((r) => [r.id, r.code]),
      [
        ['write', 0],
        ['read', 0],
        ['fail', 3],
      ],
    );
    assert.equal(seen[1].stdout, 'one\n');
    assert.equal(seen[2].diagnostics, 'because');
    assert.throws(() => readFileSync(join(dir, 'b')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('okCodes and when: a step runs only after the codes it names', async () => {
  const type = typeWith(
    [
      { id: 'probe', kind: 'exec', label: 'exit 1', command: 'exit 1', okCodes: [0, 1] },
      { id: 'on0', kind: 'exec', label: 'echo 0', command: 'echo zero', when: { step: 'probe', codes: [0] } },
      { id: 'on1', kind: 'exec', label: 'echo 1', command: 'echo one', when: { step: 'probe', codes: [1] } },
    ],
    (_a, _p, results) => ({ stdout: [...results.values()].map((r) => `${r.id}:${r.stdout.trim()}`).join(',') }),
  );
  assert.equal(await applySteps(type, {}, plan, host, ctx), { stdout: 'probe:,on1:one' });
});

test('an outcome that throws gives the task its own words', async () => {
  const type = typeWith([{ id: 'a', kind: 'exec', label: 'exit 4', command: 'exit 4' }], (_a, _p, r) => {
    if (r.get('a')!.code === 4) throw new Error('four means the key is unknown');
  });
  await applySteps(type, {}, plan, host, ctx).then(
    () => assert.unreachable('accepted'),
    (e: Error) => assert.is(e.message, 'four means the key is unknown'),
  );
});

test('a download writes only bytes with the expected SHA-256', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hw-steps-'));
  try {
    const src = join(dir, 'src');
    await local.put(src, 'payload\n');
    const good = typeWith([
      {
        id: 'd',
        kind: 'download',
        label: 'fetch',
        from: src,
        to: join(dir, 'out', 'copy'),
        sha256: 'c2b3e2d7e1bca0c3a2e64b9e0e3b08a2c4c5bfb2c2b3e2d7e1bca0c3a2e64b9e',
      },
    ]);
    const error = await applySteps(good, {}, plan, host, ctx).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.match(error?.message ?? '', /not c2b3e2d7.* as probed/);
    assert.throws(() => readFileSync(join(dir, 'out', 'copy')));
    const ok = typeWith([{ id: 'd', kind: 'download', label: 'fetch', from: src, to: join(dir, 'out', 'copy') }]);
    await applySteps(ok, {}, plan, host, ctx);
    assert.is(readFileSync(join(dir, 'out', 'copy'), 'utf8'), 'payload\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
