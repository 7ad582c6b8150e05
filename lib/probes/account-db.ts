/**
 * Account database probes for the `group` and `user` types: `getent` lines (NSS, as the shadow tools
 * see them) parsed by pure functions. One command per task; the shadow entry is read only for users.
 */
import { quote } from '../transport/quote.ts';
import type { Probe } from '../tasks/contract.ts';
import type { ExecResult } from '../transport/types.ts';

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
  ].filter(Boolean).join('\n');
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
