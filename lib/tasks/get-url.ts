/**
 * `getUrl`: download a URL on the host with the host's own curl or wget (detected by the probe), into a
 * temporary file beside the destination, verified against `checksum`, given its mode and owner, then
 * renamed into place. Idempotent by checksum when one is given (the file's digest on the host), else by
 * existence: an existing file is not downloaded again. One probe: the tool, the file's state, its digest.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TaskFailedError, tail } from '../core/errors.ts';
import { defineTaskType } from '../core/define-task-type.ts';
import { fileStatProbe, parseFileStat, type FileState } from '../probes/file-stat.ts';
import { quote } from '../transport/quote.ts';
import { attrChanges, attrCommands, OwnerSchema, type WantedAttrs } from './file-attrs.ts';
import type { Diff, Plan, Probe, TaskContext, TaskType } from '../core/task-contract.ts';
import { AbsolutePath, Args, FileModeSchema, normalizeMode } from './schema-types.ts';

const ALGOS = { md5: 32, sha1: 40, sha224: 56, sha256: 64, sha384: 96, sha512: 128 } as const;
type Algo = keyof typeof ALGOS;

/** Arguments of the `getUrl` task. */
export const GetUrlArgsSchema = Args({
  /** http, https or ftp URL, fetched by the host. */
  url: Type.String({ pattern: '^(https?|ftp)://[^\\s]+$', description: 'an http(s) or ftp URL' }),
  /** Absolute path of the file on the host; ending with `/`: the URL's last path segment inside that folder. */
  dest: AbsolutePath,
  /** `ALGORITHM:HEX` (`sha256:…`, `sha1:…`, `md5:…`, `sha512:…`): verified after download, and what decides idempotence. */
  checksum: Type.Optional(
    Type.String({
      pattern: '^(md5|sha1|sha224|sha256|sha384|sha512):[0-9a-fA-F]+$',
      description: "'sha256:HEX' (or md5, sha1, sha224, sha384, sha512)",
    }),
  ),
  /** Mode of the file (default: an existing file's, else 0644). */
  mode: Type.Optional(FileModeSchema),
  /** Owner: a name or a numeric uid. */
  owner: Type.Optional(OwnerSchema),
  /** Group: a name or a numeric gid. */
  group: Type.Optional(OwnerSchema),
  /** Extra HTTP request headers. */
  headers: Type.Optional(
    Type.Record(Type.String({ pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$" }), Type.String({ pattern: '^[^\\r\\n]*$' }), {
      additionalProperties: false,
      description: 'header names are tokens (no spaces or colons); values one line',
    }),
  ),
  /** Seconds before the download is given up (default 10). */
  timeout: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
});
/** Arguments of the `getUrl` task. */
export type GetUrlArgs = Static<typeof GetUrlArgsSchema>;

/** What the probe found. */
export interface GetUrlState {
  /** The download tool on the host. */
  tool: 'curl' | 'wget' | 'none';
  file: FileState;
  /** The file's digest with the checksum's algorithm (sha256 comes with the file state). */
  digest?: string;
}

/** What apply needs. */
export interface GetUrlPlanData {
  download: boolean;
  tool: 'curl' | 'wget';
  attrs?: WantedAttrs;
}

/** The destination file: `dest`, or `dest` + the URL's last path segment when dest ends with `/`. */
export function getUrlDest(args: Pick<GetUrlArgs, 'url' | 'dest'>): string {
  if (!args.dest.endsWith('/')) return args.dest;
  const name = decodeURIComponent(new URL(args.url).pathname.replace(/\/+$/, '').split('/').pop() ?? '');
  return args.dest + (name || 'index.html');
}

function parseChecksum(checksum: string | undefined): { algo: Algo; hex: string } | undefined {
  if (!checksum) return undefined;
  const [algo, hex] = checksum.split(':');
  return { algo: algo as Algo, hex: hex.toLowerCase() };
}

/** The probe: the tool, the file state, and the digest with the wanted algorithm. */
export function getUrlProbe(dest: string, algo?: string): Probe<GetUrlState> {
  const file = fileStatProbe(dest);
  const digest = algo && algo !== 'sha256' ? `\nif [ -f ${quote(dest)} ]; then d=$(${algo}sum < ${quote(dest)}); echo "digest=\${d%% *}"; fi` : '';
  const command = `if command -v curl >/dev/null 2>&1; then echo tool=curl; elif command -v wget >/dev/null 2>&1; then echo tool=wget; else echo tool=none; fi\n${file.command}${digest}`;
  return { command, parse: parseGetUrl, local: true };
}

/** Pure parser of the probe's output. */
export function parseGetUrl(result: { code: number; stdout: string; stderr: string }): GetUrlState {
  const file = parseFileStat(result);
  const tool = /^tool=(curl|wget|none)$/m.exec(result.stdout)?.[1] as GetUrlState['tool'] | undefined;
  if (!tool) throw new Error('getUrl probe printed no tool line');
  const digest = /^digest=([0-9a-f]+)$/m.exec(result.stdout)?.[1] ?? file.sha256;
  return digest !== undefined && file.type === 'file' ? { tool, file, digest } : { tool, file };
}

/** Pure plan of the `getUrl` task (exported for tests). */
export function planGetUrl(args: GetUrlArgs, state: GetUrlState, _ctx: Pick<TaskContext, 'check' | 'earlierChangePredicted'>): Plan<GetUrlPlanData> {
  const dest = getUrlDest(args);
  const f = state.file;
  if (f.type !== 'absent' && f.type !== 'file') return { status: 'failed', reason: `${dest} is a ${f.type} on the host, not a file` };
  const sum = parseChecksum(args.checksum);
  const have = f.type === 'file';
  const same = have && (sum ? state.digest === sum.hex : true);
  const attrs = attrChanges({ mode: args.mode && normalizeMode(args.mode), owner: args.owner, group: args.group }, f);
  if (same && !attrs.attrs)
    return {
      status: 'ok',
      reason: sum ? `${dest} has ${sum.algo} ${sum.hex.slice(0, 12)}…` : `${dest} exists (no checksum given: not downloaded again)`,
    };
  if (same)
    return {
      status: 'change',
      summary: `${dest}: set ${Object.keys(attrs.attrs!).join(', ')}`,
      diff: attrs.diff,
      data: { download: false, tool: 'curl', attrs: attrs.attrs },
    };
  if (state.tool === 'none') return { status: 'failed', reason: `neither curl nor wget is installed on the host (needed to download ${args.url})` };
  if (!f.parentExists) return { status: 'failed', reason: `the folder of ${dest} does not exist on the host` };
  const diff: Diff[] = [
    {
      kind: 'state',
      key: dest,
      before: have ? `${sum?.algo ?? 'sha256'} ${(state.digest ?? '?').slice(0, 12)}` : '(absent)',
      after: sum ? `${sum.algo} ${sum.hex.slice(0, 12)} from ${args.url}` : `downloaded from ${args.url}`,
    },
  ];
  return { status: 'change', summary: `download ${args.url} to ${dest} with ${state.tool}`, diff, data: { download: true, tool: state.tool } };
}

/** The shell text of a download: temporary file beside dest, fetch, verify, attributes, rename. */
export function downloadCommand(args: GetUrlArgs, tool: 'curl' | 'wget'): string {
  const dest = getUrlDest(args);
  const timeout = String(args.timeout ?? 10);
  const headers = Object.entries(args.headers ?? {});
  const fetch =
    tool === 'curl'
      ? ['curl', '-fsSL', '--max-time', timeout, ...headers.flatMap(([k, v]) => ['-H', `${k}: ${v}`]), '-o', '"$t"', '--', args.url]
      : ['wget', '-q', '-T', timeout, '-t', '1', ...headers.map(([k, v]) => `--header=${k}: ${v}`), '-O', '"$t"', '--', args.url];
  const sum = parseChecksum(args.checksum);
  const steps = [
    `p=${quote(dest)}`,
    't=$(mktemp "$(dirname -- "$p")/.hostwright.XXXXXX") || exit 1',
    'trap \'rm -f -- "$t"\' EXIT',
    `${fetch.map((w) => (w === '"$t"' ? w : quote(w))).join(' ')} || { echo ${quote(`download of ${args.url} failed`)} >&2; exit 4; }`,
  ];
  if (sum)
    steps.push(
      `s=$(${sum.algo}sum < "$t"); s=\${s%% *}; [ "$s" = ${quote(sum.hex)} ] || { echo "checksum mismatch: ${sum.algo} of the download is $s, expected ${sum.hex}" >&2; exit 3; }`,
    );
  if (args.owner || args.group) steps.push(`chown ${quote(`${args.owner ?? ''}${args.group ? ':' + args.group : ''}`)} -- "$t" || exit 1`);
  steps.push(
    args.mode
      ? `chmod ${quote(normalizeMode(args.mode))} -- "$t" || exit 1`
      : 'if [ -e "$p" ]; then chmod --reference="$p" -- "$t"; else chmod 0644 -- "$t"; fi || exit 1',
  );
  steps.push('mv -f -- "$t" "$p" || exit 1', 'trap - EXIT');
  return steps.join('\n');
}

/** The `getUrl` task type. */
export const getUrlType: TaskType<typeof GetUrlArgsSchema, GetUrlState, GetUrlPlanData> = {
  name: 'getUrl',
  description: 'Download a URL on the host (its curl or wget), verified by checksum; idempotent by checksum or existence.',
  schema: GetUrlArgsSchema,
  // Header values often carry credentials (Authorization, tokens): masked in every output, -vv steps and saved plans.
  secretArgs: ['headers'],
  supportsDiff: true,
  check(args) {
    const sum = parseChecksum(args.checksum);
    if (sum && sum.hex.length !== ALGOS[sum.algo]) return `checksum: a ${sum.algo} digest has ${ALGOS[sum.algo]} hex digits, not ${sum.hex.length}`;
    return undefined;
  },
  probe: (args) => getUrlProbe(getUrlDest(args), parseChecksum(args.checksum)?.algo),
  plan: (args, state, ctx) => planGetUrl(args, state, ctx),
  steps(args, plan) {
    const data = plan.data!;
    const dest = getUrlDest(args);
    const sum = parseChecksum(args.checksum);
    const attrs = Object.entries(data.attrs ?? {})
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    const label = data.download ? `${data.tool} ${args.url} to ${dest}${sum ? `, checked against its ${sum.algo}` : ''}` : `${dest}: set ${attrs}`;
    const command = data.download ? downloadCommand(args, data.tool) : attrCommands(quote(dest), data.attrs ?? {}).join(' && ');
    // The whole command gets 30 s beyond the download's own timeout (checksum, rename) before it is killed.
    return [{ id: 'apply', kind: 'exec', label, command, ...(args.timeout !== undefined ? { timeoutMs: (args.timeout + 30) * 1000 } : {}) }];
  },
  outcome(args, plan, results, ctx) {
    const data = plan.data!;
    const r = results.get('apply')!;
    if (r.code !== 0)
      throw new TaskFailedError(`${ctx.host}: getUrl ${args.url}: ${tail(r.stderr || r.stdout) || `exit ${r.code}`}`, {
        host: ctx.host,
        command: `${data.tool} ${args.url}`,
        code: r.code,
        stderr: r.stderr,
      });
    return { extra: { dest: getUrlDest(args), url: args.url } };
  },
};

/** `getUrl({ url: 'http://repo/etcd.tar.gz', dest: '/opt/etcd.tar.gz', checksum: 'sha256:…' })`: download on the host. */
export const getUrl = defineTaskType(getUrlType);
