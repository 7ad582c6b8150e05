/** Host variable precedence inside the inventory, connection settings, and the --list / --graph views. */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ValidationError } from '../../lib/core/errors.ts';
import {
  connectionVars,
  groupNames,
  groupsMap,
  hostVarLayers,
  hostVars,
  inventoryFromObject,
  loadInventory,
  toAnsibleList,
  toGraph,
} from '../../lib/inventory/index.ts';

const fx = (p: string) => join(new URL('../fixtures/inventory', import.meta.url).pathname, p);

test('all < parent < child (depth), siblings by name, ansible_group_priority', () => {
  const inv = loadInventory([fx('priority/hosts.yml')]);
  const h1 = hostVars(inv, 'h1');
  assert.is(h1.who, 'child', 'the deepest group wins over its parent and over depth-1 siblings');
  assert.is(h1.depth, 'parent');
  assert.is(h1.sibling, 'zeta', 'same depth and priority: later name wins');
  const h2 = hostVars(inv, 'h2');
  assert.is(h2.sibling, 'high', 'higher ansible_group_priority wins over name order');
  assert.not.ok('ansible_group_priority' in h2, 'the priority is not a host variable');
});

test('inline group vars < group_vars/all < group_vars/<group> < host < host_vars (Ansible order)', () => {
  const inv = loadInventory([fx('ini/hosts')]);
  const layers = hostVarLayers(inv, 'web01.lan').map((l) => l.source.replace(fx('') + '/', ''));
  assert.equal(layers, [
    'ini/hosts (group prod)',
    'ini/hosts (group web)',
    'ini/group_vars/all',
    'ini/group_vars/web/10-base.yml',
    'ini/group_vars/web/20-more',
    'ini/hosts (host web01.lan)',
    'ini/host_vars/web01.lan.yaml',
  ]);
});

test('host inline vars beat group vars; later assignment of the same host wins', () => {
  const inv = inventoryFromObject({
    all: { vars: { x: 'all', y: 'all' } },
    g: { hosts: { h: { x: 'host' } }, vars: { x: 'group', z: 'group' } },
    g2: { hosts: { h: { x: 'host-again' } } },
  });
  assert.equal(hostVars(inv, 'h'), { x: 'host-again', y: 'all', z: 'group' });
});

test('groupNames and groups map', () => {
  const inv = loadInventory([fx('ini/hosts')]);
  assert.equal(groupNames(inv, 'web01.lan'), ['prod', 'web']);
  assert.equal(groupNames(inv, 'bastion.example.com'), ['ungrouped']);
  const groups = groupsMap(inv);
  assert.equal(groups.prod, ['web01.lan', 'web02.lan', 'web03.lan', 'web-a.lan', 'web-b.lan', 'db0', 'db2', 'db4', 'db6']);
  assert.is(groups.all.length, 10);
});

test('connectionVars: Ansible names, hostwright names, defaults, precedence', () => {
  assert.equal(connectionVars({}, 'node1'), { address: 'node1', port: 22, connection: 'ssh', local: false });
  assert.equal(
    connectionVars(
      {
        ansible_host: '10.0.0.1',
        ansible_port: 2222,
        ansible_user: 'root',
        ansible_ssh_private_key_file: '/k',
        ansible_password: 12345,
        ansible_become: 'yes',
        ansible_become_user: 'admin',
        ansible_become_password: 'pw',
      },
      'n',
    ),
    {
      address: '10.0.0.1',
      port: 2222,
      connection: 'ssh',
      local: false,
      user: 'root',
      keyFile: '/k',
      password: '12345',
      become: true,
      becomeUser: 'admin',
      becomePassword: 'pw',
    },
  );
  const both = connectionVars(
    { ansible_host: 'a', hw_host: 'b', ansible_ssh_host: 'c', hw_port: '2200', ansible_port: 22, ansible_become: 'no', ansible_connection: 'local' },
    'n',
  );
  assert.is(both.address, 'b');
  assert.is(both.port, 2200);
  assert.is(both.become, false);
  assert.is(both.local, true);
  assert.is(connectionVars({ ansible_ssh_host: 'c', inventory_hostname: 'x' }).address, 'c');
  assert.is(connectionVars({ inventory_hostname: 'x' }).address, 'x');
});

test('connectionVars refuses bad values, and never shows a password', () => {
  assert.throws(
    () => connectionVars({ ansible_port: 'ssh' }, 'n1'),
    (e: unknown) => e instanceof ValidationError && /n1: ansible_port must be an integer from 1 to 65535 \(got "ssh"\)/.test((e as Error).message),
  );
  assert.throws(() => connectionVars({ ansible_host: '{{ ip }}' }, 'n1'), /n1: ansible_host is not templated yet/);
  try {
    connectionVars({ ansible_password: { secret: 's3cr3t' } }, 'n1');
    assert.unreachable();
  } catch (e) {
    assert.ok(e instanceof ValidationError);
    assert.not.match((e as Error).message, /s3cr3t/);
  }
});

test('toAnsibleList: ansible-inventory --list shape with sorted keys', () => {
  const inv = loadInventory([fx('cluster/cluster.yml')]);
  const list = toAnsibleList(inv);
  assert.equal(Object.keys(list), ['_meta', 'all', 'etcd', 'masters', 'nodes']);
  assert.equal(list.all, { children: ['ungrouped', 'etcd', 'masters', 'nodes'] });
  assert.equal(list.nodes, { hosts: ['node1', 'node2'] });
  assert.equal(Object.keys(list._meta.hostvars.master), ['ansible_host', 'ansible_user', 'cluster_name', 'etcd_client_port']);
});

test('toGraph: ansible-inventory --graph text', () => {
  const inv = loadInventory([fx('cluster/cluster.yml')]);
  assert.is(
    toGraph(inv),
    [
      '@all:',
      '  |--@ungrouped:',
      '  |--@etcd:',
      '  |  |--master',
      '  |--@masters:',
      '  |  |--master',
      '  |--@nodes:',
      '  |  |--node1',
      '  |  |--node2',
    ].join('\n'),
  );
  const nested = inventoryFromObject({ k8s: { children: { nodes: { hosts: { n1: null } } }, hosts: { m: null } } });
  assert.is(toGraph(nested, 'k8s'), '@k8s:\n  |--@nodes:\n  |  |--n1\n  |--m');
  assert.throws(() => toGraph(nested, 'nope'), /no group "nope"/);
});

test.run();
