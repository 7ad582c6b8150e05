/**
 * `authorizedKey`: SSH public keys of a user in `~/.ssh/authorized_keys` (or `path`), present or absent,
 * `exclusive`, with key options and comment, with Ansible's authorized_key rules: keys are matched by
 * their blob; a key whose options, type or comment differ is replaced and moves to the end; a rewrite
 * re-serialises every key line. Idempotent: changed exactly when Ansible would write. On a write,
 * `~/.ssh` gets 0700 and the file 0600, both owned by the user (`manageDir`, default true).
 */
import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { TaskFailedError, tail } from '../core/errors.ts';
import { defineTaskType } from '../core/define-task-type.ts';
import {
  authorizedKeysProbe,
  parseKeyFile,
  parseKeyLine,
  parseKeyOptions,
  sameOptions,
  serializeKeyFile,
  type AuthorizedKeysState,
} from '../probes/authorized-keys.ts';
import { quote } from '../transport/quote.ts';
import { atomicWriteCommand } from './atomic.ts';
import type { Plan, TaskContext, TaskType } from '../core/task-contract.ts';
import { AccountName } from './group.ts';
import { AbsolutePath, Args } from './schema-types.ts';

/** Arguments of the `authorizedKey` task. */
export const AuthorizedKeyArgsSchema = Args({
  /** The user whose keys these are. */
  user: AccountName,
  /** One key line, or several separated by newlines (`#` lines and blank lines are ignored). */
  key: Type.Optional(Type.String({ minLength: 1 })),
  /** A file on the controller holding the key line(s), e.g. `~/.ssh/id_ed25519.pub` expanded. */
  keyFile: Type.Optional(Type.String({ minLength: 1 })),
  /** The key file (default `~USER/.ssh/authorized_keys`). */
  path: Type.Optional(AbsolutePath),
  /** `present` (default) or `absent`. */
  state: Type.Optional(Type.Union([Type.Literal('present'), Type.Literal('absent')])),
  /** Options for every given key (`from="10.0.0.0/8",no-pty`), replacing the key line's own. */
  keyOptions: Type.Optional(Type.String()),
  /** Comment for every given key, replacing the key line's own. */
  comment: Type.Optional(Type.String()),
  /** Remove every other key from the file (state present). */
  exclusive: Type.Optional(Type.Boolean()),
  /** Create the key file's directory with 0700 and set its owner on a write (default true). */
  manageDir: Type.Optional(Type.Boolean()),
});
/** Arguments of the `authorizedKey` task. */
export type AuthorizedKeyArgs = Static<typeof AuthorizedKeyArgsSchema>;

/** What apply writes. */
export interface AuthorizedKeyPlanData {
  path: string;
  content: string;
  uid: number;
  gid: number;
  /** The directory to create (0700, owned by the user) when `manageDir`. */
  dir?: string;
}

/** The key lines the arguments give (text or the controller file), without blank and `#` lines. */
export function wantedKeyLines(args: AuthorizedKeyArgs): string[] {
  const text = args.key ?? readFileSync(args.keyFile!, 'utf8');
  return text.split(/\r\n|\n|\r/).filter((s) => s && !s.startsWith('#'));
}

/** Pure: the new content and whether Ansible would write (its `do_write`). */
export function editAuthorizedKeys(
  content: string,
  wanted: readonly string[],
  args: Pick<AuthorizedKeyArgs, 'state' | 'keyOptions' | 'comment' | 'exclusive'>,
): { write: boolean; content: string } | { error: string } {
  const keys = parseKeyFile(content);
  const present = (args.state ?? 'present') === 'present';
  const base = keys.size;
  const keep: string[] = [];
  let write = false;
  for (let i = 0; i < wanted.length; i++) {
    const parsed = parseKeyLine(wanted[i], i);
    if (!parsed || parsed.type === 'skipped') return { error: `invalid key: ${wanted[i].slice(0, 60)}` };
    const key = {
      ...parsed,
      ...(args.keyOptions !== undefined ? { options: parseKeyOptions(args.keyOptions) } : {}),
      ...(args.comment !== undefined ? { comment: args.comment } : {}),
    };
    const old = keys.get(key.id);
    let matched = false;
    if (old) {
      const same = old.type === key.type && sameOptions(old.options, key.options) && old.comment === key.comment;
      if (!same && present) {
        keys.delete(key.id);
        write = true;
      } else matched = true;
    }
    if (present) {
      keep.push(key.id);
      if (!matched) {
        keys.set(key.id, { ...key, rank: base + i });
        write = true;
      }
    } else if (matched) {
      keys.delete(key.id);
      write = true;
    }
  }
  if (present && args.exclusive) {
    for (const id of [...keys.keys()])
      if (!keep.includes(id)) {
        keys.delete(id);
        write = true;
      }
  }
  return { write, content: write ? serializeKeyFile(keys) : content };
}

const contents = new WeakMap<TaskContext, string[]>();

