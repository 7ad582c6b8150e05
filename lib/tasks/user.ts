/**
 * `user`: a local account present or absent, through the shadow tools (`useradd`, `usermod`, `userdel`)
 * with Ansible's user module's rules: uid, primary group, supplementary groups (exact or `append`), home
 * (created with /etc/skel when missing, `moveHome`), shell, comment, system, password hash, expiry, lock,
 * removal with the home. Idempotent: decided from `getent passwd/shadow/group` in one round trip. The
 * password hash is sensitive by default: it goes to the host on stdin, never on a command line, in a
 * diff, a summary or an error.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TaskFailedError, tail } from '../core/errors.ts';
import { defineTaskType } from '../core/define-task-type.ts';
import { SBIN_PATH, userProbe, type UserState } from '../probes/account-db.ts';
import { quote } from '../transport/quote.ts';
import type { Diff, Plan, TaskContext, TaskType } from '../core/task-contract.ts';
import { AccountName } from './group.ts';
import { AbsolutePath, Args } from './schema-types.ts';

const GroupRef = Type.String({ pattern: '^([A-Za-z_][A-Za-z0-9_.-]*\\$?|[0-9]+)$', description: 'a group name or gid' });

/** Arguments of the `user` task. */
export const UserArgsSchema = Args({
  /** The login name. */
  name: AccountName,
  /** `present` (default) or `absent`. */
  state: Type.Optional(Type.Union([Type.Literal('present'), Type.Literal('absent')])),
  uid: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967294 })),
  /** Primary group (name or gid); it must exist. */
  group: Type.Optional(GroupRef),
  /** Supplementary groups; exactly these unless `append`. `[]` without append removes all. */
  groups: Type.Optional(Type.Array(GroupRef)),
  /** Add `groups` to the current ones instead of setting exactly them (default false). */
  append: Type.Optional(Type.Boolean()),
  /** Home directory. */
  home: Type.Optional(AbsolutePath),
  /** Create the home directory (from /etc/skel) when it is missing (default true). */
  createHome: Type.Optional(Type.Boolean()),
  /** When `home` changes, move the old home's content there (default false). */
  moveHome: Type.Optional(Type.Boolean()),
  shell: Type.Optional(Type.String({ pattern: '^[^:\\n]+$' })),
  /** The GECOS field. */
  comment: Type.Optional(Type.String({ pattern: '^[^:\\n]*$' })),
  /** Create as a system account (uid from the system range); ignored for an existing user. */
  system: Type.Optional(Type.Boolean()),
  /** The password as a crypt(3) hash (`$6$...`), never the clear text. Never printed. */
  password: Type.Optional(Type.String({ pattern: '^[^:\\n]*$' })),
  /** `always` (default): set the hash when it differs; `onCreate` (Ansible's `on_create`): only for a new user. */
  updatePassword: Type.Optional(Type.Union([Type.Literal('always'), Type.Literal('onCreate'), Type.Literal('on_create')])),
  /** Account expiry in seconds since the epoch (compared by UTC day); a negative number removes it. */
  expires: Type.Optional(Type.Number()),
  /** Lock (`true`, `usermod -L`) or unlock (`false`, `usermod -U`) the password. */
  passwordLock: Type.Optional(Type.Boolean()),
  /** With state `absent`: also remove the home directory and mail spool (`userdel -r`). */
  remove: Type.Optional(Type.Boolean()),
  /** With state `absent`: remove even when the user is logged in (`userdel -f`). */
  force: Type.Optional(Type.Boolean()),
  /** Allow a uid that another user already has. */
  nonUnique: Type.Optional(Type.Boolean()),
});
/** Arguments of the `user` task. */
export type UserArgs = Static<typeof UserArgsSchema>;

/** What apply runs, in order. The hash (when set) is fed on stdin and stands in the argv as `"$pw"`. */
export interface UserPlanData {
  /** A home whose parent is missing: created (with its parents, from /etc/skel) before useradd, as Ansible does. */
  preHome?: string;
  /** useradd/usermod/userdel words; the word `$PW` is replaced by the hash read from stdin. */
  argv?: string[];
  /** Create the (missing) home directory from /etc/skel, owned by the user. */
  createHome?: string;
  /** The hash to send on stdin. */
  password?: string;
}

