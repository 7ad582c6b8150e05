/**
 * `sysctl`: a kernel parameter, live (`sysctl -n`) and persisted as `KEY = VALUE` in a file under
 * `/etc/sysctl.d/`, applied with `sysctl -p FILE` under `LANG=C`. The new file is loaded from its temporary
 * copy before it replaces the old one, so a value the kernel refuses is never persisted; anything sysctl
 * says on stderr fails the task even when it exits 0, and the live value is read back afterwards.
 * Idempotent: ok when the live value and the file both hold the value (compared whitespace-normalised).
 */
import { Type, type Static } from '@sinclair/typebox';
import { TaskFailedError, tail } from '../core/errors.ts';
import { defineTaskType } from '../core/define-task-type.ts';
import {
  normalizeSysctlValue,
  removeSysctlLine,
  setSysctlLine,
  sysctlFileValues,
  sysctlProbe,
  SYSCTL_PATH,
  type SysctlState,
} from '../probes/sysctl-state.ts';
import { quote } from '../transport/quote.ts';
import { atomicWriteCommand } from './atomic.ts';
import type { Diff, Plan, TaskContext, TaskType } from '../core/task-contract.ts';
import { AbsolutePath, Args } from './schema-types.ts';

/** Where values are persisted unless `file` says otherwise. */
export const SYSCTL_DEFAULT_FILE = '/etc/sysctl.d/99-hostwright.conf';

/** Arguments of the `sysctl` task. */
export const SysctlArgsSchema = Args({
  /** The parameter, dotted (`net.ipv4.ip_forward`) or slashed (`net/ipv4/ip_forward`). */
  key: Type.String({ pattern: '^[A-Za-z0-9_][A-Za-z0-9_.:/@+-]*$', description: 'a sysctl key such as net.ipv4.ip_forward' }),
  /** The value; several values separated by spaces (`'1024 65000'`). Required with state `present`. */
  value: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Number()])),
  /** The file the value is persisted in (default `/etc/sysctl.d/99-hostwright.conf`). */
  file: Type.Optional(AbsolutePath),
  /** `present` (default): set it; `absent`: remove it from the file (the live value is left alone). */
  state: Type.Optional(Type.Union([Type.Literal('present'), Type.Literal('absent')])),
  /** Load the file with `sysctl -p FILE` so that the live value follows (default true). */
  reload: Type.Optional(Type.Boolean()),
});
/** Arguments of the `sysctl` task. */
export type SysctlArgs = Static<typeof SysctlArgsSchema>;

/** What apply needs: the new file content (when it changes) and whether to load it. */
export interface SysctlPlanData {
  content?: string;
  /** The file does not exist yet: it is created with mode 0644. */
  create?: boolean;
  reload: boolean;
  /** The normalised value to read back after loading. */
  expect?: string;
}

/** Pure plan of the `sysctl` task (exported for fixture tests). */
export function planSysctl(args: SysctlArgs, state: SysctlState, ctx: Pick<TaskContext, 'check' | 'earlierChangePredicted'>): Plan<SysctlPlanData> {
  const file = args.file ?? SYSCTL_DEFAULT_FILE;
  const key = args.key;
  const later = (reason: string): Plan<SysctlPlanData> | undefined =>
    ctx.check && ctx.earlierChangePredicted ? { status: 'may-change', reason: `${reason} (an earlier task may change that)` } : undefined;
  if (state.fileType === 'other') return { status: 'failed', reason: `${file} exists but is not a regular file` };
  const values = state.fileType === 'file' ? sysctlFileValues(state.content, key) : [];

  if (args.state === 'absent') {
    if (!values.length) return { status: 'ok', reason: `${key} is not set in ${file}` };
    return {
      status: 'change',
      summary: `remove ${key} from ${file}`,
      diff: [{ kind: 'state', key: `${key} in ${file}`, before: values.join(', '), after: '(not set)' }],
      data: { content: removeSysctlLine(state.content, key), reload: false },
    };
  }

  const want = normalizeSysctlValue(args.value ?? '');
  const reload = args.reload ?? true;
  if (reload && state.liveRc !== 0) {
    const why = `sysctl cannot read ${key}: ${state.liveError || `exit ${state.liveRc}`}`;
    return later(why) ?? { status: 'failed', reason: `${why} (an unknown key, or its kernel module is not loaded)` };
  }
  if (state.fileType === 'absent' && !state.parentExists) {
    const parent = file.replace(/\/[^/]*$/, '') || '/';
    return (
      later(`${parent} does not exist`) ?? { status: 'failed', reason: `directory ${parent} does not exist; create it first or choose another file` }
    );
  }
  const fileOk = values.length > 0 && values.every((v) => v === want);
  const liveOk = !reload || state.live === want;
  if (fileOk && liveOk) return { status: 'ok', reason: reload ? `${key} = ${want} (live and in ${file})` : `${key} = ${want} in ${file}` };

  const diff: Diff[] = [];
  const parts: string[] = [];
  if (!liveOk) {
    diff.push({ kind: 'state', key: `${key} (live)`, before: state.live, after: want });
    parts.push(`live ${state.live} → ${want}`);
  }
  if (!fileOk) {
    const before = state.fileType === 'absent' ? '(no file)' : values.length ? values.join(', ') : '(not set)';
    diff.push({ kind: 'state', key: `${key} in ${file}`, before, after: want });
    parts.push(`${file} ${before} → ${want}`);
  }
  const content = fileOk ? undefined : setSysctlLine(state.content, key, want);
  return {
    status: 'change',
    summary: `${key} = ${want}: ${parts.join(', ')}`,
    diff,
    data: { ...(content === undefined ? {} : { content, create: state.fileType === 'absent' }), reload, expect: want },
  };
}

