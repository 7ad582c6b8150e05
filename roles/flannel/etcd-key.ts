/**
 * `etcdKey`: a key in etcd's v2 keyspace (flannel 0.7 reads only v2), written only when its value differs.
 * Read first, then create (`prevExist=false`) or update, so a rerun changes nothing and check mode
 * predicts exactly. A custom task type written with hostwright's public API only.
 */
import { Args, TaskFailedError, Type, defineTaskType, quote, type TaskType } from '../../lib/index.ts';

const EtcdKeyArgs = Args({
  /** etcd client URL reachable from the host the task runs on, e.g. `http://127.0.0.1:2379`. */
  endpoint: Type.String({ pattern: '^https?://' }),
  /** Key path, e.g. `/atomic.io/network/config`. */
  key: Type.String({ pattern: '^/' }),
  /** Wanted value. JSON values are compared as JSON (whitespace and key order do not matter). */
  value: Type.String(),
});

/** What the key holds now: undefined when it does not exist. */
interface EtcdKeyState {
  value?: string;
}

const sameValue = (a: string, b: string): boolean => {
  if (a === b) return true;
  try {
    return JSON.stringify(sortKeys(JSON.parse(a))) === JSON.stringify(sortKeys(JSON.parse(b)));
  } catch {
    return false;
  }
};

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  return v;
}

/** Pure parser of `GET /v2/keys/KEY` (curl output followed by its exit code on the last line). */
export function parseEtcdGet(stdout: string, code: number, stderr: string): EtcdKeyState {
  if (code !== 0) throw new Error(`etcd does not answer (curl exit ${code}): ${stderr.trim().split('\n').pop() ?? ''}`);
  let body: any;
  try {
    body = JSON.parse(stdout);
  } catch {
    throw new Error(`unexpected answer from etcd: ${stdout.slice(0, 200)}`);
  }
  if (body.errorCode === 100) return {};
  if (body.errorCode !== undefined) throw new Error(`etcd error ${body.errorCode}: ${body.message}`);
  if (body.node?.dir) throw new Error(`${body.node.key} is a directory in etcd, not a value`);
  return { value: String(body.node?.value ?? '') };
}

const etcdKeyType: TaskType<typeof EtcdKeyArgs, EtcdKeyState, { create: boolean }> = {
  name: 'etcdKey',
  description: 'A key in the etcd v2 keyspace, written only when its value differs.',
  schema: EtcdKeyArgs,
  supportsDiff: true,
  probe: (args) => ({
    command: `curl -sS --max-time 5 ${quote(`${args.endpoint.replace(/\/$/, '')}/v2/keys${args.key}`)}`,
    parse: (r) => parseEtcdGet(r.stdout, r.code, r.stderr),
  }),
  plan(args, state) {
    if (state.value === undefined)
      return {
        status: 'change',
        summary: `create ${args.key} = ${args.value}`,
        diff: [{ kind: 'state', key: args.key, before: '(absent)', after: args.value }],
        data: { create: true },
      };
    if (sameValue(state.value, args.value)) return { status: 'ok', reason: `${args.key} already holds ${state.value}` };
    return {
      status: 'change',
      summary: `update ${args.key}`,
      diff: [{ kind: 'state', key: args.key, before: state.value, after: args.value }],
      data: { create: false },
    };
  },
  async apply(args, plan, host) {
    const url = `${args.endpoint.replace(/\/$/, '')}/v2/keys${args.key}${plan.data?.create ? '?prevExist=false' : ''}`;
    const command = `curl -sS --max-time 10 -X PUT ${quote(url)} --data-urlencode value@-`;
    const r = await host.exec(command, { stdin: args.value });
    let body: any = {};
    try {
      body = JSON.parse(r.stdout);
    } catch {
      /* reported below */
    }
    if (r.code !== 0 || body.errorCode !== undefined || !body.node) {
      throw new TaskFailedError(
        `${host.name}: etcdKey ${args.key}: ${body.message ?? (r.stderr.trim() || r.stdout.trim() || `curl exit ${r.code}`)}`,
        { host: host.name, command, code: r.code, stderr: r.stderr },
      );
    }
  },
};

/** `etcdKey({ endpoint, key, value })`. */
export const etcdKey = defineTaskType(etcdKeyType);