const PW = '$PW';
const day = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);
const lockFree = (h: string) => h.replace(/^!+/, '');

/** Pure plan of the `user` task. */
export function planUser(
  args: UserArgs,
  state: UserState,
  ctx: Pick<TaskContext, 'check' | 'earlierChangePredicted' | 'sensitive'> = { check: false, earlierChangePredicted: false, sensitive: true },
): Plan<UserPlanData> {
  const { name } = args;
  const u = state.user;
  if (args.state === 'absent') {
    if (!u) return { status: 'ok', reason: `user ${name} does not exist` };
    return {
      status: 'change',
      summary: `remove user ${name} (uid ${u.uid})${args.remove ? ` and its home ${u.home}` : ''}`,
      diff: [{ kind: 'state', key: `user ${name}`, before: `uid ${u.uid}`, after: '(absent)' }],
      data: { argv: ['userdel', ...(args.force ? ['-f'] : []), ...(args.remove ? ['-r'] : []), name] },
    };
  }
  const later = (why: string): Plan<UserPlanData> =>
    ctx.check && ctx.earlierChangePredicted
      ? { status: 'may-change', reason: `${why} (an earlier task may create it)` }
      : { status: 'failed', reason: why };
  const missing = [args.group, ...(args.groups ?? [])].filter((g): g is string => g !== undefined && !state.groups[g]);
  if (missing.length) return later(`group ${missing[0]} does not exist`);
  const needShadow = args.password !== undefined || args.expires !== undefined || args.passwordLock !== undefined;
  if (u && needShadow && !state.shadowReadable)
    return { status: 'failed', reason: 'cannot read /etc/shadow to compare the password, expiry or lock: run the task with become' };
  const createHome = args.createHome ?? true;
  const wantedGroups = args.groups === undefined ? undefined : [...new Set(args.groups.map((g) => state.groups[g]!.name))];

  if (!u) {
    const argv = ['useradd'];
    if (args.uid !== undefined) argv.push('-u', String(args.uid), ...(args.nonUnique ? ['-o'] : []));
    if (args.group !== undefined) argv.push('-g', args.group);
    else if (state.groups[name]) argv.push('-N'); // a group named like the user exists: do not make one
    if (wantedGroups?.length) argv.push('-G', wantedGroups.join(','));
    if (args.comment !== undefined) argv.push('-c', args.comment);
    if (args.home !== undefined) argv.push('-d', args.home);
    if (args.shell !== undefined) argv.push('-s', args.shell);
    if (args.expires !== undefined) argv.push('-e', args.expires < 0 ? '' : day(args.expires));
    const password = args.password === undefined ? undefined : args.passwordLock ? `!${args.password}` : args.password;
    if (password !== undefined) argv.push('-p', PW);
    argv.push(createHome ? '-m' : '-M');
    if (args.system) argv.push('-r');
    argv.push(name);
    const what = [
      args.uid !== undefined && `uid ${args.uid}`,
      args.group && `group ${args.group}`,
      wantedGroups?.length && `groups ${wantedGroups.join(',')}`,
      args.home && `home ${args.home}`,
      args.shell && `shell ${args.shell}`,
      args.system && 'system',
      password !== undefined && 'password set',
    ]
      .filter(Boolean)
      .join(', ');
    return {
      status: 'change',
      summary: `create user ${name}${what ? ` (${what})` : ''}`,
      diff: [{ kind: 'state', key: `user ${name}`, before: '(absent)', after: what || 'present' }],
      data: {
        ...(args.home !== undefined && createHome && !state.homeParentExists ? { preHome: args.home } : {}),
        argv,
        ...(password !== undefined ? { password } : {}),
      },
    };
  }

  // An existing user: usermod with only what differs, in Ansible's order.
  const argv: string[] = [];
  const diff: Diff[] = [];
  const changed = (key: string, before: string, after: string) => diff.push({ kind: 'state', key: `user ${name} ${key}`, before, after });
  if (args.uid !== undefined && u.uid !== args.uid) {
    argv.push('-u', String(args.uid), ...(args.nonUnique ? ['-o'] : []));
    changed('uid', String(u.uid), String(args.uid));
  }
  if (args.group !== undefined && state.groups[args.group]!.gid !== u.gid) {
    argv.push('-g', String(state.groups[args.group]!.gid));
    changed('group', String(u.gid), `${state.groups[args.group]!.name} (${state.groups[args.group]!.gid})`);
  }
  if (wantedGroups !== undefined) {
    const current = new Set(state.memberOf);
    const wanted = new Set(wantedGroups);
    const added = wantedGroups.filter((g) => !current.has(g));
    const removed = state.memberOf.filter((g) => !wanted.has(g));
    if (args.append ? added.length > 0 : added.length + removed.length > 0) {
      argv.push(...(args.append ? ['-a'] : []), '-G', wantedGroups.join(','));
      changed(
        'groups',
        state.memberOf.join(',') || '(none)',
        args.append ? [...state.memberOf, ...added].join(',') : wantedGroups.join(',') || '(none)',
      );
    }
  }
  if (args.comment !== undefined && u.comment !== args.comment) {
    argv.push('-c', args.comment);
    changed('comment', u.comment, args.comment);
  }
  const home = args.home ?? u.home;
  if (args.home !== undefined && u.home !== args.home) {
    argv.push('-d', args.home, ...(args.moveHome ? ['-m'] : []));
    changed('home', u.home, args.home + (args.moveHome ? ' (moved)' : ''));
  }
  if (args.shell !== undefined && u.shell !== args.shell) {
    argv.push('-s', args.shell);
    changed('shell', u.shell, args.shell);
  }
  const shadow = state.shadow ?? { hash: '', expireDays: -1 };
  if (args.expires !== undefined) {
    if (args.expires < 0 ? shadow.expireDays >= 0 : shadow.expireDays < 0 || day(shadow.expireDays * 86400) !== day(args.expires)) {
      argv.push('-e', args.expires < 0 ? '' : day(args.expires));
      changed('expires', shadow.expireDays < 0 ? '(never)' : day(shadow.expireDays * 86400), args.expires < 0 ? '(never)' : day(args.expires));
    }
  }
  let lock: string[] = [];
  if (args.passwordLock === true && !shadow.hash.startsWith('!')) lock = ['-L'];
  else if (args.passwordLock === false && shadow.hash.startsWith('!')) lock = ['-U'];
  let password: string | undefined;
  if ((args.updatePassword ?? 'always') === 'always' && args.password !== undefined && lockFree(shadow.hash) !== lockFree(args.password)) {
    // A new hash replaces a lock/unlock: it is written with or without the "!" directly.
    lock = [];
    password = args.passwordLock ? `!${args.password}` : args.password;
    argv.push('-p', PW);
    diff.push({ kind: 'note', text: `user ${name}: password hash changes (not shown)` });
  }
  if (lock.length) {
    argv.push(...lock);
    changed('password', lock[0] === '-L' ? 'unlocked' : 'locked', lock[0] === '-L' ? 'locked' : 'unlocked');
  }
  // Ansible creates a missing home after usermod (unless usermod -m moves an existing one there).
  const homeWillExist = state.homeExists || (args.moveHome === true && args.home !== undefined && args.home !== u.home && state.oldHomeExists);
  const makeHome = createHome && !homeWillExist ? home : undefined;
  if (makeHome) changed('home directory', '(missing)', makeHome);
  if (!argv.length && !makeHome) return { status: 'ok', reason: `user ${name} is as wanted (uid ${u.uid})` };
  const parts = diff.map((d) => (d.kind === 'state' ? d.key.replace(`user ${name} `, '') : 'password'));
  return {
    status: 'change',
    summary: `user ${name}: ${parts.join(', ')}`,
    diff,
    data: {
      ...(argv.length ? { argv: ['usermod', ...argv, name] } : {}),
      ...(makeHome ? { createHome: makeHome } : {}),
      ...(password !== undefined ? { password } : {}),
    },
  };
}

