/**
 * `facts`: gather the host's facts (OS family, distribution and version, package and service manager,
 * hostname, addresses) in one round trip and report them; always ok, never changes anything. With
 * `register`, later tasks, `when` conditions and deferred arguments can read them.
 */
import type { Static } from '@sinclair/typebox';
import { factsProbe } from '../probes/host-facts.ts';
import { defineTaskType } from '../core/define-task-type.ts';
import type { Facts, Plan, TaskType } from '../core/task-contract.ts';
import { Args } from './schema-types.ts';

/** Arguments of the `facts` task: none. */
export const FactsArgsSchema = Args({});
/** Arguments of the `facts` task. */
export type FactsArgs = Static<typeof FactsArgsSchema>;

/** A one-line summary: `CentOS 7.9.2009 (RedHat family, yum, systemd), hostname node1, 10.77.0.11`. */
export function describeFacts(f: Facts): string {
  const addresses = f.addresses.length ? `, ${f.addresses.join(' ')}` : ', no address';
  return `${f.distribution} ${f.distributionVersion} (${f.osFamily} family, ${f.packageManager}, ${f.serviceManager}), hostname ${f.hostname || '(none)'}${addresses}`;
}

/**
 * Pure plan (exported for fixture tests): always ok. The plan also carries the facts as `extra.facts` (the
 * same field name as `ApplyResult.extra`), for the engine to put into the registered result.
 */
export function planFacts(_args: FactsArgs, facts: Facts): Plan {
  const plan = { status: 'ok' as const, reason: describeFacts(facts), extra: { facts } };
  return plan;
}

/** The `facts` task type. */
export const factsType: TaskType<typeof FactsArgsSchema, Facts> = {
  name: 'facts',
  description: 'Gather the host facts (OS, distribution, package and service manager, hostname, addresses).',
  schema: FactsArgsSchema,
  supportsDiff: false,
  idempotent: () => true,
  probe: () => factsProbe,
  plan: (args, facts) => planFacts(args, facts),
  // The plan is always ok: there is nothing to apply.
  steps: () => [],
};

/** `facts({}, { register: 'facts' })`: gather the host's facts; always ok. */
export const facts = defineTaskType(factsType);
