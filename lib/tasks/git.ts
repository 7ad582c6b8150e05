/**
 * `git`: a repository cloned on the host at a version (branch, tag, commit, or the remote's default
 * branch), updated only when the wanted commit differs from the checked-out one. One probe reads the
 * checkout (HEAD, local modifications) and asks the remote what the version points at (`git ls-remote`,
 * read-only). Local modifications fail the task unless `force` (then they are dropped with a hard reset),
 * as in Ansible. A branch is checked out as that branch; a tag or commit detached.
 * Idempotent: ok when HEAD is the wanted commit and there are no local modifications.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TaskFailedError, tail } from '../core/errors.ts';
import { defineTaskType } from '../core/define-task-type.ts';
import { quote } from '../transport/quote.ts';
import type { Plan, Probe, TaskContext, TaskType } from '../core/task-contract.ts';
import { AbsolutePath, Args } from './schema-types.ts';

/** Arguments of the `git` task. */
export const GitArgsSchema = Args({
  /** The repository URL or path the host clones from. */
  repo: Type.String({ minLength: 1, pattern: '^[^-\\s]\\S*$', description: 'a repository URL or path (no spaces, not starting with -)' }),
  /** Absolute folder on the host. */
  dest: AbsolutePath,
  /** A branch, a tag, a full 40-digit commit, or `HEAD` (the remote's default branch, the default). */
  version: Type.Optional(Type.String({ minLength: 1, pattern: '^[^-\\s][^\\s]*$' })),
  /** Drop local modifications (hard reset) instead of failing. */
  force: Type.Optional(Type.Boolean()),
  /** false: an existing checkout is left at whatever it is (default true). */
  update: Type.Optional(Type.Boolean()),
});
/** Arguments of the `git` task. */
export type GitArgs = Static<typeof GitArgsSchema>;

/** What the probe found. */
export interface GitState {
  /** `absent` (or an empty folder), `repo`, or `other` (a non-empty folder that is no checkout, or a file). */
  dest: 'absent' | 'repo' | 'other';
  head?: string;
  /** `git status --porcelain` printed something (untracked files ignored, as Ansible does). */
  dirty?: boolean;
  /** The remote's answer: the wanted commit and, for a branch, its name. */
  wanted?: string;
  branch?: string;
  /** ls-remote failed, or the version is not there. */
  remoteError?: string;
}

/** What apply needs. */
export interface GitPlanData {
  clone: boolean;
  reset: boolean;
  wanted: string;
  branch?: string;
}

const isCommit = (v: string) => /^[0-9a-f]{40}$/.test(v);

