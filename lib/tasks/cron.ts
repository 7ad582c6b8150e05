/**
 * `cron`: a named entry (or env line) in a user's crontab or in a file under /etc/cron.d, with Ansible's
 * cron module's rules, so entries written by Ansible (`#Ansible: NAME` markers) are recognised and
 * rewritten byte for byte as Ansible would. Special times (`@reboot`), disabled entries, env lines,
 * state absent (a cron.d file left empty is removed). Idempotent: changed exactly when Ansible would write.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TaskFailedError, tail } from '../core/errors.ts';
import { defineTaskType } from '../core/define-task-type.ts';
import { cronProbe, editCron, type CronState } from '../probes/crontab.ts';
import { quote } from '../transport/quote.ts';
import { atomicWriteCommand } from './atomic.ts';
import type { Plan, TaskType } from '../core/task-contract.ts';
import { AccountName } from './group.ts';
import { Args } from './schema-types.ts';

const Field = Type.String({ pattern: '^\\S+$', description: 'a crontab time field such as */5 or 1-5' });

/** Arguments of the `cron` task. */
export const CronArgsSchema = Args({
  /** The entry's name (the `#Ansible: NAME` marker), or the variable's name with `env`. */
  name: Type.String({ minLength: 1, pattern: '^[^\\n\\r]+$' }),
  /** The command (or the variable's value with `env`). Required with state present. */
  job: Type.Optional(Type.String({ pattern: '^[^\\n\\r]*$' })),
  minute: Type.Optional(Field),
  hour: Type.Optional(Field),
  day: Type.Optional(Field),
  month: Type.Optional(Field),
  weekday: Type.Optional(Field),
  /** `reboot`, `yearly`, `annually`, `monthly`, `weekly`, `daily` or `hourly` instead of the time fields. */
  specialTime: Type.Optional(
    Type.Union([
      Type.Literal('reboot'),
      Type.Literal('yearly'),
      Type.Literal('annually'),
      Type.Literal('monthly'),
      Type.Literal('weekly'),
      Type.Literal('daily'),
      Type.Literal('hourly'),
    ]),
  ),
  /** Whose crontab (default: the connecting user's); with `cronFile`, the user column (required). */
  user: Type.Optional(AccountName),
  /** A file under /etc/cron.d (a name) or an absolute path, instead of a crontab. */
  cronFile: Type.Optional(Type.String({ minLength: 1, pattern: '^[^\\n]+$' })),
  /** `present` (default) or `absent`. */
  state: Type.Optional(Type.Union([Type.Literal('present'), Type.Literal('absent')])),
  /** Write the entry commented out. */
  disabled: Type.Optional(Type.Boolean()),
  /** Manage an environment line `NAME="JOB"` instead of an entry. */
  env: Type.Optional(Type.Boolean()),
  /** With env: put a new line after (or before) the line of this variable; default: at the top. */
  insertAfter: Type.Optional(Type.String({ minLength: 1 })),
  insertBefore: Type.Optional(Type.String({ minLength: 1 })),
});
/** Arguments of the `cron` task. */
export type CronArgs = Static<typeof CronArgsSchema>;

/** What apply does: write the crontab or file, or remove the file. */
export interface CronPlanData {
  content: string;
  removeFile?: boolean;
}

/** The file a `cronFile` argument names. */
export const cronFilePath = (cronFile: string): string => (cronFile.startsWith('/') ? cronFile : `/etc/cron.d/${cronFile}`);

