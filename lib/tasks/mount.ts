/**
 * `mount`: a file system's fstab line and its mounted state (Ansible's `ansible.posix.mount`): `mounted`
 * (line present and mounted), `unmounted` (not mounted; fstab untouched), `present` (line only),
 * `absent` (unmounted and line removed), `remounted` (always remounts; not idempotent). One probe reads
 * the fstab and what is mounted there (`/proc/self/mounts`). The line is compared field by field, its
 * options as a set; the live mount by source and type (the kernel rewrites options, so they are not; a
 * bind mount shows its folder's device, so only that it is mounted).
 * Idempotent (all states but `remounted`): ok when the line and the mounted state are as wanted.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TaskFailedError, tail } from '../core/errors.ts';
import { defineTaskType } from '../core/define-task-type.ts';
import { quote } from '../transport/quote.ts';
import { atomicWriteCommand } from './atomic.ts';
import type { ApplyStep } from '../core/apply-steps.ts';
import type { Diff, Plan, Probe, TaskContext, TaskType } from '../core/task-contract.ts';
import { AbsolutePath, Args } from './schema-types.ts';

const Field = Type.String({ minLength: 1, pattern: '^[^\\n\\r]+$' });

/** Arguments of the `mount` task. */
export const MountArgsSchema = Args({
  /** The mount point (absolute). */
  path: AbsolutePath,
  /** The device: `/dev/sdb1`, `UUID=…`, `server:/export`, `tmpfs`. Required for mounted and present. */
  src: Type.Optional(Field),
  /** The file system type. Required for mounted and present. */
  fstype: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.+-]+$' })),
  /** Mount options, comma-separated (default `defaults`); compared as a set. */
  opts: Type.Optional(Type.String({ pattern: '^[^\\s]+$' })),
  /** fstab's fifth field (default 0). */
  dump: Type.Optional(Type.Integer({ minimum: 0 })),
  /** fstab's sixth field (default 0). */
  passno: Type.Optional(Type.Integer({ minimum: 0 })),
  /** `mounted`, `unmounted`, `present`, `absent` or `remounted`. */
  state: Type.Union([Type.Literal('mounted'), Type.Literal('unmounted'), Type.Literal('present'), Type.Literal('absent'), Type.Literal('remounted')]),
  /** The fstab file (default /etc/fstab). */
  fstab: Type.Optional(AbsolutePath),
});
/** Arguments of the `mount` task. */
export type MountArgs = Static<typeof MountArgsSchema>;

/** What the probe found. */
export interface MountState {
  fstabExists: boolean;
  fstab: string;
  /** The live mount at the path (the last one, which is what is visible), if any. */
  live?: { src: string; fstype: string; opts: string };
  /** The mount point exists as a folder. */
  pathIsDir: boolean;
}

/** What apply needs. */
export interface MountPlanData {
  /** New fstab text, when it changes. */
  fstab?: string;
  /** Live actions, in order. */
  actions: ('mkdir' | 'mount' | 'umount' | 'remount')[];
}

/** /proc/self/mounts escaping of a field (the kernel's): space, tab, newline and backslash as octal. */
export const escapeField = (s: string) => s.replace(/[\\ \t\n]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
/** fstab escaping of a field: the kernel's, and `&` as `\046` as Ansible writes it (libmount reads both). */
export const escapeFstabField = (s: string) => escapeField(s).replace(/&/g, '\\046');
const unescapeField = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));

/** The probe: fstab content, the live mount at the path, the mount point. */
export function mountProbe(path: string, fstab = '/etc/fstab'): Probe<MountState> {
  const command = [
    `f=${quote(fstab)}`,
    `p=${quote(path)}`,
    '[ -d "$p" ] && echo dir=yes || echo dir=no',
    // Through the environment: awk -v would turn the \040 escapes into the characters they stand for.
    `m=${quote(escapeField(path))} awk '$2 == ENVIRON["m"] { l = $0 } END { if (l != "") print "live=" l }' /proc/self/mounts`,
    'if [ -f "$f" ]; then echo fstab=yes; echo ---fstab---; cat -- "$f"; else echo fstab=no; fi',
  ].join('\n');
  return { command, parse: parseMount, local: true };
}

/** Pure parser of the probe's output. */
export function parseMount(result: { code: number; stdout: string; stderr: string }): MountState {
  if (result.code !== 0) throw new Error(`mount probe failed (exit ${result.code}): ${result.stderr.trim()}`);
  const [head, fstab = ''] = result.stdout.split('---fstab---\n');
  const live = /^live=(\S+) (\S+) (\S+) (\S+)/m.exec(head);
  return {
    fstabExists: /^fstab=yes$/m.test(head),
    fstab,
    pathIsDir: /^dir=yes$/m.test(head),
    ...(live ? { live: { src: unescapeField(live[1]), fstype: live[3], opts: live[4] } } : {}),
  };
}