/** The shell text of the apply (the hash, when any, is read from stdin into `$pw`). */
export function userApplyCommand(name: string, data: UserPlanData): string {
  const steps = [SBIN_PATH, 'set -e'];
  if (data.password !== undefined) steps.push('IFS= read -r pw || [ -n "$pw" ]');
  // As Ansible's create_homedir: /etc/skel copied (or an empty directory), mode 0777 & ~UMASK of login.defs.
  const makeHome = (home: string) => [
    `h=${quote(home)}`,
    'if [ -d /etc/skel ]; then mkdir -p -- "$(dirname -- "$h")" && cp -a /etc/skel "$h"; else mkdir -p -- "$h"; fi',
    "u=$(sed -n 's/^UMASK[[:space:]]\\{1,\\}\\([0-9]\\{1,\\}\\)$/\\1/p' /etc/login.defs 2>/dev/null | tail -n 1)",
    'if [ -n "$u" ]; then chmod "$(printf \'%o\' $((0777 & ~0$u)))" "$h"; fi',
  ];
  if (data.preHome) steps.push(...makeHome(data.preHome));
  if (data.argv) steps.push(data.argv.map((w) => (w === PW ? '"$pw"' : quote(w))).join(' '));
  if (data.preHome) steps.push(`chown -R ${quote(name)}: ${quote(data.preHome)}`);
  if (data.createHome) steps.push(...makeHome(data.createHome), `chown -R ${quote(name)}: "$h"`);
  return steps.join('\n');
}

