/**
 * `group`: a local group present (with a gid, optionally a system group) or absent, through the shadow
 * tools (`groupadd`, `groupmod -g`, `groupdel`) as Ansible's group module does. Idempotent: decided from
 * `getent group`; a present group with another gid is changed with `groupmod`; `system` only matters
 * when the group is created (as in Ansible).
 */
import { Type, type Static } from '@sinclair/typebox';
import { TaskFailedError, tail } from '../core/errors.ts';
import { defineTaskType } from '../core/define-task-type.ts';
import { groupProbe, SBIN_PATH, type GroupState } from '../probes/account-db.ts';
import { quote } from '../transport/quote.ts';
import type { Plan, TaskType } from '../core/task-contract.ts';
import { Args } from './schema-types.ts';

/** A user or group name the shadow tools accept. */
export const AccountName = Type.String({
  pattern: '^[A-Za-z_][A-Za-z0-9_.-]*\\$?$',
  maxLength: 32,
  description: 'a user or group name such as etcd',
});

/** Arguments of the `group` task. */
export const GroupArgsSchema = Args({
  /** The group's name. */
  name: AccountName,
  /** Its numeric id; a present group with another gid is changed to it. */
  gid: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967294 })),
  /** `present` (default) or `absent`. */
  state: Type.Optional(Type.Union([Type.Literal('present'), Type.Literal('absent')])),
  /** Create it as a system group (gid from the system range); ignored for an existing group. */
  system: Type.Optional(Type.Boolean()),
  /** Allow a gid that another group already has. */
  nonUnique: Type.Optional(Type.Boolean()),
});
/** Arguments of the `group` task. */
export type GroupArgs = Static<typeof GroupArgsSchema>;

/** What apply runs: one shadow-tool command line (words). */
export interface GroupPlanData {
  argv: string[];
}

/** Pure plan of the `group` task. */
export function planGroup(args: GroupArgs, state: GroupState): Plan<GroupPlanData> {
  const { name, gid } = args;
  const g = state.group;
  if (args.state === 'absent') {
    if (!g) return { status: 'ok', reason: `group ${name} does not exist` };
    if (state.primaryOf.length)
      return { status: 'failed', reason: `group ${name} is the primary group of ${state.primaryOf.join(', ')}; remove or change those users first` };
    return {
      status: 'change',
      summary: `remove group ${name} (gid ${g.gid})`,
      diff: [{ kind: 'state', key: `group ${name}`, before: `gid ${g.gid}`, after: '(absent)' }],
      data: { argv: ['groupdel', name] },
    };
  }
  const taken = gid !== undefined && state.gidOwner !== undefined && state.gidOwner !== name && !args.nonUnique;
  if (taken) return { status: 'failed', reason: `gid ${gid} is already used by group ${state.gidOwner}; choose another gid or set nonUnique` };
  const unique = args.nonUnique ? ['-o'] : [];
  if (!g) {
    const argv = ['groupadd', ...(gid !== undefined ? ['-g', String(gid), ...unique] : []), ...(args.system ? ['-r'] : []), name];
    return {
      status: 'change',
      summary: `create group ${name}${gid !== undefined ? ` (gid ${gid})` : ''}${args.system ? ' (system)' : ''}`,
      diff: [{ kind: 'state', key: `group ${name}`, before: '(absent)', after: gid !== undefined ? `gid ${gid}` : 'present' }],
      data: { argv },
    };
  }
  if (gid !== undefined && g.gid !== gid) {
    return {
      status: 'change',
      summary: `group ${name}: gid ${g.gid} → ${gid}`,
      diff: [{ kind: 'state', key: `group ${name} gid`, before: String(g.gid), after: String(gid) }],
      data: { argv: ['groupmod', '-g', String(gid), ...unique, name] },
    };
  }
  return { status: 'ok', reason: `group ${name} exists (gid ${g.gid})` };
}

/** The `group` task type. */
export const groupType: TaskType<typeof GroupArgsSchema, GroupState, GroupPlanData> = {
  name: 'group',
  description: 'A local group present with a gid (groupadd/groupmod) or absent (groupdel).',
  schema: GroupArgsSchema,
  supportsDiff: true,
  check(args) {
    if (args.state === 'absent' && (args.gid !== undefined || args.system !== undefined || args.nonUnique !== undefined))
      return 'gid, system and nonUnique are not allowed with state "absent"';
    if (args.nonUnique && args.gid === undefined) return 'nonUnique needs gid';
    return undefined;
  },
  probe: (args) => groupProbe(args.name, args.state === 'absent' ? undefined : args.gid),
  plan: (args, state) => planGroup(args, state),
  steps(_args, plan) {
    const argv = plan.data!.argv;
    return [{ id: 'apply', kind: 'exec', label: argv.join(' '), command: `${SBIN_PATH}\n${argv.map(quote).join(' ')}` }];
  },
  outcome(args, plan, results, ctx) {
    const argv = plan.data!.argv;
    const r = results.get('apply')!;
    if (r.code !== 0)
      throw new TaskFailedError(`${ctx.host}: group ${args.name}: ${argv[0]} failed (exit ${r.code}): ${tail(r.stderr || r.stdout)}`, {
        host: ctx.host,
        command: argv.join(' '),
        code: r.code,
        stderr: r.stderr,
      });
    return undefined;
  },
};

/** `group({ name: 'etcd', gid: 990, system: true })`: a local group. */
export const group = defineTaskType(groupType);
