/** Extra vars, variable precedence with origins, and typed role variables. */
import { Type } from '@sinclair/typebox';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ValidationError } from '../../lib/core/errors.ts';
import { hostVarLayers, inventoryFromObject } from '../../lib/inventory/index.ts';
import { checkVarTypes, extraVarLayers, layerVars, parseExtraVars, precedenceLayers, PRECEDENCE } from '../../lib/vars/index.ts';

const fixtures = new URL('../fixtures/templates', import.meta.url).pathname;

test('-e key=value gives strings; several pairs and quotes', () => {
  assert.equal(parseExtraVars(['a=1 b="two words" c=x=y', "d='#not a comment'"], fixtures), {
    a: '1',
    b: 'two words',
    c: 'x=y',
    d: '#not a comment',
  });
});

test('-e JSON / YAML mapping is typed', () => {
  assert.equal(parseExtraVars(['{"json": 1, "list": [1, true]}', '{yaml: yes}'], fixtures), { json: 1, list: [1, true], yaml: true });
});

test('-e @file.yml and @file.json, later wins, repeatable', () => {
  assert.equal(parseExtraVars(['@extra.yml', '@extra.json', 'port=9'], fixtures), { from_file: true, port: '9', list: ['a', 'b'], from_json: 1 });
  assert.equal(
    extraVarLayers(['@extra.json', 'x=1'], fixtures).map((l) => l.source),
    ['-e @extra.json', '-e'],
  );
});

test('-e errors name the argument', () => {
  assert.throws(
    () => parseExtraVars(['novalue'], fixtures),
    (e: unknown) => e instanceof ValidationError && /-e novalue: expected key=value, got "novalue"/.test((e as Error).message),
  );
  assert.throws(() => parseExtraVars(['@missing.yml'], fixtures), /-e @missing\.yml: cannot read/);
  assert.throws(() => parseExtraVars(['[1, 2]'], fixtures), /-e: extra vars must be a mapping/);
  assert.throws(() => parseExtraVars(['{"a": '], fixtures), /-e: YAML syntax error/);
});

test('full precedence: role defaults < all < groups < group_vars < host < host_vars < play < registered < -e', () => {
  assert.equal(PRECEDENCE.length, 9);
  const inv = inventoryFromObject(
    {
      all: { vars: { v: 'all', a: 'all' } },
      parent: { vars: { v: 'parent', p: 'parent' }, children: { child: { vars: { v: 'child' }, hosts: { h: { v: 'host', hv: 'host' } } } } },
    },
    'inv.yml',
  );
  // group_vars / host_vars files, as loadInventory attaches them
  inv.groups.get('child')!.varsFiles.push({ file: 'group_vars/child.yml', sourceIndex: 0, vars: { v: 'group_vars', g: 'group_vars' } });
  inv.hosts.get('h')!.varsFiles.push({ file: 'host_vars/h.yml', sourceIndex: 0, vars: { hv: 'host_vars' } });
  const layer = (source: string, vars: Record<string, unknown>) => [{ source, vars }];
  const build = (extra: Record<string, unknown>) =>
    layerVars(
      precedenceLayers({
        roleDefaults: layer('role etcd defaults', { v: 'default', d: 'default', a: 'default' }),
        inventory: hostVarLayers(inv, 'h'),
        play: layer('play vars', { pv: 'play' }),
        registered: layer('registered', { pv: 'registered' }),
        extra: layer('-e', extra),
      }),
    );
  const { vars, origins } = build({});
  assert.equal(vars, { v: 'host', d: 'default', a: 'all', p: 'parent', g: 'group_vars', hv: 'host_vars', pv: 'registered' });
  assert.equal(origins, {
    v: 'inv.yml (host h)',
    d: 'role etcd defaults',
    a: 'inv.yml (group all)',
    p: 'inv.yml (group parent)',
    g: 'group_vars/child.yml',
    hv: 'host_vars/h.yml',
    pv: 'registered',
  });
  assert.is(build({ v: 'extra' }).vars.v, 'extra');
  assert.is(build({ v: 'extra' }).origins.v, '-e');
  // without the host's own value, group_vars beats the inline group vars of the deepest group
  delete inv.hosts.get('h')!.vars.v;
  assert.is(build({}).vars.v, 'group_vars');
  inv.groups.get('child')!.varsFiles.length = 0;
  assert.is(build({}).vars.v, 'child');
  delete inv.groups.get('child')!.vars.v;
  assert.is(build({}).vars.v, 'parent');
});

const schema = Type.Object({
  etcd_client_port: Type.Integer({ minimum: 1, maximum: 65535 }),
  etcd_servers: Type.Array(Type.String()),
  selinux_state: Type.Union([Type.Literal('enforcing'), Type.Literal('permissive'), Type.Literal('disabled')]),
  disable_swap: Type.Boolean(),
  cluster_name: Type.Optional(Type.String()),
});

test('typed role variables: a wrong type names the variable and its origin', () => {
  const vars = { etcd_client_port: 'abc', etcd_servers: ['m'], selinux_state: 'permissive', disable_swap: false };
  try {
    checkVarTypes(schema, vars, { etcd_client_port: '-e' });
    assert.unreachable();
  } catch (e) {
    assert.ok(e instanceof ValidationError);
    assert.is((e as ValidationError).message, 'etcd_client_port: must be integer (from -e), got a string');
    assert.is((e as ValidationError).source, '-e');
    assert.is((e as ValidationError).path, 'etcd_client_port');
  }
  assert.throws(
    () => checkVarTypes(schema, { ...vars, etcd_client_port: 1, etcd_servers: ['a', 2] }, { etcd_servers: 'group_vars/all.yml' }),
    /^etcd_servers\[1\]: must be string \(from group_vars\/all\.yml\), got a number$/,
  );
  assert.throws(
    () => checkVarTypes(schema, { ...vars, etcd_client_port: 1, selinux_state: 'off' }, {}),
    /selinux_state: must be one of "enforcing", "permissive", "disabled"/,
  );
  assert.throws(
    () => checkVarTypes(schema, { ...vars, etcd_client_port: 0 }, { etcd_client_port: 'hosts (host m)' }),
    /etcd_client_port: must be integer, greater or equal to 1 \(from hosts \(host m\)\)/,
  );
  assert.throws(
    () => checkVarTypes(schema, { etcd_client_port: 1, etcd_servers: [], selinux_state: 'disabled' }, {}),
    /disable_swap: is required but not set/,
  );
});

test('typed role variables: exact strings from -e key=value convert; undeclared variables pass', () => {
  const out = checkVarTypes(
    schema,
    { etcd_client_port: '2379', etcd_servers: [], selinux_state: 'disabled', disable_swap: 'no', other: { anything: 1 } },
    {},
  );
  assert.equal(out, { etcd_client_port: 2379, etcd_servers: [], selinux_state: 'disabled', disable_swap: false, other: { anything: 1 } });
  assert.throws(
    () => checkVarTypes(schema, { etcd_client_port: '23x', etcd_servers: [], selinux_state: 'disabled', disable_swap: true }, {}),
    /must be integer/,
  );
});

test.run();
