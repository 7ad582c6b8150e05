/**
 * `repository`: a package repository, either a yum/dnf `.repo` file section (Ansible's `yum_repository`:
 * `name`, `baseurl`, `gpgcheck`, `enabled`, ...) or an apt source line in a `sources.list.d` file
 * (Ansible's `apt_repository`: `repo`). One probe reads the file; the plan edits its text (the section
 * written byte for byte as Ansible's yum_repository writes it, other sections, comments and lines kept);
 * the apply writes it atomically and refreshes the package cache for that repository only when the file
 * changed. Idempotent: ok when the file already holds that section (its keys and values read as yum and
 * Ansible read them, whatever the formatting) or that line.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TaskFailedError, tail } from '../core/errors.ts';
import { defineTaskType } from '../core/define-task-type.ts';
import { quote } from '../transport/quote.ts';
import { atomicWriteCommand } from './atomic.ts';
import type { Plan, Probe, TaskContext, TaskType } from '../core/task-contract.ts';
import { AbsolutePath, Args } from './schema-types.ts';

const Key = Type.String({ pattern: '^[A-Za-z0-9_.-]+$' });
const OneLine = Type.String({ minLength: 1, pattern: '^[^\\n\\r]+$' });

/** Arguments of the `repository` task. */
export const RepositoryArgsSchema = Args({
  /** yum: the repository id, the `[section]` name. */
  name: Type.Optional(Key),
  /** yum: the human name (`name =` in the section; default: the id). */
  description: Type.Optional(OneLine),
  /** yum: base URL(s). */
  baseurl: Type.Optional(Type.Union([OneLine, Type.Array(OneLine, { minItems: 1 })])),
  /** yum: mirror list URL. */
  mirrorlist: Type.Optional(OneLine),
  /** yum: check package signatures. */
  gpgcheck: Type.Optional(Type.Boolean()),
  /** yum: URL(s) of the signing key. */
  gpgkey: Type.Optional(Type.Union([OneLine, Type.Array(OneLine, { minItems: 1 })])),
  /** yum: enabled (yum's default: true; written only when given, as Ansible does). */
  enabled: Type.Optional(Type.Boolean()),
  /** yum: more `key = value` options of the section (`priority`, `sslverify`, ...). */
  options: Type.Optional(Type.Record(Key, Type.Union([Type.String({ pattern: '^[^\\n\\r]*$' }), Type.Number(), Type.Boolean()]))),
  /** yum: the file name without `.repo` (default: the id); apt: without `.list` (default: from the URL). */
  file: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]+$' })),
  /** yum: the folder of `.repo` files (default /etc/yum.repos.d). */
  reposdir: Type.Optional(AbsolutePath),
  /** apt: the source line, e.g. `deb [trusted=yes] http://host/debian bookworm main`. */
  repo: Type.Optional(Type.String({ pattern: '^(deb|deb-src) \\S.*$', description: 'a line starting with deb or deb-src' })),
  /** Refresh the package cache for this repository when the file changed (default true). */
  updateCache: Type.Optional(Type.Boolean()),
  /** `present` (default) or `absent`. */
  state: Type.Optional(Type.Union([Type.Literal('present'), Type.Literal('absent')])),
});
/** Arguments of the `repository` task. */
export type RepositoryArgs = Static<typeof RepositoryArgsSchema>;

/** The repository file as probed. */
export interface RepoFileState {
  type: 'absent' | 'file' | 'other';
  content: string;
  parentExists: boolean;
}

/** What apply needs: the new content (undefined: remove the file) and the cache refresh command. */
export interface RepositoryPlanData {
  path: string;
  content?: string;
  refresh?: string;
}

