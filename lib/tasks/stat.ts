/**
 * `stat`: read-only facts about one path (existence, type, mode, owner, size, mtime, link target,
 * checksum) for `register` and `when`, with Ansible's field names under `stat`. Never changes anything:
 * always ok, in check mode too.
 */
import { Type, type Static } from '@sinclair/typebox';
import { defineTaskType } from '../core/define-task-type.ts';
import { pathStatProbe, type PathStat } from '../probes/path-stat.ts';
import type { Plan, TaskType } from '../core/task-contract.ts';
import { AbsolutePath, Args } from './schema-types.ts';

/** Arguments of the `stat` task. */
export const StatArgsSchema = Args({
  /** Absolute path on the host. */
  path: AbsolutePath,
  /** Describe the target of a symbolic link instead of the link (default false). */
  follow: Type.Optional(Type.Boolean()),
  /** Compute the checksum of a regular file (default true). */
  checksum: Type.Optional(Type.Boolean()),
  /** Algorithm of the checksum (default `sha1`, as Ansible). */
  checksumAlgorithm: Type.Optional(
    Type.Union([
      Type.Literal('md5'),
      Type.Literal('sha1'),
      Type.Literal('sha224'),
      Type.Literal('sha256'),
      Type.Literal('sha384'),
      Type.Literal('sha512'),
    ]),
  ),
});
/** Arguments of the `stat` task. */
export type StatArgs = Static<typeof StatArgsSchema>;

/** Pure plan of the `stat` task: always ok, the state registered as `stat`. */
export function planStat(args: StatArgs, state: PathStat): Plan<never> {
  const what = !state.exists
    ? 'does not exist'
    : state.isdir
      ? `is a directory (${state.mode} ${state.pw_name}:${state.gr_name})`
      : state.islnk
        ? `is a link to ${state.lnk_target}`
        : state.isreg
          ? `is a file of ${state.size} bytes (${state.mode} ${state.pw_name}:${state.gr_name})`
          : 'exists (special file)';
  return { status: 'ok', reason: `${args.path} ${what}`, extra: { stat: state } };
}

/** The `stat` task type. */
export const statType: TaskType<typeof StatArgsSchema, PathStat, never> = {
  name: 'stat',
  description: 'Read facts about a path (exists, type, mode, owner, size, checksum) for register and when; changes nothing.',
  schema: StatArgsSchema,
  supportsDiff: true,
  check(args) {
    if (args.checksum === false && args.checksumAlgorithm !== undefined) return 'checksumAlgorithm is not allowed with checksum: false';
    return undefined;
  },
  probe: (args) => pathStatProbe(args.path, { follow: args.follow, checksum: args.checksum === false ? false : (args.checksumAlgorithm ?? 'sha1') }),
  plan: (args, state) => planStat(args, state),
  // The plan is always ok: there is nothing to apply.
  steps: () => [],
};

/** `stat({ path: '/etc/kubernetes/admin.conf' }, { register: 'admin' })`, then `when: (v) => v.admin.stat.exists`. */
export const stat = defineTaskType(statType);
