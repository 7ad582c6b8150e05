/**
 * Account database probes for the `group` and `user` types: `getent` lines (NSS, as the shadow tools
 * see them) parsed by pure functions. One command per task; the shadow entry is read only for users.
 */
import { quote } from '../transport/quote.ts';
import type { Probe } from '../core/task-contract.ts';
import type { ExecResult } from '../core/transport-types.ts';

/** Directories where the shadow tools live on hosts whose non-root PATH lacks them. */
export const SBIN_PATH = 'PATH=$PATH:/usr/sbin:/sbin';

/** One `/etc/group` entry. */
export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** What the group probe found. */
export interface GroupState {
  /** The group, when it exists. */
  group?: GroupEntry;
  /** The name of the group that has the wanted gid (when a gid was asked for and it is taken). */
  gidOwner?: string;
  /** Users whose primary group is this group (they block its removal). */
  primaryOf: string[];
}

/** Parse a `name:x:gid:a,b` line. */
export function parseGroupLine(line: string): GroupEntry | undefined {
  const f = line.split(':');
  if (f.length < 4 || !/^\d+$/.test(f[2])) return undefined;
  return { name: f[0], gid: Number(f[2]), members: f[3] ? f[3].split(',').filter(Boolean) : [] };
}

/** Build the group probe: the group, who holds the wanted gid, and whose primary group it is. */
export function groupProbe(name: string, gid?: number): Probe<GroupState> {
  const command = [
    SBIN_PATH,
    `e=$(getent group ${quote(name)}); printf 'entry=%s\\n' "$e"`,
    gid === undefined ? '' : `printf 'gidowner=%s\\n' "$(getent group ${quote(gid)} | cut -d: -f1)"`,
    // Users whose primary gid is the group's (groupdel refuses to remove it then).
    'g=$(printf %s "$e" | cut -d: -f3); [ -n "$g" ] && printf \'primary=%s\\n\' "$(getent passwd | awk -F: -v g="$g" \'$4==g{print $1}\' | tr \'\\n\' \' \')"',
    'true',
  ]
    .filter(Boolean)
    .join('\n');
  return { command, parse: parseGroupState, local: true };
}

/** Pure parser of the group probe. */
export function parseGroupState(result: ExecResult): GroupState {
  if (result.code !== 0) throw new Error(`group probe failed (exit ${result.code}): ${result.stderr.trim()}`);
  const entry = /^entry=(.*)$/m.exec(result.stdout);
  if (!entry) throw new Error(`group probe printed no result: ${JSON.stringify(result.stdout.slice(0, 200))}`);
  const state: GroupState = { primaryOf: [] };
  if (entry[1]) {
    const group = parseGroupLine(entry[1]);
    if (!group) throw new Error(`group probe: unreadable group entry ${JSON.stringify(entry[1])}`);
    state.group = group;
  }
  const owner = /^gidowner=(.*)$/m.exec(result.stdout)?.[1];
  if (owner) state.gidOwner = owner;
  state.primaryOf = (/^primary=(.*)$/m.exec(result.stdout)?.[1] ?? '').split(' ').filter(Boolean);
  return state;
}

/** One `/etc/passwd` entry. */
export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  /** The GECOS field (Ansible's `comment`). */
  comment: string;
  home: string;
  shell: string;
}

/** The user's `/etc/shadow` fields that the `user` type manages. The hash is secret: never print it. */
export interface ShadowEntry {
  hash: string;
  /** Account expiry in days since the epoch; -1 when not set. */
  expireDays: number;
}

/** What the user probe found. */
export interface UserState {
  user?: PasswdEntry;
  /** Undefined when the user does not exist or /etc/shadow could not be read (not root). */
  shadow?: ShadowEntry;
  /** False when /etc/shadow is not readable by the probe (run with become). */
  shadowReadable: boolean;
  /** Groups whose member list names the user (its supplementary groups). */
  memberOf: string[];
  /** The groups the arguments name (and a group named like the user), by the name or gid asked: name and gid, or null when missing. */
  groups: Record<string, { name: string; gid: number } | null>;
  /** Whether the wanted home (or the current one when none is wanted) is a directory, and its parent. */
  homeExists: boolean;
  homeParentExists: boolean;
  /** Whether the user's current home directory exists (for `moveHome`). */
  oldHomeExists: boolean;
}