/** The apt file name Ansible would derive from the line: the URL's host and path, other characters as `_`. */
export function aptFileName(repo: string): string {
  const url = repo.split(/\s+/).find((w) => /^[a-z]+:/.test(w)) ?? repo;
  return (
    url
      .replace(/^[a-z]+:\/*/, '')
      .replace(/[^A-Za-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'repository'
  );
}

/** The file the task manages. */
export function repositoryPath(args: RepositoryArgs): string {
  if (args.repo !== undefined) return `/etc/apt/sources.list.d/${args.file ?? aptFileName(args.repo)}.list`;
  return `${args.reposdir ?? '/etc/yum.repos.d'}/${args.file ?? args.name}.repo`;
}

/** The probe: the file's type and content, and whether its folder exists. */
export function repoFileProbe(path: string): Probe<RepoFileState> {
  const p = quote(path);
  const command = `f=${p}\nd=\${f%/*}; [ -d "$d" ] && echo parent=yes || echo parent=no\nif [ -f "$f" ] && [ ! -L "$f" ]; then echo type=file; echo ---content---; cat -- "$f"; elif [ -e "$f" ] || [ -L "$f" ]; then echo type=other; else echo type=absent; fi`;
  return { command, parse: parseRepoFile, local: true };
}

/** Pure parser of the probe's output. */
export function parseRepoFile(result: { code: number; stdout: string; stderr: string }): RepoFileState {
  if (result.code !== 0) throw new Error(`repository probe failed (exit ${result.code}): ${result.stderr.trim()}`);
  const [head, content = ''] = result.stdout.split('---content---\n');
  const type = /^type=(file|other|absent)$/m.exec(head)?.[1] as RepoFileState['type'] | undefined;
  if (!type) throw new Error('repository probe printed no type');
  return { type, content, parentExists: /^parent=yes$/m.test(head) };
}

const yn = (b: boolean) => (b ? '1' : '0');
// Several values are one per line, as Ansible joins them; Python's configparser indents the others with a tab.
const list = (v: string | string[]) => (Array.isArray(v) ? v.join('\n') : v);

/** The section's keys and values as Ansible's yum_repository sets them (unset keys absent). */
export function yumKeys(args: RepositoryArgs): Record<string, string> {
  const kv: Record<string, string> = {};
  if (args.baseurl !== undefined) kv.baseurl = list(args.baseurl);
  if (args.mirrorlist !== undefined) kv.mirrorlist = args.mirrorlist;
  if (args.enabled !== undefined) kv.enabled = yn(args.enabled);
  if (args.gpgcheck !== undefined) kv.gpgcheck = yn(args.gpgcheck);
  if (args.gpgkey !== undefined) kv.gpgkey = list(args.gpgkey);
  kv.name = args.description ?? args.name!;
  for (const [k, v] of Object.entries(args.options ?? {})) kv[k.toLowerCase()] = typeof v === 'boolean' ? yn(v) : String(v).trim();
  return kv;
}

/** The `[id]` section text as Ansible's yum_repository writes it: keys sorted, `key = value`, continuation lines tab-indented. */
export function yumSection(args: RepositoryArgs): string {
  const kv = yumKeys(args);
  return (
    [
      `[${args.name}]`,
      ...Object.keys(kv)
        .sort()
        .map((k) => `${k} = ${kv[k].replace(/\n/g, '\n\t')}`),
    ].join('\n') + '\n'
  );
}

/** One `[id]` section of a `.repo` file: its entry (header to last option line) and what follows it (blank lines, comments). */
interface Section {
  id?: string;
  entry: string;
  trailer: string;
}

const isNote = (line: string) => line.trim() === '' || /^\s*[#;]/.test(line);

/** Split `.repo` text into sections; the first (no id) is what precedes the first header. */
function sections(text: string): Section[] {
  const chunks: { id?: string; lines: string[] }[] = [{ lines: [] }];
  for (const line of text.split(/(?<=\n)/)) {
    const m = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (m) chunks.push({ id: m[1], lines: [] });
    if (line !== '') chunks[chunks.length - 1].lines.push(line);
  }
  return chunks.map(({ id, lines }) => {
    let end = lines.length;
    while (id !== undefined && end > 1 && isNote(lines[end - 1])) end--;
    return { ...(id !== undefined ? { id } : {}), entry: lines.slice(0, end).join(''), trailer: lines.slice(end).join('') };
  });
}

/** A section's options read as Python's configparser (so yum and Ansible) reads them: keys lower case, values trimmed. */
function readKeys(entry: string): Record<string, string> {
  const kv: Record<string, string> = {};
  let key: string | undefined;
  for (const line of entry.split('\n').slice(1)) {
    if (isNote(line)) continue;
    if (/^\s/.test(line) && key !== undefined) {
      kv[key] += `\n${line.trim()}`;
      continue;
    }
    const m = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line.trim());
    key = m ? m[1].toLowerCase() : undefined;
    if (key !== undefined) kv[key] = m![2].trim();
  }
  return kv;
}

const sameKeys = (a: Record<string, string>, b: Record<string, string>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/**
 * The new `.repo` text: the section replaced in place (or added at the end, or removed), as Ansible's
 * yum_repository writes it (a blank line after each section); a section with the same keys and values
 * is kept byte for byte; other sections and comments are kept; no section left: '' (the file goes).
 */
export function editRepoFile(content: string, args: RepositoryArgs): string {
  const parts = sections(content);
  const want = args.state === 'absent' ? undefined : yumKeys(args);
  let found = false;
  let out = '';
  for (const s of parts) {
    if (s.id !== args.name || found) {
      out += s.entry + s.trailer;
      continue;
    }
    found = true;
    // A removed section takes the blank lines after it along; comments stay.
    if (!want) out += s.trailer.replace(/^(\s*\n)+/, '');
    else if (sameKeys(readKeys(s.entry), want)) out += s.entry + s.trailer;
    else out += yumSection(args) + (s.trailer === '' ? '\n' : s.trailer);
  }
  if (!found && want) out = (out === '' ? '' : out.replace(/\n*$/, '\n\n')) + yumSection(args) + '\n';
  // Ansible's yum_repository removes a file without sections.
  return sections(out).length > 1 ? out : '';
}

const norm = (line: string) => line.trim().replace(/\s+/g, ' ');

/** The new apt list text: the line added (or removed); other lines kept. */
export function editAptFile(content: string, args: RepositoryArgs): string {
  const want = norm(args.repo!);
  const lines = content === '' ? [] : content.replace(/\n$/, '').split('\n');
  if (args.state === 'absent')
    return lines
      .filter((l) => norm(l) !== want)
      .map((l) => `${l}\n`)
      .join('');
  if (lines.some((l) => norm(l) === want)) return content;
  return [...lines, args.repo!.trim()].map((l) => `${l}\n`).join('');
}

/** The cache refresh for this repository only. */
export function refreshCommand(args: RepositoryArgs, path: string): string | undefined {
  if (args.updateCache === false) return undefined;
  if (args.repo !== undefined) {
    if (args.state === 'absent') return 'apt-get update -qq';
    return `apt-get update -qq -o Dir::Etc::sourcelist=${quote(path)} -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0`;
  }
  if (args.state === 'absent' || args.enabled === false) return undefined;
  return `yum -q -y makecache --disablerepo='*' --enablerepo=${quote(args.name!)}`;
}

/** Pure plan of the `repository` task (exported for tests). */
export function planRepository(
  args: RepositoryArgs,
  state: RepoFileState,
  ctx: Pick<TaskContext, 'check' | 'earlierChangePredicted'>,
): Plan<RepositoryPlanData> {
  const path = repositoryPath(args);
  if (state.type === 'other') return { status: 'failed', reason: `${path} is not a regular file` };
  const what = args.repo !== undefined ? `"${norm(args.repo)}"` : `[${args.name}]`;
  const next = args.repo !== undefined ? editAptFile(state.content, args) : editRepoFile(state.content, args);
  if (next === state.content) return { status: 'ok', reason: args.state === 'absent' ? `${what} is not in ${path}` : `${path} has ${what}` };
  if (!state.parentExists) {
    const why = `folder of ${path} does not exist`;
    return ctx.check && ctx.earlierChangePredicted
      ? { status: 'may-change', reason: `${why} (an earlier task may create it)` }
      : { status: 'failed', reason: why };
  }
  const refresh = refreshCommand(args, path);
  return {
    status: 'change',
    summary: `${args.state === 'absent' ? 'remove' : state.content.includes(args.repo ?? `[${args.name}]`) ? 'update' : 'add'} ${what} in ${path}${refresh ? ', refresh the cache' : ''}`,
    diff: [{ kind: 'file', path, before: state.content, after: next }],
    data: { path, content: next === '' ? undefined : next, ...(refresh ? { refresh } : {}) },
  };
}

/** The `repository` task type. */
export const repositoryType: TaskType<typeof RepositoryArgsSchema, RepoFileState, RepositoryPlanData> = {
  name: 'repository',
  description: 'A yum .repo section or an apt source line; the cache is refreshed only when the file changed.',
  schema: RepositoryArgsSchema,
  supportsDiff: true,
  check(args) {
    const yum = ['name', 'description', 'baseurl', 'mirrorlist', 'gpgcheck', 'gpgkey', 'enabled', 'options', 'reposdir'].filter(
      (k) => (args as Record<string, unknown>)[k] !== undefined,
    );
    if (args.repo !== undefined && yum.length) return `give either repo (apt) or name (yum), not both (${yum.join(', ')} are yum arguments)`;
    if (args.repo === undefined && args.name === undefined) return 'give name (a yum repository) or repo (an apt source line)';
    if (args.name !== undefined && args.state !== 'absent' && args.baseurl === undefined && args.mirrorlist === undefined)
      return 'a yum repository needs baseurl or mirrorlist';
    if (args.repo !== undefined && /[\n#]/.test(args.repo)) return 'repo must be one line without #';
    return undefined;
  },
  probe: (args) => repoFileProbe(repositoryPath(args)),
  plan: (args, state, ctx) => planRepository(args, state, ctx),
  steps(_args, plan) {
    const data = plan.data!;
    const write =
      data.content === undefined ? `rm -f -- ${quote(data.path)}` : atomicWriteCommand(data.path, { content: data.content, mode: '0644' });
    const label = `${data.content === undefined ? 'remove' : 'write'} ${data.path}${data.refresh ? `, then ${data.refresh}` : ''}`;
    // Exit 4: written, but the cache refresh failed.
    return [
      {
        id: 'apply',
        kind: 'exec',
        label,
        command: `( ${write}\n) || exit $?${data.refresh ? `\n${data.refresh} >&2 || exit 4` : ''}`,
        ...(data.content === undefined ? {} : { stdin: data.content }),
      },
    ];
  },
  outcome(_args, plan, results, ctx) {
    const data = plan.data!;
    const r = results.get('apply')!;
    const where = `${ctx.host}: repository ${data.path}`;
    if (r.code === 4)
      throw new TaskFailedError(`${where}: written, but refreshing the cache failed (${data.refresh}): ${tail(r.stderr)}`, {
        host: ctx.host,
        command: data.refresh,
        code: r.code,
        stderr: r.stderr,
      });
    if (r.code !== 0)
      throw new TaskFailedError(`${where}: ${tail(r.stderr || r.stdout) || `exit ${r.code}`}`, {
        host: ctx.host,
        command: `write ${data.path}`,
        code: r.code,
        stderr: r.stderr,
      });
    return data.refresh ? { note: 'cache refreshed' } : undefined;
  },
};

/** `repository({ name: 'kubernetes', baseurl: 'https://…', gpgcheck: false })` or `repository({ repo: 'deb http://… bookworm main' })`. */
export const repository = defineTaskType(repositoryType);
