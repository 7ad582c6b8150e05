/**
 * Ansible's YAML inventory format (also JSON, and the native object form): a mapping of groups,
 * each with `hosts` (host -> vars), `children` (group -> group) and `vars`, read like Ansible's
 * `yaml` inventory plugin. The `ansible-inventory --list` shape (`hosts`/`children` as lists,
 * `_meta.hostvars`) is accepted too, so a listing can be read back.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, visit, type Document, type Node } from 'yaml';
import { ValidationError } from '../core/errors.ts';
import { type InventoryBuilder, InventoryShapeError } from './builder.ts';
import { expandHostEntry } from './hostnames.ts';
import { checkInventoryShape } from './schema.ts';
import { pyyamlScalars } from './yaml11.ts';
import { isVaultText } from '../vault/cipher.ts';
import { Vault } from '../vault/vault.ts';

/** Finds the line of a dotted path inside the source, when the source is a text file. */
type Locate = (path: string[]) => number | undefined;

/** Build the error for a problem at `path` in `source`. */
export function inventoryError(source: string, path: string | undefined, what: string, line?: number): ValidationError {
  const where = line === undefined ? '' : ` (line ${line})`;
  return new ValidationError(`${source}: ${path ? `${path}: ` : ''}${what}${where}`, { source, path });
}

/** Outcome of reading a text as YAML: an inventory mapping, nothing, another value, or a syntax error. */
export type YamlRead =
  | { kind: 'mapping'; data: Record<string, unknown>; locate: Locate }
  | { kind: 'empty' }
  | { kind: 'other' }
  | { kind: 'error'; error: ValidationError; syntax: boolean };

/**
 * Parse text as YAML 1.1 (PyYAML's dialect: `yes`/`no` are booleans). For an inventory
 * (`inventory` true) host and group names must be strings. A whole file encrypted with ansible-vault
 * and inline `!vault |` values are decrypted with `vault`'s passwords (a ValidationError naming the
 * file and line when they do not decrypt); what they held is remembered as secrets in `vault`.
 */
export function readYaml(text: string, file: string, inventory = true, vault: Vault = new Vault()): YamlRead {
  const encrypted = isVaultText(text);
  if (encrypted) text = vault.decryptFile(text, file);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { version: '1.1', lineCounter, prettyErrors: false, customTags: pyyamlScalars });
  const lineOf = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    return {
      kind: 'error',
      syntax: true,
      error: inventoryError(file, undefined, `YAML syntax error: ${e.message.split('\n')[0]}`, lineOf(e.pos[0])),
    };
  }
  decryptInline(doc, file, vault, lineOf);
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return { kind: 'empty' };
  if (!isMap(doc.contents)) return { kind: 'other' };
  const keyProblem = inventory ? checkKeyTypes(doc, lineOf) : undefined;
  if (keyProblem) return { kind: 'error', syntax: false, error: inventoryError(file, keyProblem.path, keyProblem.message, keyProblem.line) };
  const locate: Locate = (path) => {
    let node: unknown = doc.contents;
    let line: number | undefined;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
        if (!pair) break;
        line = lineOf((pair.key as Node).range?.[0]) ?? line;
        node = pair.value;
      } else if (isSeq(node) && /^\d+$/.test(seg) && node.items[Number(seg)]) {
        node = node.items[Number(seg)];
        line = lineOf((node as Node).range?.[0]) ?? line;
      } else break;
    }
    return line;
  };
  let data: Record<string, unknown>;
  try {
    data = doc.toJS({ maxAliasCount: 10000 }) as Record<string, unknown>;
  } catch (error) {
    // yaml refuses a document whose aliases expand without bound ("billion laughs"): bad input, not a crash.
    const what = /alias/i.test((error as Error).message)
      ? 'YAML aliases expand too much (an alias bomb?); refusing to read it'
      : `cannot read YAML: ${(error as Error).message}`;
    return { kind: 'error', syntax: false, error: inventoryError(file, undefined, what) };
  }
  if (encrypted) vault.reveal(data);
  return { kind: 'mapping', data, locate };
}

/** Replace every `!vault |` scalar by its decrypted text (Ansible's AnsibleVaultEncryptedUnicode). */
function decryptInline(doc: Document, file: string, vault: Vault, lineOf: (o?: number) => number | undefined): void {
  visit(doc, {
    Scalar(_key, node) {
      if (node.tag !== '!vault') return;
      node.value = vault.decryptInline(String(node.value), file, lineOf(node.range?.[0]));
      node.tag = undefined;
    },
  });
}