/** Pure plan of the `authorizedKey` task. */
export function planAuthorizedKey(
  args: AuthorizedKeyArgs,
  wanted: readonly string[],
  state: AuthorizedKeysState,
  ctx: { check: boolean; earlierChangePredicted: boolean } = { check: false, earlierChangePredicted: false },
): Plan<AuthorizedKeyPlanData> {
  if (!state.user) {
    if (ctx.check && ctx.earlierChangePredicted)
      return { status: 'may-change', reason: `user ${args.user} does not exist yet (an earlier task may create it)` };
    return { status: 'failed', reason: `user ${args.user} does not exist` };
  }
  const edit = editAuthorizedKeys(state.content, wanted, args);
  if ('error' in edit) return { status: 'failed', reason: edit.error };
  const n = wanted.length;
  const what = `${n} key${n === 1 ? '' : 's'}`;
  if (!edit.write) return { status: 'ok', reason: `${state.path}: ${what} ${args.state === 'absent' ? 'absent' : 'present'}` };
  const dir = state.path.replace(/\/[^/]*$/, '') || '/';
  return {
    status: 'change',
    summary: `${state.path}: ${args.state === 'absent' ? 'remove' : args.exclusive ? 'set exactly' : 'add or update'} ${what}`,
    diff: [{ kind: 'file', path: state.path, before: state.content, after: edit.content }],
    data: { path: state.path, content: edit.content, uid: state.user.uid, gid: state.user.gid, ...((args.manageDir ?? true) ? { dir } : {}) },
  };
}

/** The shell text of the apply: the key file's folder, then the file written atomically (content on stdin). */
export function authorizedKeyApplyCommand(d: AuthorizedKeyPlanData): string {
  const steps: string[] = [];
  // As Ansible on a write: the directory 0700 and the file 0600, both owned by the user.
  if (d.dir !== undefined)
    steps.push(`dd=${quote(d.dir)}; [ -d "$dd" ] || mkdir -m 0700 -- "$dd" || exit 1; chown ${d.uid}:${d.gid} "$dd" && chmod 0700 "$dd" || exit 1`);
  else steps.push(`mkdir -p -- ${quote(d.path.replace(/\/[^/]*$/, '') || '/')} || exit 1`);
  steps.push(atomicWriteCommand(d.path, { content: d.content, mode: '0600', owner: String(d.uid), group: String(d.gid) }));
  return steps.join('\n');
}

/** The `authorizedKey` task type (Ansible's authorized_key). */
export const authorizedKeyType: TaskType<typeof AuthorizedKeyArgsSchema, AuthorizedKeysState, AuthorizedKeyPlanData> = {
  name: 'authorizedKey',
  description: 'SSH public keys of a user in ~/.ssh/authorized_keys: present, absent or exclusive, with options.',
  schema: AuthorizedKeyArgsSchema,
  supportsDiff: true,
  check(args) {
    if ((args.key === undefined) === (args.keyFile === undefined)) return 'give exactly one of key and keyFile';
    if (args.state === 'absent' && args.exclusive) return 'exclusive is only allowed with state "present"';
    if (args.key !== undefined) {
      const bad = args.key
        .split(/\r\n|\n|\r/)
        .filter((s) => s && !s.startsWith('#'))
        .find((l) => !parseKeyLine(l, 0) || parseKeyLine(l, 0)!.type === 'skipped');
      if (bad !== undefined) return `key: not an SSH public key line: ${bad.slice(0, 60)}`;
    }
    return undefined;
  },
  probe(args, ctx) {
    contents.set(ctx, wantedKeyLines(args));
    return authorizedKeysProbe(args.user, args.path);
  },
  plan: (args, state, ctx) => planAuthorizedKey(args, contents.get(ctx) ?? wantedKeyLines(args), state, ctx),
  steps(_args, plan) {
    const d = plan.data!;
    const label =
      d.dir !== undefined
        ? `folder ${d.dir} 0700, write ${d.path} 0600, both owned by ${d.uid}:${d.gid}`
        : `write ${d.path} 0600, owned by ${d.uid}:${d.gid}`;
    return [{ id: 'apply', kind: 'exec', label, command: authorizedKeyApplyCommand(d), stdin: d.content }];
  },
  outcome(args, plan, results, ctx) {
    const d = plan.data!;
    const r = results.get('apply')!;
    if (r.code !== 0)
      throw new TaskFailedError(`${ctx.host}: authorizedKey ${args.user}: writing ${d.path} failed (exit ${r.code}): ${tail(r.stderr || r.stdout)}`, {
        host: ctx.host,
        command: `write ${d.path}`,
        code: r.code,
        stderr: r.stderr,
      });
    return undefined;
  },
};

/** `authorizedKey({ user: 'deploy', key: 'ssh-ed25519 AAAA... me@laptop' })`: keys in authorized_keys. */
export const authorizedKey = defineTaskType(authorizedKeyType);