/** The probe: the checkout and the remote's commit for the version, one command. */
export function gitProbe(args: Pick<GitArgs, 'repo' | 'dest' | 'version'>): Probe<GitState> {
  const d = quote(args.dest);
  const r = quote(args.repo);
  const v = args.version ?? 'HEAD';
  const lines = [
    'export LANG=C LC_ALL=C GIT_TERMINAL_PROMPT=0',
    'command -v git >/dev/null 2>&1 || { echo "git is not installed on the host" >&2; exit 3; }',
    `d=${d}`,
    'if [ ! -e "$d" ] || { [ -d "$d" ] && [ -z "$(ls -A -- "$d")" ]; }; then echo dest=absent',
    'elif [ -d "$d/.git" ] && h=$(git -C "$d" rev-parse HEAD 2>/dev/null); then echo dest=repo; echo "head=$h"; if [ -n "$(git -C "$d" status --porcelain --untracked-files=no)" ]; then echo dirty=yes; else echo dirty=no; fi',
    'else echo dest=other; fi',
  ];
  if (isCommit(v)) lines.push(`echo wanted=${v}`);
  else if (v === 'HEAD')
    lines.push(
      `o=$(git ls-remote --symref ${r} HEAD 2>&1) || { printf 'remote_error=%s\\n' "$(printf '%s' "$o" | tail -n 2 | tr '\\n' ' ')"; exit 0; }`,
      'printf "%s\\n" "$o" | sed -n "s|^ref: refs/heads/\\(.*\\)\\tHEAD$|branch=\\1|p; s|^\\([0-9a-f]\\{40\\}\\)\\tHEAD$|wanted=\\1|p"',
    );
  else {
    const q = quote(v);
    lines.push(
      `o=$(git ls-remote ${r} refs/heads/${q} refs/tags/${q} refs/tags/${q}^{} 2>&1) || { printf 'remote_error=%s\\n' "$(printf '%s' "$o" | tail -n 2 | tr '\\n' ' ')"; exit 0; }`,
      `t=$(printf '%s\\n' "$o" | awk -v r=refs/tags/${q}^{} '$2 == r { print $1 }')`,
      `[ -n "$t" ] || t=$(printf '%s\\n' "$o" | awk -v r=refs/tags/${q} '$2 == r { print $1 }')`,
      `b=$(printf '%s\\n' "$o" | awk -v r=refs/heads/${q} '$2 == r { print $1 }')`,
      `if [ -n "$b" ]; then echo wanted=$b; echo branch=${q}; elif [ -n "$t" ]; then echo wanted=$t; else echo ${quote(`remote_error=no branch or tag ${v} in ${args.repo}`)}; fi`,
    );
  }
  return { command: lines.join('\n'), parse: parseGit, local: false };
}

/** Pure parser of the probe's output. */
export function parseGit(result: { code: number; stdout: string; stderr: string }): GitState {
  if (result.code !== 0) throw new Error(`git probe failed (exit ${result.code}): ${result.stderr.trim()}`);
  const get = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(result.stdout)?.[1];
  const dest = get('dest') as GitState['dest'] | undefined;
  if (!dest) throw new Error('git probe printed no dest line');
  const state: GitState = { dest };
  const head = get('head');
  if (head) state.head = head;
  const dirty = get('dirty');
  if (dirty) state.dirty = dirty === 'yes';
  // Only a full commit id goes on into the apply's command line.
  const wanted = get('wanted');
  if (wanted && /^[0-9a-f]{40}$/.test(wanted)) state.wanted = wanted;
  else if (wanted) throw new Error(`git probe: ${JSON.stringify(wanted)} is not a commit id`);
  const branch = get('branch');
  if (branch) state.branch = branch;
  const err = get('remote_error');
  if (err !== undefined) state.remoteError = err.trim();
  return state;
}

/** Pure plan of the `git` task (exported for tests). */
export function planGit(args: GitArgs, state: GitState, _ctx: Pick<TaskContext, 'check' | 'earlierChangePredicted'>): Plan<GitPlanData> {
  const version = args.version ?? 'HEAD';
  if (state.dest === 'other') return { status: 'failed', reason: `${args.dest} exists and is not an empty folder or a git checkout` };
  if (state.dest === 'repo' && args.update === false) return { status: 'ok', reason: `${args.dest} exists (update: false)` };
  if (state.dirty && !args.force) return { status: 'failed', reason: `local modifications exist in ${args.dest} (force: true drops them)` };
  if (state.remoteError !== undefined || !state.wanted)
    return { status: 'failed', reason: `cannot resolve ${version} in ${args.repo}: ${state.remoteError ?? 'no answer'}` };
  const short = (c: string) => c.slice(0, 10);
  const data: GitPlanData = {
    clone: state.dest === 'absent',
    reset: Boolean(state.dirty),
    wanted: state.wanted,
    ...(state.branch ? { branch: state.branch } : {}),
  };
  if (state.dest === 'absent')
    return {
      status: 'change',
      summary: `clone ${args.repo} into ${args.dest} at ${version} (${short(state.wanted)})`,
      diff: [{ kind: 'state', key: `${args.dest} HEAD`, before: '(no checkout)', after: state.wanted }],
      data,
    };
  if (state.head === state.wanted && !state.dirty) return { status: 'ok', reason: `${args.dest} is at ${version} (${short(state.wanted)})` };
  const parts = [
    state.dirty && 'drop local modifications',
    state.head !== state.wanted && `update ${short(state.head ?? '?')} → ${short(state.wanted)}`,
  ].filter(Boolean);
  return {
    status: 'change',
    summary: `${args.dest}: ${parts.join(', ')} (${version})`,
    diff: [{ kind: 'state', key: `${args.dest} HEAD`, before: `${state.head}${state.dirty ? ' (modified)' : ''}`, after: state.wanted }],
    data,
  };
}