/** Parse a `name:x:uid:gid:gecos:home:shell` line. */
export function parsePasswdLine(line: string): PasswdEntry | undefined {
  const f = line.split(':');
  if (f.length < 7 || !/^\d+$/.test(f[2]) || !/^\d+$/.test(f[3])) return undefined;
  return { name: f[0], uid: Number(f[2]), gid: Number(f[3]), comment: f[4], home: f[5], shell: f.slice(6).join(':') };
}

/** Build the user probe: passwd and shadow entries, memberships, the named groups, the homes. */
export function userProbe(name: string, options: { groups?: readonly string[]; home?: string } = {}): Probe<UserState> {
  const n = quote(name);
  const asked = [...new Set([name, ...(options.groups ?? [])])];
  const command = [
    SBIN_PATH,
    `n=${n}`,
    'e=$(getent passwd "$n"); printf \'passwd=%s\\n\' "$e"',
    // Only root reads /etc/shadow; the hash stays in this output and the parsed state, never in a message.
    'if [ -r /etc/shadow ]; then printf \'shadow=%s\\n\' "$(getent shadow "$n" | cut -d: -f2,8)"; else echo shadow=unreadable; fi',
    "printf 'memberof=%s\\n' \"$(getent group | awk -F: -v u=\"$n\" '{k=split($4,m,\",\"); for(i=1;i<=k;i++) if(m[i]==u){print $1; break}}' | tr '\\n' ' ')\"",
    `for g in ${asked.map(quote).join(' ')}; do printf 'group=%s=%s\\n' "$g" "$(getent group "$g" | cut -d: -f1,3)"; done`,
    'o=$(printf %s "$e" | cut -d: -f6)',
    options.home === undefined ? 'h=$o' : `h=${quote(options.home)}`,
    'if [ -n "$h" ] && [ -d "$h" ]; then echo home=yes; else echo home=no; fi',
    'if [ -n "$h" ] && [ -d "$(dirname -- "$h")" ]; then echo parent=yes; else echo parent=no; fi',
    'if [ -n "$o" ] && [ -d "$o" ]; then echo oldhome=yes; else echo oldhome=no; fi',
  ].join('\n');
  return { command, parse: parseUserState, local: true };
}

/** Pure parser of the user probe. */
export function parseUserState(result: ExecResult): UserState {
  if (result.code !== 0) throw new Error(`user probe failed (exit ${result.code}): ${result.stderr.trim()}`);
  const get = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(result.stdout)?.[1];
  const passwd = get('passwd');
  if (passwd === undefined) throw new Error(`user probe printed no result: ${JSON.stringify(result.stdout.slice(0, 80))}`);
  const state: UserState = {
    shadowReadable: true,
    memberOf: [],
    groups: {},
    homeExists: get('home') === 'yes',
    homeParentExists: get('parent') === 'yes',
    oldHomeExists: get('oldhome') === 'yes',
  };
  if (passwd) {
    const user = parsePasswdLine(passwd);
    if (!user) throw new Error('user probe: unreadable passwd entry');
    state.user = user;
  }
  const shadow = get('shadow');
  if (shadow === 'unreadable') state.shadowReadable = false;
  else if (shadow) {
    const i = shadow.lastIndexOf(':');
    const expire = shadow.slice(i + 1);
    state.shadow = { hash: shadow.slice(0, i), expireDays: /^\d+$/.test(expire) ? Number(expire) : -1 };
  }
  state.memberOf = (get('memberof') ?? '').split(' ').filter(Boolean);
  for (const m of result.stdout.matchAll(/^group=(.*)=(.*)$/gm)) {
    const [gname, gid] = m[2].split(':');
    state.groups[m[1]] = m[2] && /^\d+$/.test(gid ?? '') ? { name: gname, gid: Number(gid) } : null;
  }
  return state;
}
