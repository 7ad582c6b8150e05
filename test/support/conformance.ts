/**
 * Test helper: Ansible conformance cases for inventory and lineinfile, the project's own
 * (test/fixtures/conformance/, hand-written inputs, answers recorded by its record.py with Debian's
 * ansible) and the shared corpus (../shared/reference/ansible-corpus/, read in place when present).
 * Both use the same layout, so one runner serves both.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../lib/core/errors.ts';
import { loadInventory, toAnsibleList } from '../../lib/inventory/index.ts';

const root = new URL('../..', import.meta.url).pathname;
/** The project's own conformance cases. */
export const ownCorpus = join(root, 'test', 'fixtures', 'conformance');
/** The shared corpus beside the repository (CI has it; a plain clone does not); HOSTWRIGHT_SHARED_CORPUS moves it. */
export const sharedCorpus = process.env.HOSTWRIGHT_SHARED_CORPUS ?? join(root, '..', 'shared', 'reference', 'ansible-corpus');
/** Cases in the shared corpus this project was checked against, for the "not run" count. */
export const SHARED_CASES = { inventory: 43, lineinfile: 40 } as const;

/** The line a test prints about the shared corpus; test/run.ts shows it even when the file passes. */
export function sharedCorpusLine(kind: keyof typeof SHARED_CASES, ran: number | undefined, passed = 0): string {
  return ran === undefined
    ? `shared conformance corpus not found: ${SHARED_CASES[kind]} cases not run (${kind}, looked in ${join(sharedCorpus, kind)})`
    : `shared conformance corpus: ${passed}/${ran} (${kind})`;
}

interface InventoryCase {
  name: string;
  inventory: string;
  expect: 'ok' | 'error';
}
type Listing = Record<string, unknown>;
interface Model {
  groups: Map<string, { hosts: string[]; children: string[] }>;
  hostvars: Record<string, unknown>;
}

function model(inv: Listing): Model {
  const groups = new Map<string, { hosts: string[]; children: string[] }>();
  const group = (n: string) => groups.get(n) ?? (groups.set(n, { hosts: [], children: [] }), groups.get(n)!);
  for (const [name, body] of Object.entries(inv)) {
    if (name === '_meta') continue;
    const g = group(name);
    const b = (body ?? {}) as { hosts?: string[]; children?: string[] };
    g.hosts = b.hosts ?? [];
    g.children = b.children ?? [];
    for (const c of g.children) group(c);
  }
  return { groups, hostvars: (inv._meta as { hostvars?: Record<string, unknown> })?.hostvars ?? {} };
}

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v;
}

function valueDiff(e: unknown, a: unknown, path: string, out: string[]): void {
  if (kind(e) !== kind(a)) out.push(`${path}: expected ${kind(e)} ${JSON.stringify(e)}, got ${kind(a)} ${JSON.stringify(a)}`);
  else if (kind(e) === 'object') {
    const eo = e as Record<string, unknown>;
    const ao = a as Record<string, unknown>;
    for (const k of new Set([...Object.keys(eo), ...Object.keys(ao)])) {
      if (!(k in ao)) out.push(`${path}: missing key ${k}`);
      else if (!(k in eo)) out.push(`${path}: unexpected key ${k}`);
      else valueDiff(eo[k], ao[k], `${path}.${k}`, out);
    }
  } else if (kind(e) === 'list') {
    const el = e as unknown[];
    const al = a as unknown[];
    if (el.length !== al.length) out.push(`${path}: expected ${el.length} items, got ${al.length}`);
    else el.forEach((x, i) => valueDiff(x, al[i], `${path}[${i}]`, out));
  } else if (e !== a) out.push(`${path}: expected ${JSON.stringify(e)}, got ${JSON.stringify(a)}`);
}

const hostsOf = (m: Model) => {
  const s = new Set(Object.keys(m.hostvars));
  for (const [n, g] of m.groups) if (n !== 'all') g.hosts.forEach((h) => s.add(h));
  return s;
};
const sameSet = (x: string[], y: string[]) => x.length === y.length && new Set(x).size === new Set(y).size && x.every((v) => y.includes(v));

/** Differences between Ansible's `--list` and ours, compared as the shared corpus's compare.py does. */
export function compareListings(expected: Listing, actual: Listing): string[] {
  const e = model(expected);
  const a = model(actual);
  const diffs: string[] = [];
  for (const n of e.groups.keys()) if (!a.groups.has(n)) diffs.push(`group ${n} missing`);
  for (const n of a.groups.keys()) if (!e.groups.has(n)) diffs.push(`unexpected group ${n}`);
  const ah = hostsOf(a);
  for (const [n, eg] of e.groups) {
    const ag = a.groups.get(n);
    if (!ag) continue;
    for (const key of ['hosts', 'children'] as const) {
      if (n === 'all' && key === 'hosts' && (ag.hosts.length === 0 || sameSet(ag.hosts, [...ah]))) continue;
      if (!sameSet(eg[key], ag[key])) diffs.push(`group ${n} ${key}: expected ${JSON.stringify(eg[key])}, got ${JSON.stringify(ag[key])}`);
    }
  }
  const eh = hostsOf(e);
  for (const h of eh) if (!ah.has(h)) diffs.push(`host ${h} missing`);
  for (const h of ah) if (!eh.has(h)) diffs.push(`unexpected host ${h}`);
  for (const h of eh) if (ah.has(h)) valueDiff(e.hostvars[h] ?? {}, a.hostvars[h] ?? {}, `hostvars[${h}]`, diffs);
  return diffs;
}

/** Run every inventory case of a corpus folder (`cases.json` + `cases/`); returns how many ran and what failed. */
export function runInventoryCases(dir: string): { ran: number; failures: string[] } {
  const cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as InventoryCase[];
  const failures: string[] = [];
  for (const c of cases) {
    const file = join(dir, 'cases', c.inventory);
    if (c.expect === 'error') {
      try {
        loadInventory([file]);
        failures.push(`${c.name}: parsed, but Ansible refuses it`);
      } catch (error) {
        if (!(error instanceof ValidationError)) failures.push(`${c.name}: threw ${(error as Error).name}, not ValidationError`);
        else if (!error.message.includes(file) || error.source !== file) failures.push(`${c.name}: error does not name the file: ${error.message}`);
      }
      continue;
    }
    const expectedFile = join(dir, 'cases', `${c.name}.expected.json`);
    if (!existsSync(expectedFile)) {
      failures.push(`${c.name}: no recorded answer ${expectedFile} (run the recorder)`);
      continue;
    }
    try {
      const expected = JSON.parse(readFileSync(expectedFile, 'utf8')) as Listing;
      const actual = JSON.parse(JSON.stringify(toAnsibleList(loadInventory([file])))) as Listing;
      const diffs = compareListings(expected, actual);
      if (diffs.length) failures.push(`${c.name}:\n    ${diffs.slice(0, 8).join('\n    ')}`);
    } catch (error) {
      failures.push(`${c.name}: ${(error as Error).message}`);
    }
  }
  return { ran: cases.length, failures };
}
