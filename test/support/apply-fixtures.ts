/**
 * Applies tested from fixtures, like plans: test/fixtures/<type>/apply/*.json each hold a task's
 * arguments and a `change` plan, the steps its apply must run (as `describeSteps` prints them: stdin and
 * upload content as size and SHA-256), and outcomes: step results (as a host answered) with the result or
 * the error the task reports. `checkApplyFixtures(type)` asserts all of it with no host.
 *
 * After a deliberate change of a type's steps, review the new steps and write them into the fixtures:
 *   node_modules/.bin/node test/support/apply-fixtures.ts --record TYPE
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import { describeSteps, type StepContext, type StepResult } from '../../lib/core/apply-steps.ts';
import type { TaskType } from '../../lib/core/task-contract.ts';

/** One outcome case: the results of the steps that ran, and what the task reports. */
export interface ApplyOutcomeCase {
  description: string;
  results: StepResult[];
  /** A regular expression the TaskFailedError's message must match. */
  error?: string;
  /** The ApplyResult `outcome` returns (deep-equal; omitted: undefined). */
  result?: unknown;
}

/** One apply fixture. */
export interface ApplyFixture {
  description: string;
  args: Record<string, unknown>;
  plan: { status: 'change'; summary: string; data?: unknown };
  /** Context fields besides the defaults (host `h1`, not check, no diff, not sensitive). */
  ctx?: Partial<StepContext>;
  steps: Record<string, unknown>[];
  outcomes?: ApplyOutcomeCase[];
}

const sha256 = (b: string | Buffer): string => createHash('sha256').update(b).digest('hex');
const dirOf = (type: string): string => fileURLToPath(new URL(`../fixtures/${type}/apply/`, import.meta.url));

/** Plan data in JSON cannot hold Buffers: `{ "$base64": "..." }` stands for one. */
function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.$base64 === 'string' && Object.keys(o).length === 1) return Buffer.from(o.$base64, 'base64');
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, revive(v)]));
  }
  return value;
}

/** The apply fixtures of a task type (file names and contents). */
export function applyFixtures(typeName: string): { file: string; fx: ApplyFixture }[] {
  const dir = dirOf(typeName);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, fx: JSON.parse(readFileSync(join(dir, file), 'utf8')) as ApplyFixture }));
}

const contextOf = (fx: ApplyFixture): StepContext => ({ host: 'h1', check: false, diff: false, sensitive: false, memory: {}, ...(fx.ctx ?? {}) });

/** The steps of a fixture as the type builds them now, described as JSON. */
export function describedSteps(type: TaskType, fx: ApplyFixture): Record<string, unknown>[] {
  assert.ok(type.steps, `${type.name} describes its apply as steps`);
  const steps = type.steps!(revive(fx.args), revive(fx.plan) as never, contextOf(fx));
  return JSON.parse(JSON.stringify(describeSteps(steps, sha256)));
}

/** Assert every apply fixture of `type`: its steps, and every outcome. Returns the number of checks. */
export function checkApplyFixtures(type: TaskType): number {
  const all = applyFixtures(type.name);
  assert.ok(all.length > 0, `test/fixtures/${type.name}/apply/ holds apply fixtures`);
  let checks = 0;
  for (const { file, fx } of all) {
    assert.equal(describedSteps(type, fx), fx.steps, `${type.name}/apply/${file} (${fx.description}): steps`);
    checks++;
    for (const oc of fx.outcomes ?? []) {
      const results = new Map(oc.results.map((r) => [r.id, r]));
      const where = `${type.name}/apply/${file} (${fx.description}), outcome "${oc.description}"`;
      let got: unknown;
      let error: Error | undefined;
      try {
        got = type.outcome ? type.outcome(revive(fx.args), revive(fx.plan) as never, results, contextOf(fx)) : undefined;
      } catch (e) {
        error = e as Error;
      }
      if (oc.error !== undefined) {
        assert.ok(error, `${where}: expected an error matching /${oc.error}/, got ${JSON.stringify(got)}`);
        assert.match(error!.message, new RegExp(oc.error), where);
      } else {
        assert.not.ok(error, `${where}: unexpected error ${error?.message}`);
        assert.equal(JSON.parse(JSON.stringify(got ?? null)), oc.result ?? null, where);
      }
      checks++;
    }
  }
  return checks;
}

// --record TYPE: rewrite the `steps` of every fixture of TYPE from the current code (review the diff!).
if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] === '--record') {
  const { BUILTIN_TASK_TYPES } = await import('../../lib/tasks/builtin.ts');
  const type = BUILTIN_TASK_TYPES.find((t) => t.name === process.argv[3]);
  if (!type) throw new Error(`no built-in task type ${process.argv[3]}`);
  for (const { file, fx } of applyFixtures(type.name)) {
    fx.steps = describedSteps(type, fx);
    writeFileSync(join(dirOf(type.name), file), JSON.stringify(fx, null, 2) + '\n');
    console.log(`recorded ${type.name}/apply/${file}`);
  }
}
