/**
 * `ping`: the ad-hoc connectivity check (Ansible's `ping` module). It connects, runs a shell (through
 * sudo with `--become`) and reads the answer back; it is always ok and never changes anything.
 */
import { Type, type Static } from '@sinclair/typebox';
import { defineTaskType } from '../core/define-task-type.ts';
import type { Probe, TaskType } from '../core/task-contract.ts';
import { Args } from './schema-types.ts';
import { quote } from '../transport/quote.ts';

/** Arguments of `ping`. */
export const PingArgsSchema = Args({
  /** What the host should answer (default `pong`). */
  data: Type.Optional(Type.String({ minLength: 1 })),
});
/** Arguments of `ping`. */
export type PingArgs = Static<typeof PingArgsSchema>;

/** The probe: the host echoes `data` back; anything else means its shell is not usable. */
export function pingProbe(args: PingArgs): Probe<string> {
  const data = args.data ?? 'pong';
  return {
    command: `printf '%s\\n' ${quote(data)}`,
    parse(result) {
      const answer = result.stdout.replace(/\n$/, '');
      if (result.code !== 0 || answer !== data) {
        throw new Error(
          `ping: expected ${JSON.stringify(data)}, got exit ${result.code} and ${JSON.stringify(answer)}${result.stderr ? ` (stderr: ${result.stderr.trim()})` : ''}`,
        );
      }
      return answer;
    },
  };
}

/** The `ping` task type. */
export const pingType: TaskType<typeof PingArgsSchema, string> = {
  name: 'ping',
  description: 'Check that the host is reachable and its shell answers (and sudo works with --become); never changes anything.',
  schema: PingArgsSchema,
  supportsDiff: false,
  idempotent: () => true,
  probe: (args) => pingProbe(args),
  plan: (_args, answer) => ({ status: 'ok', reason: answer }),
  // The plan is always ok: there is nothing to apply.
  steps: () => [],
};

/** `ping({})`: connect, run a shell, read `pong` back. */
export const ping = defineTaskType(pingType);
