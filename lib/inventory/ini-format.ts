/**
 * Ansible's INI inventory format, read like Ansible 2.14's `ini` plugin:
 *
 * ```ini
 * mail.example.com                 # before any section: ungrouped
 * [nodes]
 * node[1:3] ansible_user=root      # host line: name or range, optional :port, then key=value pairs
 * [nodes:vars]
 * ansible_port=2222                # one key=value per line
 * [cluster:children]
 * nodes                            # child groups, may be defined further down
 * ```
 *
 * Lines starting with `#` or `;` are comments. Values are typed like Python literals (see
 * ini-values.ts). A `[group:vars]` or `[group:children]` naming a group that is never defined is an
 * error, as in Ansible.
 */
import { type InventoryBuilder, InventoryShapeError } from './builder.ts';
import { expandHostEntry } from './hostnames.ts';
import { parseIniValue, shlexSplit } from './ini-values.ts';
import { checkVars } from './schema.ts';
import { inventoryError } from './yaml-format.ts';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

interface Pending {
  line: number;
  state: 'vars' | 'children';
  parents: string[];
}

/** Parse INI inventory text from `file` into `builder`; throws a ValidationError naming file and line. */
export function applyIni(text: string, file: string, builder: InventoryBuilder): void {
  const lines = text.split(/\r\n|\n|\r/);
  const pending = new Map<string, Pending>();
  let group = 'ungrouped';
  let state = 'hosts';
  let lineNo = 0;
  const fail = (what: string, path?: string) => inventoryError(file, path, what, lineNo);

  const addPendingChildren = (name: string) => {
    for (const parent of pending.get(name)!.parents) {
      addChild(parent, name);
      if (pending.get(parent)?.state === 'children') addPendingChildren(parent);
    }
    pending.delete(name);
  };
  const addChild = (parent: string, child: string) => {
    try {
      builder.addChild(parent, child);
    } catch (error) {
      if (error instanceof InventoryShapeError) throw fail(error.message);
      throw error;
    }
  };

  for (const raw of lines) {
    lineNo++;
    const line = raw.trim();
    if (!line || line[0] === '#' || line[0] === ';') continue;

    const section = SECTION.exec(line);
    if (section) {
      group = section[1];
      state = section[2] ?? 'hosts';
      if (!['hosts', 'children', 'vars'].includes(state))
        throw fail(`section [${group}:${state}] has an unknown type "${state}" (use :vars or :children)`);
      if (!builder.groups.has(group)) {
        // [g] or [g:children] declares a group; [g:vars] only refers to one declared elsewhere.
        if (state === 'vars' && !pending.has(group)) pending.set(group, { line: lineNo, state: 'vars', parents: [] });
        builder.addGroup(group);
      }
      const waiting = pending.get(group);
      if (waiting && state !== 'vars') {
        if (waiting.state === 'children') addPendingChildren(group);
        else pending.delete(group);
      }
      continue;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      throw fail(`invalid section header ${line}: a group name has no spaces, ":" or "]"`);
    }

    if (state === 'hosts') {
      let tokens: string[];
      try {
        tokens = shlexSplit(line);
      } catch (error) {
        throw fail(`cannot parse host line "${line}": ${(error as Error).message}`);
      }
      if (tokens.length === 0) continue;
      const entry = tokens[0];
      const vars: Record<string, unknown> = {};
      for (const token of tokens.slice(1)) {
        const eq = token.indexOf('=');
        if (eq < 0) throw fail(`expected key=value after the host name, got "${token}"`, entry);
        vars[token.slice(0, eq)] = parseIniValue(token.slice(eq + 1));
      }
      let expanded;
      try {
        expanded = expandHostEntry(entry);
      } catch (error) {
        throw fail((error as Error).message, entry);
      }
      if (entry.trim().endsWith(':') && expanded.port === undefined) {
        throw fail(`invalid host "${entry}": a trailing ":" must be followed by a port`);
      }
      if (expanded.names.some((n) => n.trim() === '---')) throw fail(`invalid host "---": this looks like a YAML file`);
      const problem = checkVars(expanded.port === undefined ? vars : { ...vars, ansible_port: expanded.port });
      if (problem) throw fail(problem.message, `${entry}.${problem.path}`);
      for (const host of expanded.names) {
        builder.addHost(host, file, group, expanded.port);
        for (const [k, v] of Object.entries(vars)) builder.setHostVar(host, k, v, file);
      }
    } else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) throw fail(`expected key=value in [${group}:vars], got "${line}"`);
      const key = line.slice(0, eq).trim();
      const value = parseIniValue(line.slice(eq + 1).trim());
      const problem = checkVars({ [key]: value });
      if (problem) throw fail(problem.message, `${group}:vars.${problem.path}`);
      builder.setGroupVar(group, key, value, file);
    } else {
      const m = GROUP_NAME.exec(line);
      if (!m) throw fail(`expected a group name in [${group}:children], got "${line}"`);
      const child = m[1];
      if (!builder.groups.has(child)) {
        const waiting = pending.get(child);
        if (waiting) waiting.parents.push(group);
        else pending.set(child, { line: lineNo, state: 'children', parents: [group] });
      } else {
        addChild(group, child);
      }
    }
  }

  for (const [name, decl] of pending) {
    lineNo = decl.line;
    if (decl.state === 'vars') throw fail(`section [${name}:vars] refers to group "${name}", which is never defined`);
    throw fail(`section [${decl.parents[decl.parents.length - 1]}:children] includes group "${name}", which is never defined`);
  }
}