/** The shell text of the apply: clone or fetch, reset when forced, check out, verify. */
export function gitApplyCommand(args: GitArgs, data: GitPlanData): string {
  const d = quote(args.dest);
  const steps = ['export LANG=C LC_ALL=C GIT_TERMINAL_PROMPT=0', `d=${d}`];
  if (data.clone) steps.push(`mkdir -p -- "$(dirname -- "$d")" && git clone --quiet --no-checkout -- ${quote(args.repo)} "$d" || exit 1`);
  else steps.push(`git -C "$d" fetch --quiet --tags -- ${quote(args.repo)} '+refs/heads/*:refs/remotes/origin/*' || exit 1`);
  if (data.reset) steps.push('git -C "$d" reset --quiet --hard || exit 1');
  // The wanted commit may only be reachable by hash (fetched above, or fetched now by its id).
  steps.push(
    `git -C "$d" cat-file -e ${data.wanted}^{commit} 2>/dev/null || git -C "$d" fetch --quiet -- ${quote(args.repo)} ${data.wanted} || exit 1`,
  );
  steps.push(
    data.branch
      ? `git -C "$d" checkout --quiet --force -B ${quote(data.branch)} ${data.wanted} || exit 1`
      : `git -C "$d" checkout --quiet --force --detach ${data.wanted} || exit 1`,
  );
  steps.push(
    `h=$(git -C "$d" rev-parse HEAD) && [ "$h" = ${data.wanted} ] || { echo "HEAD is $h after the checkout, not ${data.wanted}" >&2; exit 1; }`,
  );
  return steps.join('\n');
}

/** The `git` task type. */
export const gitType: TaskType<typeof GitArgsSchema, GitState, GitPlanData> = {
  name: 'git',
  description: 'A git checkout on the host at a branch, tag or commit; updated only when the wanted commit differs.',
  schema: GitArgsSchema,
  supportsDiff: true,
  probe: (args) => gitProbe(args),
  plan: (args, state, ctx) => planGit(args, state, ctx),
  steps(args, plan) {
    const data = plan.data!;
    const label = [
      data.clone ? `git clone ${args.repo} ${args.dest}` : `git fetch ${args.repo} in ${args.dest}`,
      data.reset && 'reset --hard (drops local modifications)',
      data.branch ? `check out ${data.wanted} as branch ${data.branch}` : `check out ${data.wanted} detached`,
    ]
      .filter(Boolean)
      .join(', ');
    return [{ id: 'apply', kind: 'exec', label, command: gitApplyCommand(args, data) }];
  },
  outcome(args, plan, results, ctx) {
    const r = results.get('apply')!;
    if (r.code !== 0)
      throw new TaskFailedError(`${ctx.host}: git ${args.dest}: ${tail(r.stderr || r.stdout) || `exit ${r.code}`}`, {
        host: ctx.host,
        command: 'git',
        code: r.code,
        stderr: r.stderr,
      });
    return { extra: { after: plan.data!.wanted } };
  },
};

/** `git({ repo: 'https://…/charts.git', dest: '/opt/charts', version: 'v1.2.0' })`: a checkout at a version. */
export const git = defineTaskType(gitType);