/** Pure plan of the `cron` task. */
export function planCron(args: CronArgs, state: CronState): Plan<CronPlanData> {
  if (state.error) return { status: 'failed', reason: `cannot read the crontab${args.user ? ` of ${args.user}` : ''}: ${state.error}` };
  const where = args.cronFile !== undefined ? cronFilePath(args.cronFile) : `crontab${args.user ? ` of ${args.user}` : ''}`;
  const edit = editCron(state.existing, args as never, args.cronFile !== undefined);
  if ('error' in edit) return { status: 'failed', reason: edit.error };
  const what = args.env ? `variable ${args.name}` : `entry "${args.name}"`;
  if (!edit.changed) return { status: 'ok', reason: `${where}: ${what} ${args.state === 'absent' ? 'absent' : 'as wanted'}` };
  if (edit.removeFile)
    return {
      status: 'change',
      summary: `${where}: remove ${what}, then the empty file`,
      diff: [{ kind: 'file', path: where, before: state.existing, after: '' }],
      data: { content: '', removeFile: true },
    };
  return {
    status: 'change',
    summary: `${where}: ${args.state === 'absent' ? 'remove' : 'set'} ${what}`,
    diff: [{ kind: 'file', path: where, before: state.existing, after: edit.content }],
    data: { content: edit.content },
  };
}

/** The shell text of the apply: remove the cron.d file, write it (content on stdin), or `crontab -`. */
export function cronApplyCommand(args: CronArgs, d: CronPlanData): string {
  if (d.removeFile) return `rm -f -- ${quote(cronFilePath(args.cronFile!))}`;
  if (args.cronFile !== undefined) return atomicWriteCommand(cronFilePath(args.cronFile), { content: d.content });
  return `crontab ${args.user !== undefined ? `-u ${quote(args.user)} ` : ''}-`;
}

/** The `cron` task type. */
export const cronType: TaskType<typeof CronArgsSchema, CronState, CronPlanData> = {
  name: 'cron',
  description: "A named entry or env line in a crontab or an /etc/cron.d file (Ansible's #Ansible: markers).",
  schema: CronArgsSchema,
  supportsDiff: true,
  check(args) {
    const present = (args.state ?? 'present') === 'present';
    const times = [args.minute, args.hour, args.day, args.month, args.weekday].filter((t) => t !== undefined && t !== '*');
    if (args.specialTime && times.length) return 'give either specialTime or the time fields, not both';
    if (present && args.job === undefined) return 'job is required with state "present"';
    if (present && args.cronFile !== undefined && args.user === undefined) return 'cronFile needs user (the user column of the file)';
    if ((args.insertAfter || args.insertBefore) && !args.env) return 'insertAfter and insertBefore are only allowed with env';
    if (args.insertAfter && args.insertBefore) return 'give insertAfter or insertBefore, not both';
    if (args.env && /\s/.test(args.name)) return 'an env name must not contain spaces';
    if (args.cronFile !== undefined && cronFilePath(args.cronFile) === '/etc/crontab') return 'cronFile must not be /etc/crontab';
    return undefined;
  },
  probe: (args) => cronProbe(args.cronFile !== undefined ? { file: cronFilePath(args.cronFile) } : { user: args.user }),
  plan: (args, state) => planCron(args, state),
  steps(args, plan) {
    const d = plan.data!;
    const command = cronApplyCommand(args, d);
    if (d.removeFile) return [{ id: 'apply', kind: 'exec', label: `rm -f ${cronFilePath(args.cronFile!)}`, command }];
    const label =
      args.cronFile !== undefined ? `write ${cronFilePath(args.cronFile)}` : `crontab ${args.user !== undefined ? `-u ${args.user} ` : ''}-`;
    return [{ id: 'apply', kind: 'exec', label, command, stdin: d.content }];
  },
  outcome(args, plan, results, ctx) {
    const d = plan.data!;
    const r = results.get('apply')!;
    if (r.code !== 0)
      throw new TaskFailedError(
        `${ctx.host}: cron ${args.name}: ${d.removeFile ? 'removing' : 'writing'} ${args.cronFile !== undefined ? cronFilePath(args.cronFile) : 'the crontab'} failed (exit ${r.code}): ${tail(r.stderr || r.stdout)}`,
        { host: ctx.host, command: cronApplyCommand(args, d).split('\n')[0], code: r.code, stderr: r.stderr },
      );
    return undefined;
  },
};

/** `cron({ name: 'backup', job: '/usr/local/bin/backup', minute: '0', hour: '3' })`: a crontab entry. */
export const cron = defineTaskType(cronType);