// sysctl can exit 0 and still complain on stderr ("permission denied on key"): both count as a failure.
const STRICT_LOAD = 'e=$(sysctl -p %s 2>&1 >/dev/null); r=$?; [ -n "$e" ] && echo "$e"; [ "$r" -eq 0 ] && [ -z "$e" ]';

/** The shell text of the apply: write (loading the temporary copy first), or load, then read back. */
export function sysctlApplyCommand(args: SysctlArgs, data: SysctlPlanData): string {
  const file = args.file ?? SYSCTL_DEFAULT_FILE;
  const steps = ['export LANG=C LC_ALL=C', SYSCTL_PATH];
  if (data.content !== undefined) {
    const write = atomicWriteCommand(file, {
      content: data.content,
      ...(data.create ? { mode: '0644' } : {}),
      ...(data.reload ? { validateScript: STRICT_LOAD.split('%s').join('"$t"') } : {}),
    });
    steps.push(`( ${write}\n) || exit $?`);
  } else if (data.reload) {
    steps.push(`( ${STRICT_LOAD.replace('%s', quote(file))} ) >&2 || exit 4`);
  }
  if (data.reload) steps.push(`v=$(sysctl -n ${quote(args.key)} 2>&1); printf 'verify=%s\\n' "$(printf '%s' "$v" | tr '\\t\\n' '  ')"`);
  return steps.join('\n');
}

/** The `sysctl` task type. */
export const sysctlType: TaskType<typeof SysctlArgsSchema, SysctlState, SysctlPlanData> = {
  name: 'sysctl',
  description: 'Set a kernel parameter live and persist it in a file under /etc/sysctl.d/ (sysctl -p FILE).',
  schema: SysctlArgsSchema,
  supportsDiff: true,
  check(args) {
    if ((args.state ?? 'present') === 'present' && args.value === undefined) return 'value is required with state "present"';
    if (args.state === 'absent' && args.value !== undefined) return 'value is not allowed with state "absent"';
    if (args.state === 'absent' && args.reload !== undefined)
      return 'reload is not allowed with state "absent" (removing a line does not change the live value)';
    if (typeof args.value === 'string' && /[\n#;]/.test(args.value))
      return 'value must be one line without # or ; (they start comments in sysctl.d files)';
    return undefined;
  },
  probe: (args) => sysctlProbe(args.key, args.file ?? SYSCTL_DEFAULT_FILE),
  plan: (args, state, ctx) => planSysctl(args, state, ctx),
  steps(args, plan) {
    const data = plan.data ?? { reload: false };
    const file = args.file ?? SYSCTL_DEFAULT_FILE;
    const what =
      data.content === undefined
        ? `sysctl -p ${file}`
        : data.reload
          ? `write ${file}, loaded with sysctl -p before it replaces the old one`
          : `write ${file}`;
    return [
      {
        id: 'apply',
        kind: 'exec',
        label: what,
        command: sysctlApplyCommand(args, data),
        ...(data.content !== undefined ? { stdin: data.content } : {}),
      },
    ];
  },
  outcome(args, plan, results, ctx) {
    const data = plan.data ?? { reload: false };
    const file = args.file ?? SYSCTL_DEFAULT_FILE;
    const r = results.get('apply')!;
    const where = `${ctx.host}: sysctl ${args.key}`;
    // Drop atomicWriteCommand's own "validation failed: <command>" line: sysctl's words say it better.
    const stderr = r.stderr
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('validation failed:'))
      .join('\n');
    const said = tail(stderr);
    if (r.code === 3)
      throw new TaskFailedError(`${where}: sysctl -p refused the new ${file}, which was left unchanged: ${said}`, {
        host: ctx.host,
        command: `sysctl -p ${file}`,
        code: r.code,
        stderr,
      });
    if (r.code === 4)
      throw new TaskFailedError(`${where}: sysctl -p ${file} failed: ${said}`, {
        host: ctx.host,
        command: `sysctl -p ${file}`,
        code: r.code,
        stderr,
      });
    if (r.code !== 0)
      throw new TaskFailedError(`${where}: writing ${file} failed (exit ${r.code}): ${said}`, {
        host: ctx.host,
        command: `write ${file}`,
        code: r.code,
        stderr,
      });
    if (data.reload && data.expect !== undefined) {
      const seen = normalizeSysctlValue(/^verify=(.*)$/m.exec(r.stdout)?.[1] ?? '');
      if (seen !== data.expect)
        throw new TaskFailedError(`${where}: the kernel shows ${seen || '(nothing)'} after sysctl -p ${file}, not ${data.expect}`, {
          host: ctx.host,
          command: `sysctl -n ${args.key}`,
        });
    }
    return undefined;
  },
};

/** `sysctl({ key: 'net.ipv4.ip_forward', value: 1, file: '/etc/sysctl.d/k8s.conf' })`: set and persist a kernel parameter. */
export const sysctl = defineTaskType(sysctlType);