const optSet = (o: string) => [...new Set(o.split(','))].sort().join(',');

/** The fstab line the task wants (Ansible's format: fields separated by one space). */
export function fstabLine(args: MountArgs): string {
  return [
    escapeFstabField(args.src!),
    escapeFstabField(args.path),
    args.fstype!,
    args.opts ?? 'defaults',
    String(args.dump ?? 0),
    String(args.passno ?? 0),
  ].join(' ');
}

/** The fstab text with the path's line set (replaced where it was, else appended) or removed. */
export function editFstab(text: string, args: MountArgs, want: string | undefined): { text: string; before?: string } {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  let before: string | undefined;
  let changed = false;
  const out: string[] = [];
  for (const line of lines) {
    const fields = line.trim().split(/\s+/);
    // Matched unescaped: `a&b` and `a\046b` are the same mount point.
    const isEntry = !line.trim().startsWith('#') && fields.length >= 2 && unescapeField(fields[1]) === args.path;
    if (!isEntry) {
      out.push(line);
      continue;
    }
    if (before === undefined) {
      before = line;
      const keep = want !== undefined && sameEntry(line, want);
      if (want !== undefined) out.push(keep ? line : want);
      changed ||= !keep;
    } else changed = true; // A second line for the same mount point is dropped: one mount point, one line.
  }
  if (before === undefined && want !== undefined) {
    out.push(want);
    changed = true;
  }
  // Unchanged lines leave the bytes alone, also a missing final newline (as Ansible does).
  const joined = changed ? out.map((l) => `${l}\n`).join('') : text;
  return { text: joined, ...(before !== undefined ? { before } : {}) };
}

/** Same entry: the same fields, options as a set, missing dump/passno as 0. */
function sameEntry(line: string, want: string): boolean {
  const a = line.trim().split(/\s+/);
  const b = want.split(' ');
  const same = (x: string | undefined, y: string) => x !== undefined && unescapeField(x) === unescapeField(y);
  return (
    same(a[0], b[0]) &&
    same(a[1], b[1]) &&
    a[2] === b[2] &&
    optSet(a[3] ?? 'defaults') === optSet(b[3]) &&
    (a[4] ?? '0') === b[4] &&
    (a[5] ?? '0') === b[5]
  );
}

/** Pure plan of the `mount` task (exported for tests). */
export function planMount(args: MountArgs, state: MountState, ctx: Pick<TaskContext, 'check' | 'earlierChangePredicted'>): Plan<MountPlanData> {
  const fstabPath = args.fstab ?? '/etc/fstab';
  const s = args.state;
  const wantLine = s === 'mounted' || s === 'present' ? fstabLine(args) : undefined;
  const touchesFstab = s !== 'unmounted' && s !== 'remounted';
  const edit = touchesFstab ? editFstab(state.fstab, args, s === 'absent' ? undefined : wantLine) : { text: state.fstab };
  const fstabChanges = touchesFstab && edit.text !== state.fstab;
  const actions: MountPlanData['actions'] = [];
  const diff: Diff[] = [];
  const parts: string[] = [];
  if (fstabChanges) {
    diff.push({ kind: 'file', path: fstabPath, before: state.fstab, after: edit.text });
    parts.push(s === 'absent' ? `remove the line from ${fstabPath}` : `${edit.before ? 'update' : 'add'} the line in ${fstabPath}`);
  }
  const mounted = state.live !== undefined;
  // A bind mount shows the device and type of its folder's file system, not src and fstype: mounted is enough.
  const bind = (args.opts ?? '').split(',').some((o) => o === 'bind' || o === 'rbind');
  const liveDiffers =
    mounted && !bind && args.src !== undefined && (state.live!.src !== args.src || (args.fstype !== undefined && state.live!.fstype !== args.fstype));
  if (s === 'mounted') {
    if (!mounted) {
      if (!state.pathIsDir) actions.push('mkdir');
      actions.push('mount');
      parts.push(`mount ${args.path}`);
    } else if (liveDiffers) {
      actions.push('umount', 'mount');
      parts.push(`mount ${args.src} on ${args.path} instead of ${state.live!.src}`);
    } else if (fstabChanges) {
      actions.push('remount');
      parts.push(`remount ${args.path}`);
    }
  } else if ((s === 'unmounted' || s === 'absent') && mounted) {
    actions.unshift('umount');
    parts.unshift(`unmount ${args.path}`);
  } else if (s === 'remounted') {
    if (!mounted) {
      const why = `${args.path} is not mounted, so it cannot be remounted`;
      return ctx.check && ctx.earlierChangePredicted
        ? { status: 'may-change', reason: `${why} (an earlier task may mount it)` }
        : { status: 'failed', reason: why };
    }
    actions.push('remount');
    parts.push(`remount ${args.path}`);
  }
  if (actions.length)
    diff.push({
      kind: 'state',
      key: `${args.path} mounted`,
      before: mounted ? `${state.live!.src} (${state.live!.fstype})` : '(not mounted)',
      after: actions[actions.length - 1] === 'umount' ? '(not mounted)' : `${args.src ?? state.live?.src} (${args.fstype ?? state.live?.fstype})`,
    });
  if (!parts.length) {
    const line = touchesFstab ? (s === 'absent' ? `no line for ${args.path} in ${fstabPath}` : `${fstabPath} has the line`) : '';
    const live = s === 'present' ? '' : mounted ? `${args.path} is mounted` : `${args.path} is not mounted`;
    return { status: 'ok', reason: [line, live].filter(Boolean).join('; ') };
  }
  return { status: 'change', summary: parts.join(', '), diff, data: { ...(fstabChanges ? { fstab: edit.text } : {}), actions } };
}

