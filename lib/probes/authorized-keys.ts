/**
 * The authorized_keys probe (the user's passwd entry, the key file's and its directory's state and the
 * file's content, in one command) and a faithful port of Ansible's authorized_key parsing and rewriting
 * (ansible.posix 1.5): lines are keyed by the key's base64 blob, comment and unparsable lines are kept
 * verbatim, a rewrite re-serialises every key line as `[options ]type blob comment`.
 */
import { quote } from '../transport/quote.ts';
import type { Probe } from '../core/task-contract.ts';
import type { ExecResult } from '../core/transport-types.ts';

/** Key types Ansible recognises in an authorized_keys line. */
export const SSH_KEY_TYPES = [
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'webauthn-sk-ecdsa-sha2-nistp256@openssh.com',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp384-cert-v01@openssh.com',
  'ecdsa-sha2-nistp521',
  'ecdsa-sha2-nistp521-cert-v01@openssh.com',
  'sk-ssh-ed25519@openssh.com',
  'sk-ssh-ed25519-cert-v01@openssh.com',
  'ssh-ed25519',
  'ssh-ed25519-cert-v01@openssh.com',
  'ssh-dss',
  'ssh-rsa',
  'ssh-xmss@openssh.com',
  'ssh-xmss-cert-v01@openssh.com',
  'rsa-sha2-256',
  'rsa-sha2-512',
  'ssh-rsa-cert-v01@openssh.com',
  'rsa-sha2-256-cert-v01@openssh.com',
  'rsa-sha2-512-cert-v01@openssh.com',
  'ssh-dss-cert-v01@openssh.com',
];

/** Key options in order; a name may repeat (`permitopen` twice). `null` value: a flag such as `no-pty`. */
export type KeyOptions = [string, string | null][];

/** One parsed line: a key (`type` set) or a line kept as it is (`skipped`). */
export interface KeyLine {
  /** The blob for keys; the raw line for kept lines. */
  id: string;
  type: string | 'skipped';
  options: KeyOptions;
  comment: string;
  rank: number;
}

/** Parse Ansible's key options string (`from="a,b",no-pty`). */
export function parseKeyOptions(options: string | undefined): KeyOptions {
  const out: KeyOptions = [];
  if (!options) return out;
  // Python's re.split with a capturing group, [1:-1]: the parts and the separators between them.
  const parts = options.split(/((?:[^,"']|"[^"]*"|'[^']*')+)/).slice(1, -1);
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq >= 0) out.push([part.slice(0, eq), part.slice(eq + 1)]);
    else if (part !== ',') out.push([part, null]);
  }
  return out;
}

/** Parse one line as Ansible's parsekey does; undefined when it holds no key and is no `#` comment. */
export function parseKeyLine(raw: string, rank: number): KeyLine | undefined {
  const line = raw.replace(/\\#/g, '#');
  const parts = line.split(/[ \t\r\n]+/).filter(Boolean);
  if (parts[0] === '#') return { id: line, type: 'skipped', options: [], comment: '', rank };
  const at = parts.findIndex((p) => SSH_KEY_TYPES.includes(p));
  if (at < 0 || at + 1 >= parts.length) return undefined;
  return {
    id: parts[at + 1],
    type: parts[at],
    options: parseKeyOptions(at > 0 ? parts.slice(0, at).join(' ') : undefined),
    comment: parts.slice(at + 2).join(' '),
    rank,
  };
}

/** A file's lines keyed as Ansible keys them (a later line with the same key replaces an earlier one in place). */
export function parseKeyFile(content: string): Map<string, KeyLine> {
  const keys = new Map<string, KeyLine>();
  const lines = content.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  lines.forEach((line, rank) => {
    const parsed = parseKeyLine(line, rank);
    if (parsed) keys.set(parsed.id, parsed);
    else keys.set(line, { id: line, type: 'skipped', options: [], comment: '', rank });
  });
  return keys;
}

/** Options equal as Python dicts of lists: same names, same values per name in order. */
export function sameOptions(a: KeyOptions, b: KeyOptions): boolean {
  const group = (o: KeyOptions) => {
    const m = new Map<string, (string | null)[]>();
    for (const [k, v] of o) m.set(k, [...(m.get(k) ?? []), v]);
    return m;
  };
  const ga = group(a);
  const gb = group(b);
  if (ga.size !== gb.size) return false;
  for (const [k, v] of ga) if (JSON.stringify(gb.get(k)) !== JSON.stringify(v)) return false;
  return true;
}

/** Serialise as Ansible: by rank (stable), kept lines verbatim, keys as `[options ]type blob comment\n`. */
export function serializeKeyFile(keys: Map<string, KeyLine>): string {
  return [...keys.values()]
    .sort((a, b) => a.rank - b.rank)
    .map((k) => {
      if (k.type === 'skipped') return k.id;
      const options = k.options.length ? `${k.options.map(([n, v]) => (v === null ? n : `${n}=${v}`)).join(',')} ` : '';
      return `${options}${k.type} ${k.id} ${k.comment}\n`;
    })
    .join('');
}

/** What the probe found. */
export interface AuthorizedKeysState {
  /** The user's passwd entry fields the type needs, when the user exists. */
  user?: { uid: number; gid: number; home: string };
  /** The key file's path (the given one, or `~/.ssh/authorized_keys`). */
  path: string;
  fileExists: boolean;
  content: string;
  dirExists: boolean;
}

/** Build the probe. */
export function authorizedKeysProbe(user: string, path?: string): Probe<AuthorizedKeysState> {
  const command = [
    `e=$(getent passwd ${quote(user)}); printf 'passwd=%s\\n' "$(printf %s "$e" | cut -d: -f3,4,6)"`,
    path === undefined ? 'f="$(printf %s "$e" | cut -d: -f6)/.ssh/authorized_keys"' : `f=${quote(path)}`,
    'printf \'path=%s\\n\' "$f"',
    'if [ -d "$(dirname -- "$f")" ]; then echo dir=yes; else echo dir=no; fi',
    'if [ -f "$f" ]; then echo file=yes; echo ---content---; base64 -w0 < "$f"; echo; else echo file=no; fi',
  ].join('\n');
  return { command, parse: parseAuthorizedKeys, local: true };
}

/** Pure parser of the probe's output. */
export function parseAuthorizedKeys(result: ExecResult): AuthorizedKeysState {
  if (result.code !== 0) throw new Error(`authorized_keys probe failed (exit ${result.code}): ${result.stderr.trim()}`);
  const [head, content] = result.stdout.split('---content---\n');
  const get = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(head)?.[1];
  const passwd = get('passwd');
  const path = get('path');
  if (passwd === undefined || path === undefined)
    throw new Error(`authorized_keys probe printed no result: ${JSON.stringify(result.stdout.slice(0, 200))}`);
  const state: AuthorizedKeysState = {
    path,
    fileExists: get('file') === 'yes',
    dirExists: get('dir') === 'yes',
    content: content === undefined ? '' : Buffer.from(content.trim(), 'base64').toString('utf8'),
  };
  const [uid, gid, home] = passwd.split(':');
  if (passwd && /^\d+$/.test(uid) && /^\d+$/.test(gid)) state.user = { uid: Number(uid), gid: Number(gid), home };
  return state;
}
