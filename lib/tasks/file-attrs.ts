/**
 * Owner, group and mode of a file, shared by `file`, `line` and `block`: the argument schema (a name or a
 * numeric id, never something chown would read as an option), the comparison with the probed state (ids
 * compared as ids, names as names) and the commands that set them (chown before chmod, because chown
 * clears the setuid and setgid bits).
 */
import { Type } from '@sinclair/typebox';
import type { FileState } from '../probes/file-stat.ts';
import { quote } from '../transport/quote.ts';
import type { Diff } from '../core/task-contract.ts';
import { normalizeMode } from './schema-types.ts';

/** A user or group: a name or a numeric id; a leading `-` (an option to chown) is refused. */
export const OwnerSchema = Type.String({ minLength: 1, pattern: '^[^-]', description: 'a name or a numeric id, not beginning with "-"' });

/** Wanted attributes; any may be missing (then it is left as it is). */
export interface WantedAttrs {
  mode?: string;
  owner?: string;
  group?: string;
}

const isId = (s: string) => /^[0-9]+$/.test(s);

/** Whether a wanted owner/group differs from the probed one: ids compare with ids, names with names. */
function differs(wanted: string, name: string | undefined, id: string | undefined): boolean {
  if (isId(wanted) && id !== undefined) return Number(wanted) !== Number(id);
  return wanted !== name;
}

/** The attributes that differ from the probed state, as diff entries and as what to set. */
export function attrChanges(wanted: WantedAttrs, state: FileState): { diff: Diff[]; attrs?: WantedAttrs } {
  const diff: Diff[] = [];
  const attrs: WantedAttrs = {};
  if (wanted.mode && normalizeMode(wanted.mode) !== state.mode) {
    diff.push({ kind: 'state', key: 'mode', before: state.mode ?? '(none)', after: normalizeMode(wanted.mode) });
    attrs.mode = normalizeMode(wanted.mode);
  }
  if (wanted.owner && differs(wanted.owner, state.owner, state.uid)) {
    // Shown as given: an id next to the old id, a name next to the old name.
    diff.push({ kind: 'state', key: 'owner', before: (isId(wanted.owner) ? state.uid : state.owner) ?? '(none)', after: wanted.owner });
    attrs.owner = wanted.owner;
  }
  if (wanted.group && differs(wanted.group, state.group, state.gid)) {
    diff.push({ kind: 'state', key: 'group', before: (isId(wanted.group) ? state.gid : state.group) ?? '(none)', after: wanted.group });
    attrs.group = wanted.group;
  }
  return diff.length ? { diff, attrs } : { diff };
}

/**
 * Shell commands setting attributes on `target` (shell text, already quoted or a `"$var"`): chown first,
 * then chmod, so that a wanted setuid/setgid bit survives; without a wanted mode the mode read before the
 * chown is put back (chown clears setuid/setgid). `noDeref`: change a symlink itself (it has no mode).
 */
export function attrCommands(target: string, attrs: WantedAttrs, options: { noDeref?: boolean } = {}): string[] {
  const cmds: string[] = [];
  const chown = attrs.owner || attrs.group;
  const keepMode = chown && !attrs.mode && !options.noDeref;
  if (keepMode) cmds.push(`m=$(stat -c %a -- ${target})`);
  if (chown) cmds.push(`chown ${options.noDeref ? '-h ' : ''}${quote(`${attrs.owner ?? ''}${attrs.group ? ':' + attrs.group : ''}`)} -- ${target}`);
  if (attrs.mode) cmds.push(`chmod ${quote(attrs.mode)} -- ${target}`);
  else if (keepMode) cmds.push(`chmod "$m" -- ${target}`);
  return cmds;
}