/** The `mount` task type. */
export const mountType: TaskType<typeof MountArgsSchema, MountState, MountPlanData> = {
  name: 'mount',
  description: 'An fstab line and the mounted state of a file system (mounted, unmounted, present, absent, remounted).',
  schema: MountArgsSchema,
  supportsDiff: true,
  // src is on the host (fetch) or a device (mount), not a controller file.
  ownSrc: true,
  idempotent: (args) => args.state !== 'remounted',
  check(args) {
    if ((args.state === 'mounted' || args.state === 'present') && (args.src === undefined || args.fstype === undefined))
      return `state "${args.state}" needs src and fstype`;
    if (args.path === '/') return 'path / cannot be managed';
    return undefined;
  },
  probe: (args) => mountProbe(args.path, args.fstab),
  plan: (args, state, ctx) => planMount(args, state, ctx),
  steps: (args, plan) => mountSteps(args, plan.data!).map((s) => s.step),
  outcome(args, plan, results, ctx) {
    for (const { step, what } of mountSteps(args, plan.data!)) {
      const r = results.get(step.id);
      if (!r) break;
      if (r.code !== 0)
        throw new TaskFailedError(`${ctx.host}: mount ${args.path}: ${what} failed: ${tail(r.stderr || r.stdout) || `exit ${r.code}`}`, {
          host: ctx.host,
          command: what,
          code: r.code,
          stderr: r.stderr,
        });
    }
    return undefined;
  },
};

/** The steps of an apply, each with how a failure names it: unmount first (absent, unmounted, or a different source), then the fstab, then mount from it. */
function mountSteps(args: MountArgs, data: MountPlanData): { step: ApplyStep; what: string }[] {
  const p = quote(args.path);
  const fstabPath = args.fstab ?? '/etc/fstab';
  const out: { step: ApplyStep; what: string }[] = [];
  const [first, ...rest] = data.actions;
  const later = first === 'umount' ? rest : data.actions;
  if (first === 'umount')
    out.push({ step: { id: 'umount', kind: 'exec', label: `umount ${args.path}`, command: `umount -- ${p}` }, what: `umount ${args.path}` });
  if (data.fstab !== undefined)
    out.push({
      step: {
        id: 'fstab',
        kind: 'exec',
        label: `write ${fstabPath}`,
        command: atomicWriteCommand(fstabPath, { content: data.fstab }),
        stdin: data.fstab,
      },
      what: `writing ${fstabPath}`,
    });
  const opts = args.opts && args.opts !== 'defaults' ? ` -o ${quote(args.opts)}` : '';
  // Another fstab than /etc/fstab is named to mount with -T, as Ansible does.
  const tab = args.fstab ? ` -T ${quote(args.fstab)}` : '';
  for (const action of later) {
    const command =
      action === 'mkdir'
        ? `mkdir -p -- ${p}`
        : action === 'remount'
          ? `mount${tab} -o ${quote(`remount${args.opts && args.opts !== 'defaults' ? ',' + args.opts : ''}`)} -- ${p}`
          : action === 'umount'
            ? `umount -- ${p}`
            : args.state === 'mounted' && args.src !== undefined
              ? `mount -t ${quote(args.fstype!)}${opts} -- ${quote(args.src)} ${p}`
              : `mount${tab} -- ${p}`;
    // Ids are unique: "umount" again after a first umount is "umount2".
    const id = out.some((o) => o.step.id === action) ? `${action}2` : action;
    out.push({ step: { id, kind: 'exec', label: command, command }, what: command });
  }
  return out;
}

/** `mount({ path: '/var/lib/etcd', src: '/dev/sdb1', fstype: 'xfs', state: 'mounted' })`: fstab and mount state. */
export const mount = defineTaskType(mountType);
