/**
 * `wait`: until a TCP port accepts connections, an HTTP URL answers 2xx (optionally with a body
 * substring) or a command succeeds, as seen from the host itself. Read-only: ok when it answers at once;
 * otherwise the apply waits in one remote loop and reports ok (waiting changes nothing), or fails after
 * `timeout` seconds with what the last try saw.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TaskFailedError } from '../core/errors.ts';
import { defineTaskType } from '../core/define-task-type.ts';
import { parseWait, waitProbe, waitScript, type WaitState, type WaitTarget } from '../probes/wait-script.ts';
import type { Plan, TaskContext, TaskType } from '../core/task-contract.ts';
import { Args } from './schema-types.ts';

/** Arguments of the `wait` task: exactly one of `port`, `url`, `command`. */
export const WaitArgsSchema = Args({
  /** A TCP port that must accept a connection. */
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  /** With `port`: the address to connect to, from the host itself (default `127.0.0.1`). */
  host: Type.Optional(Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_.:%-]+$', description: 'a host name or an IP address' })),
  /** An http(s) URL that must answer with a 2xx status (fetched with curl on the host; no redirects followed). */
  url: Type.Optional(Type.String({ pattern: '^https?://', description: 'an http:// or https:// URL' })),
  /** With `url`: a substring the response body must contain. */
  expect: Type.Optional(Type.String({ minLength: 1 })),
  /** A shell command (`/bin/sh -c`) that must exit 0. */
  command: Type.Optional(Type.String({ minLength: 1 })),
  /** Seconds to wait in all (default 60). */
  timeout: Type.Optional(Type.Number({ minimum: 0 })),
  /** Seconds between tries (default 1). */
  interval: Type.Optional(Type.Number({ minimum: 0 })),
});
/** Arguments of the `wait` task. */
export type WaitArgs = Static<typeof WaitArgsSchema>;

/** Default `timeout` in seconds. */
export const WAIT_DEFAULT_TIMEOUT = 60;
/** Default `interval` in seconds. */
export const WAIT_DEFAULT_INTERVAL = 1;

/** The target of a (valid) `wait` task. */
export function waitTarget(args: WaitArgs): WaitTarget {
  if (args.port !== undefined) return { kind: 'port', host: args.host ?? '127.0.0.1', port: args.port };
  if (args.url !== undefined) return args.expect === undefined ? { kind: 'url', url: args.url } : { kind: 'url', url: args.url, expect: args.expect };
  return { kind: 'command', command: args.command ?? 'false' };
}

/** A short description of the target: `127.0.0.1:2379`, `http://... (2xx)`, `command "..."`. */
export function describeTarget(t: WaitTarget): string {
  switch (t.kind) {
    case 'port':
      return `port ${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
    case 'url':
      return `${t.url} (2xx${t.expect === undefined ? '' : `, body containing ${JSON.stringify(t.expect)}`})`;
    case 'command':
      return `command ${JSON.stringify(t.command.length > 80 ? `${t.command.slice(0, 77)}...` : t.command)}`;
  }
}

/**
 * Pure plan (exported for fixture tests). Answers → ok. Does not answer: in check mode ok ("would wait")
 * when an earlier change may bring it up — a wait never changes anything, so this predicts the real run —
 * else failed (check mode does not wait); in a real run, wait.
 */
export function planWait(args: WaitArgs, state: WaitState, ctx: Pick<TaskContext, 'check' | 'earlierChangePredicted'>): Plan {
  const what = describeTarget(waitTarget(args));
  if (state.answered) return { status: 'ok', reason: `${what} answers` };
  const timeout = args.timeout ?? WAIT_DEFAULT_TIMEOUT;
  if (ctx.check) {
    // Waiting changes nothing, so the real run reports ok: predict ok, and say what it would wait for.
    if (ctx.earlierChangePredicted)
      return {
        status: 'ok',
        reason: `would wait up to ${timeout} s for ${what} (not answering yet: ${state.last || 'no answer'}; an earlier task may bring it up)`,
      };
    return { status: 'failed', reason: `${what} does not answer: ${state.last || 'no answer'} (check mode tries once and does not wait)` };
  }
  return { status: 'change', summary: `wait up to ${timeout} s for ${what}` };
}

/** The `wait` task type. */
export const waitType: TaskType<typeof WaitArgsSchema, WaitState> = {
  name: 'wait',
  description: 'Wait until a TCP port, an HTTP URL (2xx) or a command answers on the host, with a timeout.',
  schema: WaitArgsSchema,
  supportsDiff: false,
  check(args) {
    const given = (['port', 'url', 'command'] as const).filter((k) => args[k] !== undefined);
    if (given.length !== 1) return given.length ? `give one of port, url, command, not ${given.join(' and ')}` : 'give one of port, url or command';
    if (args.host !== undefined && args.port === undefined) return 'host is only allowed with port';
    if (args.expect !== undefined && args.url === undefined) return 'expect is only allowed with url';
    return undefined;
  },
  probe: (args) => waitProbe(waitTarget(args)),
  plan: (args, state, ctx) => planWait(args, state, ctx),
  steps(args) {
    const target = waitTarget(args);
    const timeout = args.timeout ?? WAIT_DEFAULT_TIMEOUT;
    const script = waitScript(target, { timeout, interval: args.interval ?? WAIT_DEFAULT_INTERVAL });
    // The loop ends on the host; the transport timeout is only a safety net well past it. The script's
    // output says whether it answered, whatever its exit code.
    return [
      {
        id: 'wait',
        kind: 'exec',
        label: `wait up to ${timeout} s for ${describeTarget(target)}`,
        command: `export LANG=C LC_ALL=C\n${script}`,
        timeoutMs: (timeout + 60) * 1000,
        okCodes: 'any',
      },
    ];
  },
  outcome(args, _plan, results, ctx) {
    const target = waitTarget(args);
    const timeout = args.timeout ?? WAIT_DEFAULT_TIMEOUT;
    const state = parseWait(results.get('wait')!);
    const what = describeTarget(target);
    if (!state.answered) {
      throw new TaskFailedError(
        `${ctx.host}: wait: ${what} did not answer within ${timeout} s (${state.tries} tries); last: ${state.last || 'no answer'}`,
        { host: ctx.host, command: `wait for ${what}` },
      );
    }
    // Waiting changes nothing on the host: report ok.
    return { changed: false, extra: { elapsed: state.elapsed, tries: state.tries } };
  },
};

/** `wait({ port: 2379 })`, `wait({ url: 'http://127.0.0.1:2379/health', expect: 'true' })`, `wait({ command: 'etcdctl get /k' })`. */
export const wait = defineTaskType(waitType);