/** Host and group names must be strings: `1234:` is refused, as Ansible refuses it. */
function checkKeyTypes(doc: Document, lineOf: (o?: number) => number | undefined): { path: string; message: string; line?: number } | undefined {
  const visitGroups = (map: unknown, path: string[]): ReturnType<typeof checkKeyTypes> => {
    if (!isMap(map)) return undefined;
    for (const pair of map.items) {
      if (!isScalar(pair.key)) continue;
      const name = pair.key.value;
      if (typeof name !== 'string') {
        return {
          path: [...path, String(name)].join('.'),
          message: `group name ${String(name)} must be a string: put it in quotes`,
          line: lineOf(pair.key.range?.[0]),
        };
      }
      if (!isMap(pair.value)) continue;
      for (const section of pair.value.items) {
        if (!isScalar(section.key)) continue;
        const here = [...path, name, String(section.key.value)];
        if (section.key.value === 'children') {
          const found = visitGroups(section.value, here);
          if (found) return found;
        } else if (section.key.value === 'hosts' && isMap(section.value)) {
          for (const h of section.value.items) {
            if (isScalar(h.key) && typeof h.key.value !== 'string') {
              return {
                path: [...here, String(h.key.value)].join('.'),
                message: `host name ${String(h.key.value)} must be a string: put it in quotes`,
                line: lineOf(h.key.range?.[0]),
              };
            }
          }
        }
      }
    }
    return undefined;
  };
  return visitGroups(doc.contents, []);
}

/** Validate an inventory object and add its groups, hosts and vars to `builder`. */
export function applyInventoryObject(data: unknown, source: string, builder: InventoryBuilder, locate: Locate = () => undefined): void {
  if (data !== null && typeof data === 'object' && !Array.isArray(data) && typeof (data as Record<string, unknown>).plugin === 'string') {
    const plugin = (data as Record<string, unknown>).plugin as string;
    throw inventoryError(
      source,
      'plugin',
      `inventory plugin configuration files are not supported: plugin "${plugin}" is not implemented by hostwright; export its hosts with \`ansible-inventory -i ${source} --list > inventory.json\` and pass that file, or use an executable inventory script`,
      locate(['plugin']),
    );
  }
  const problem = checkInventoryShape(data);
  if (problem) throw inventoryError(source, problem.path, problem.message, locate(problem.path.split('.')));
  const top = data as Record<string, unknown>;
  const fail = (path: string[], what: string) => inventoryError(source, path.join('.'), what, locate(path));
  const addGroup = (name: string, body: unknown, path: string[]) => {
    builder.addGroup(name);
    if (body === null || body === undefined) return;
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (value === null || value === undefined) continue;
      const here = [...path, key];
      if (key === 'vars') {
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) builder.setGroupVar(name, k, v, source);
      } else if (key === 'children') {
        const entries: [string, unknown][] = Array.isArray(value) ? value.map((c) => [String(c), null]) : Object.entries(value as object);
        for (const [child, childBody] of entries) {
          addGroup(child, childBody, [...here, child]);
          try {
            builder.addChild(name, child);
          } catch (error) {
            if (error instanceof InventoryShapeError) throw fail([...here, child], error.message);
            throw error;
          }
        }
      } else if (key === 'hosts') {
        const entries: [string, unknown][] =
          typeof value === 'string' ? [[value, null]] : Array.isArray(value) ? value.map((h) => [String(h), null]) : Object.entries(value as object);
        for (const [entry, hostVars] of entries) addHosts(entry, hostVars, name, [...here, entry]);
      }
    }
  };
  const addHosts = (entry: string, hostVars: unknown, group: string | undefined, path: string[]) => {
    let expanded;
    try {
      expanded = expandHostEntry(entry);
    } catch (error) {
      throw fail(path, (error as Error).message);
    }
    for (const host of expanded.names) {
      builder.addHost(host, source, group, expanded.port);
      for (const [k, v] of Object.entries((hostVars ?? {}) as Record<string, unknown>)) builder.setHostVar(host, k, v, source);
    }
  };
  for (const [name, body] of Object.entries(top)) {
    if (name === '_meta') continue;
    addGroup(name, body, [name]);
  }
  const meta = top._meta as { hostvars?: Record<string, Record<string, unknown> | null> } | undefined;
  for (const [host, vars] of Object.entries(meta?.hostvars ?? {})) addHosts(host, vars, undefined, ['_meta', 'hostvars', host]);
}