/** The `user` task type. */
export const userType: TaskType<typeof UserArgsSchema, UserState, UserPlanData> = {
  name: 'user',
  description: 'A local user account: uid, groups, home, shell, comment, password hash, expiry, lock; or absent (with its home).',
  schema: UserArgsSchema,
  supportsDiff: true,
  secretArgs: ['password'],
  check(args) {
    const absent = args.state === 'absent';
    const presentOnly = [
      'uid',
      'group',
      'groups',
      'append',
      'home',
      'createHome',
      'moveHome',
      'shell',
      'comment',
      'system',
      'password',
      'updatePassword',
      'expires',
      'passwordLock',
      'nonUnique',
    ] as const;
    if (absent) {
      const given = presentOnly.filter((k) => args[k] !== undefined);
      if (given.length) return `${given.join(', ')} ${given.length > 1 ? 'are' : 'is'} not allowed with state "absent"`;
    } else if (args.remove !== undefined || args.force !== undefined) return 'remove and force are only allowed with state "absent"';
    if (args.append && args.groups === undefined) return 'append needs groups';
    if (args.moveHome && args.home === undefined) return 'moveHome needs home';
    if (args.nonUnique && args.uid === undefined) return 'nonUnique needs uid';
    if (
      args.password !== undefined &&
      args.password !== '' &&
      !/^(\$[0-9a-z]+\$|!|\*)/.test(args.password) &&
      !/^[./0-9A-Za-z]{13}$/.test(args.password)
    )
      return 'password must be a crypt(3) hash such as $6$salt$... (not the clear text)';
    return undefined;
  },
  probe: (args) =>
    userProbe(args.name, {
      groups: args.state === 'absent' ? [] : [...(args.group !== undefined ? [args.group] : []), ...(args.groups ?? [])],
      home: args.home,
    }),
  plan: (args, state, ctx) => planUser(args, state, ctx),
  steps(args, plan) {
    const data = plan.data ?? {};
    // The label never holds the hash: it goes on stdin, and its word reads "(hash)".
    const label = [
      data.preHome && `home ${data.preHome} from /etc/skel`,
      data.argv?.map((w) => (w === PW ? '(hash)' : quote(w))).join(' '),
      data.createHome && `home ${data.createHome} from /etc/skel`,
    ]
      .filter(Boolean)
      .join('; ');
    return [
      {
        id: 'apply',
        kind: 'exec',
        label,
        command: userApplyCommand(args.name, data),
        ...(data.password !== undefined ? { stdin: `${data.password}\n` } : {}),
      },
    ];
  },
  outcome(args, plan, results, ctx) {
    const data = plan.data ?? {};
    const r = results.get('apply')!;
    if (r.code !== 0) {
      const tool = data.argv?.[0] ?? 'creating the home';
      const said = data.password !== undefined ? tail(r.stderr.split(data.password).join('(hash)')) : tail(r.stderr || r.stdout);
      throw new TaskFailedError(`${ctx.host}: user ${args.name}: ${tool} failed (exit ${r.code}): ${said}`, {
        host: ctx.host,
        command: tool,
        code: r.code,
        stderr: said,
      });
    }
    return undefined;
  },
};

/** `user({ name: 'deploy', groups: ['wheel'], append: true, shell: '/bin/bash' })`: a local user. */
export const user = defineTaskType(userType);
