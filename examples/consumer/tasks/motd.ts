/**
 * `motd`: a task type of this project, not of hostwright. It keeps a message-of-the-day file: the message,
 * then a "managed by" line. It follows hostwright's contract: a read-only probe (one shell command and a
 * parser), a pure plan that decides and carries the diff, and its apply as data: the steps that do exactly
 * the plan (run by hostwright, shown by `--check -vv`, recorded in saved plans) and a pure judgement of
 * their results.
 */
import { AbsolutePath, Args, TaskFailedError, Type, atomicWriteCommand, defineTaskType, quote, type Static, type TaskType } from 'hostwright';

/** Arguments of `motd`: checked by TypeScript here and by the schema at run time. */
export const MotdArgsSchema = Args({
  /** The message, one or more lines. */
  message: Type.String({ minLength: 1 }),
  /** Where the file lives (default /etc/motd). */
  path: Type.Optional(AbsolutePath),
});
/** Arguments of `motd`. */
export type MotdArgs = Static<typeof MotdArgsSchema>;

/** What the probe found: the file's content, or null when there is no file. */
type MotdState = { content: string | null };

/** The file's whole wanted content. */
export const motdContent = (args: MotdArgs): string => `${args.message.replace(/\n+$/, '')}\n-- managed by hostwright\n`;

/** The `motd` task type. */
export const motdType: TaskType<typeof MotdArgsSchema, MotdState, { content: string }> = {
  name: 'motd',
  description: 'Keep a message-of-the-day file with a message and a managed-by line.',
  schema: MotdArgsSchema,
  supportsDiff: true,
  probe: (args) => {
    const path = quote(args.path ?? '/etc/motd');
    return {
      // One round trip: a marker line, then the content (if any).
      command: `if [ -f ${path} ]; then echo present; cat -- ${path}; else echo absent; fi`,
      parse: (r) => {
        if (r.code !== 0) throw new Error(`cannot read ${args.path ?? '/etc/motd'}: ${r.stderr.trim()}`);
        const [marker, ...rest] = r.stdout.split('\n');
        return { content: marker === 'present' ? rest.join('\n') : null };
      },
    };
  },
  plan: (args, state) => {
    const path = args.path ?? '/etc/motd';
    const wanted = motdContent(args);
    if (state.content === wanted) return { status: 'ok', reason: `${path} has the message` };
    return {
      status: 'change',
      summary: state.content === null ? `create ${path}` : `update the message in ${path}`,
      diff: [{ kind: 'file', path, before: state.content ?? '', after: wanted }],
      data: { content: wanted },
    };
  },
  steps: (args, plan) => {
    const path = args.path ?? '/etc/motd';
    const content = plan.data?.content ?? '';
    return [{ id: 'write', kind: 'exec', label: `write ${path}`, command: atomicWriteCommand(path, { content, mode: '0644' }), stdin: content }];
  },
  outcome: (args, _plan, results, ctx) => {
    const r = results.get('write');
    if (r && r.code !== 0)
      throw new TaskFailedError(`${ctx.host}: motd: cannot write ${args.path ?? '/etc/motd'}: ${r.stderr.trim()}`, {
        host: ctx.host,
        code: r.code,
        stderr: r.stderr,
      });
  },
};

/** `motd({ message: 'Authorised use only' })`: a typed factory, like hostwright's own `file()` or `pkg()`. */
export const motd = defineTaskType(motdType);
