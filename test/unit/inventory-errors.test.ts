/** A bad inventory is refused before any connection, naming the file, the path inside it and the line. */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ValidationError } from '../../lib/core/errors.ts';
import { inventoryFromObject, loadInventory } from '../../lib/inventory/index.ts';

const fx = (p: string) => join(new URL('../fixtures/inventory', import.meta.url).pathname, p);

function refusal(load: () => unknown): ValidationError {
  try {
    load();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw new Error(`expected a ValidationError, got ${String(error)}`);
  }
  throw new Error('expected the inventory to be refused');
}

test('YAML: connection variable of the wrong type names file, path and line', () => {
  const file = fx('errors/bad-port.yml');
  const e = refusal(() => loadInventory([file]));
  assert.is(e.message, `${file}: all.children.nodes.hosts.node1.ansible_port: must be an integer from 1 to 65535 (line 6)`);
  assert.is(e.source, file);
  assert.is(e.path, 'all.children.nodes.hosts.node1.ansible_port');
});

test('YAML: unexpected key in a group', () => {
  const e = refusal(() => loadInventory([fx('errors/bad-key.yml')]));
  assert.match(e.message, /bad-key\.yml: all\.children\.nodes\.host: unexpected key: a group has only "hosts", "children" and "vars" \(line 4\)/);
});

test('YAML: syntax error names file and line', () => {
  const e = refusal(() => loadInventory([fx('errors/syntax.yml')]));
  assert.match(e.message, /syntax\.yml: YAML syntax error: .* \(line \d\)$/);
});

test('YAML: integer host name is refused, as Ansible does', () => {
  const e = refusal(() => loadInventory([fx('errors/int-host.yml')]));
  assert.match(e.message, /int-host\.yml: all\.hosts\.1234: host name 1234 must be a string: put it in quotes \(line 3\)/);
});

test('YAML: a loop of groups and a plugin config are refused', () => {
  assert.match(
    refusal(() => loadInventory([fx('errors/loop.yml')])).message,
    /loop\.yml: a\.children\.b: adding group "b" as a child of "a" creates a loop of groups \(line 3\)/,
  );
  assert.match(
    refusal(() => loadInventory([fx('errors/plugin.yml')])).message,
    /plugin\.yml: plugin: inventory plugin configuration files are not supported/,
  );
});

test('INI: bad values and undefined groups name file and line', () => {
  assert.match(
    refusal(() => loadInventory([fx('errors/bad-ini')])).message,
    /bad-ini: nodes:vars\.ansible_become: must be a boolean \(true\/false, yes\/no\) \(line 5\)$/,
  );
  assert.match(
    refusal(() => loadInventory([fx('errors/bad-inline-port.ini')])).message,
    /bad-inline-port\.ini: node1\.ansible_port: must be an integer from 1 to 65535 \(line 2\)$/,
  );
  assert.match(
    refusal(() => loadInventory([fx('errors/undefined-child')])).message,
    /undefined-child: section \[cluster:children\] includes group "nodes", which is never defined \(line 2\)$/,
  );
});

test('objects: shape and type errors name the path', () => {
  assert.match(
    refusal(() => inventoryFromObject({ web: { hosts: ['a', 1] } }, 'play')).message,
    /^play: web\.hosts\.1: must be a name \(a string\), got number 1$/,
  );
  assert.match(refusal(() => inventoryFromObject({ web: 'x' }, 'play')).message, /^play: web: must be a group/);
  assert.match(
    refusal(() => inventoryFromObject({ web: { vars: { ansible_host: '' } } }, 'play')).message,
    /^play: web\.vars\.ansible_host: must be a host name or IP address/,
  );
  assert.match(refusal(() => inventoryFromObject([1], 'play')).message, /^play: must be a mapping of groups/);
  assert.match(
    refusal(() => inventoryFromObject({ web: { hosts: { 'n[01:100]': null } } }, 'play')).message,
    /^play: web\.hosts\.n\[01:100\]: .*same width/,
  );
});

test('templated connection values pass validation (checked after templating)', () => {
  const inv = inventoryFromObject({ web: { hosts: { a: { ansible_port: '{{ port }}', ansible_become: 'yes' } } } });
  assert.is(inv.hosts.get('a')!.vars.ansible_port, '{{ port }}');
});

test('a missing source is refused', () => {
  assert.match(refusal(() => loadInventory([fx('nope.yml')])).message, /nope\.yml: inventory source not found/);
});

test.run();
