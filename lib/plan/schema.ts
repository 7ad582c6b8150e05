/**
 * The saved plan file (`--check --save-plan FILE`): versioned JSON, described by one TypeBox schema that
 * is published as schemas/plan-v1.schema.json and checked when a plan is read.
 */
import { Type, type Static } from '@sinclair/typebox';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';

/** The plan format's version; a plan of another version is refused. */
export const PLAN_VERSION = 1;

const DiffSchema = Type.Union([
  Type.Object({ kind: Type.Literal('file'), path: Type.String(), before: Type.String(), after: Type.String() }),
  Type.Object({ kind: Type.Literal('state'), key: Type.String(), before: Type.String(), after: Type.String() }),
  Type.Object({ kind: Type.Literal('note'), text: Type.String() }),
]);

/** One step a changing task's apply will run, described (lib/core/apply-steps.ts `describeSteps`): content as size and SHA-256. */
const StepSchema = Type.Object(
  {
    id: Type.String(),
    kind: Type.Union([Type.Literal('exec'), Type.Literal('upload'), Type.Literal('download'), Type.Literal('reconnect')]),
    label: Type.String({ description: 'what the step does, in words' }),
    command: Type.Optional(Type.String({ description: 'exec: the shell text, exactly as it will run' })),
    stdin: Type.Optional(
      Type.Object({ bytes: Type.Integer(), sha256: Type.String() }, { description: 'exec: what goes to standard input, as size and SHA-256' }),
    ),
    content: Type.Optional(
      Type.Object({ bytes: Type.Integer(), sha256: Type.String() }, { description: 'upload: the bytes written, as size and SHA-256' }),
    ),
    uses: Type.Optional(Type.String({ description: "how the step depends on an earlier step's output" })),
  },
  { additionalProperties: true, description: 'paths, exit codes, timeouts and waits as in lib/core/apply-steps.ts' },
);

/** One host's planned result of one task. */
export const PlannedResultSchema = Type.Object(
  {
    status: Type.Union(
      [
        Type.Literal('ok'),
        Type.Literal('changed'),
        Type.Literal('may-change'),
        Type.Literal('skipped'),
        Type.Literal('failed'),
        Type.Literal('unreachable'),
      ],
      { description: 'changed = will change; may-change = hinges on an earlier change on the host' },
    ),
    summary: Type.String({ description: 'what will change, or why nothing has to' }),
    diff: Type.Optional(Type.Array(DiffSchema, { description: 'before → after, secrets masked' })),
    probe: Type.Optional(Type.String({ description: 'fingerprint of the probed state the verdict was decided from' })),
    module: Type.Optional(Type.String()),
    steps: Type.Optional(Type.Array(StepSchema, { description: 'changed: the exact steps the apply will run (not for sensitive tasks)' })),
  },
  { additionalProperties: false },
);

/** One task run (in run order), with each host's planned result. */
export const PlannedTaskSchema = Type.Object(
  {
    play: Type.String(),
    task: Type.String(),
    role: Type.Optional(Type.String()),
    handler: Type.Boolean(),
    results: Type.Record(Type.String(), PlannedResultSchema),
  },
  { additionalProperties: false },
);

/** The whole plan file. */
export const PlanFileSchema = Type.Object(
  {
    format: Type.Literal('hostwright-plan'),
    version: Type.Literal(PLAN_VERSION),
    hostwright: Type.String({ description: 'version of hostwright that made the plan; apply refuses another' }),
    createdAt: Type.String(),
    playbook: Type.Object(
      {
        name: Type.String(),
        file: Type.Optional(Type.String({ description: 'the playbook module, for `hostwright apply`' })),
        fingerprint: Type.String(),
        files: Type.Record(Type.String(), Type.String(), { description: 'each file the fingerprint covers → its digest' }),
      },
      { additionalProperties: false },
    ),
    run: Type.Object(
      {
        inventory: Type.Array(Type.String(), { description: 'inventory files, as given' }),
        limit: Type.Optional(Type.String()),
        tags: Type.Array(Type.String()),
        skipTags: Type.Array(Type.String()),
      },
      { additionalProperties: false },
    ),
    hosts: Type.Record(
      Type.String(),
      Type.Object(
        {
          vars: Type.Record(Type.String(), Type.String(), {
            description: 'variable name → fingerprint of its value as resolved for the host (inventory and -e)',
          }),
          state: Type.String({ description: 'fingerprint of every probed state of the host' }),
          changes: Type.Integer({ description: 'tasks planned to change (or that may change) on the host' }),
        },
        { additionalProperties: false },
      ),
    ),
    tasks: Type.Array(PlannedTaskSchema),
  },
  { additionalProperties: false, $id: 'https://github.com/hostwright/hostwright/schemas/plan-v1.schema.json', title: 'hostwright saved plan' },
);

/** A saved plan. */
export type PlanFile = Static<typeof PlanFileSchema>;
/** One host's planned result of one task. */
export type PlannedResult = Static<typeof PlannedResultSchema>;
/** One planned task run. */
export type PlannedTask = Static<typeof PlannedTaskSchema>;

let validate: ValidateFunction | undefined;

/** Check a parsed plan against the schema; returns the first problems as text, or undefined. */
export function planProblems(value: unknown): string | undefined {
  if (
    value &&
    typeof value === 'object' &&
    (value as { format?: unknown }).format === 'hostwright-plan' &&
    (value as { version?: unknown }).version !== PLAN_VERSION
  ) {
    return `plan format version ${(value as { version?: unknown }).version} is not supported (this hostwright reads version ${PLAN_VERSION}); make the plan again`;
  }
  // ajv is loaded only when a plan is read (most runs never do): it is a large part of start-up.
  validate ??= new (createRequire(import.meta.url)('ajv') as typeof import('ajv')).Ajv({ allErrors: true, strict: false }).compile(PlanFileSchema);
  if (validate(value)) return undefined;
  return (validate.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'} ${e.message}`)
    .join('; ');
}
