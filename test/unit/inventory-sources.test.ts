/**
 * Inventory sources Ansible users have, compared with `ansible-inventory --list` answers recorded by
 * scripts/record-ansible-fixtures.ts (test/fixtures/ansible/inventories/recorded/): executable
 * inventory scripts (with and without `_meta.hostvars`), comma-separated host lists, a folder (Ansible's
 * order and skipped files), several sources merged, vaulted values, and YAML 1.1 scalars as PyYAML
 * resolves them. Plus the refusals: failing scripts, bad JSON, inventory plugin files.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hw } from '../support/in-process.ts';
import { pythonIsoTimestamp } from '../../lib/inventory/yaml11.ts';

const dir = new URL('../fixtures/ansible/inventories/', import.meta.url).pathname;
const vault = new URL('../fixtures/ansible/vault/', import.meta.url).pathname;
const cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as { name: string; inventory: string[] }[];
const tmp = mkdtempSync(join(tmpdir(), 'hw-inv-sources-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

/** Python's json output: Infinity and NaN are bare words; keep them apart from strings when parsing. */
const parsePythonJson = (text: string) => JSON.parse(text.replace(/: (-?Infinity|NaN)(,?)$/gm, ': "<py $1>"$2'));

test('hostwright inventory --list equals the recorded ansible-inventory --list, case by case', async () => {
  process.chdir(dir);
  const auth = ['--vault-password-file', join(vault, 'pw-default'), '--vault-id', `dev@${join(vault, 'pw-dev')}`];
  assert.ok(cases.length >= 8);
  for (const c of cases) {
    const r = await hw('inventory', '--list', ...c.inventory.flatMap((i) => ['-i', i]), ...auth);
    assert.is(r.code, 0, `${c.name}: ${r.err}`);
    const expected = parsePythonJson(readFileSync(join(dir, 'recorded', `${c.name}.json`), 'utf8'));
    assert.equal(parsePythonJson(r.out), expected, c.name);
  }
});

test('YAML 1.1 scalars: the cases the issue names, directly', async () => {
  const r = await hw('inventory', '--host', 'scalars', '-i', join(dir, 'yaml11/hosts.yml'));
  const v = parsePythonJson(r.out);
  assert.is(v.exp_no_dot, '1.5e3');
  assert.is(v.exp_signed, 1500);
  assert.is(v.date, '2024-01-02');
  assert.is(v.inf_pos, '<py Infinity>');
  assert.is(v.sexagesimal_int, 685230);
  assert.is(v.octal, 493);
  assert.is(v.octal_o, '0o755');
  assert.is(v.b_y, 'y');
  assert.is(v.b_on, true);
  assert.is(pythonIsoTimestamp('2001-2-3 4:05:06.5 +5'), '2001-02-03T04:05:06.500000+05:00');
  assert.is(pythonIsoTimestamp('2001-12-14T21:59:43.0000001Z'), '2001-12-14T21:59:43+00:00');
});

test('refused with exit 5 naming the source: failing script, bad JSON, bad shape, plugin files', async () => {
  const script = (name: string, body: string) => {
    const f = join(tmp, name);
    writeFileSync(f, `#!/bin/sh\n${body}\n`);
    chmodSync(f, 0o755);
    return f;
  };
  let r = await hw('inventory', '--list', '-i', script('fails.sh', 'echo "cannot reach the CMDB" >&2; exit 3'));
  assert.is(r.code, 5);
  assert.match(r.err, /inventory script .*fails\.sh --list failed \(exit 3\)\nstderr: cannot reach the CMDB/);
  r = await hw('inventory', '--list', '-i', script('badjson.sh', 'echo "{not json"; echo warn >&2'));
  assert.is(r.code, 5);
  assert.match(r.err, /badjson\.sh --list: its output is not JSON .*\nstderr: warn/);
  r = await hw('inventory', '--list', '-i', script('list.sh', 'echo "[1]"'));
  assert.match(r.err, /list\.sh --list: must print a JSON mapping of groups, got a list/);
  r = await hw('inventory', '--list', '-i', script('hosts.sh', 'echo \'{"web": {"hosts": "w1"}}\''));
  assert.match(r.err, /group "web": hosts must be a list/);
  r = await hw('inventory', '--list', '-i', script('hostfail.sh', '[ "$1" = --list ] && echo \'{"g": ["h1"]}\' && exit 0; echo boom >&2; exit 1'));
  assert.match(r.err, /hostfail\.sh --host h1 failed \(exit 1\)\nstderr: boom/);
  r = await hw('inventory', '--list', '-i', join(dir, 'plugin.yml'));
  assert.is(r.code, 5);
  assert.match(
    r.err,
    /plugin\.yml: plugin: inventory plugin configuration files are not supported: plugin "amazon\.aws\.aws_ec2" is not implemented/,
  );
  r = await hw('all', '-m', 'ping', '--list-hosts', '-i', 'web1,web2,');
  assert.is(r.code, 0);
  assert.match(r.out, /hosts \(2\):\n {4}web1\n {4}web2/);
});

test.run();
