/** Inventory formats: YAML (the seed's cluster layout), INI, objects, host lists, folders, ranges, vars folders, merging. */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { expandHostEntry, expandRanges, groupNames, hostVars, inventoryFromObject, loadInventory, toAnsibleList } from '../../lib/inventory/index.ts';
import { parseIniValue, shlexSplit } from '../../lib/inventory/ini-values.ts';

const fx = (p: string) => join(new URL('../fixtures/inventory', import.meta.url).pathname, p);

test('seed cluster layout (YAML + group_vars + host_vars) parses', () => {
  const inv = loadInventory([fx('cluster/cluster.yml')]);
  assert.equal([...inv.hosts.keys()], ['master', 'node1', 'node2']);
  assert.equal(inv.groups.get('etcd')!.hosts, ['master']);
  assert.equal(inv.groups.get('masters')!.hosts, ['master']);
  assert.equal(inv.groups.get('nodes')!.hosts, ['node1', 'node2']);
  assert.equal(inv.groups.get('all')!.children, ['ungrouped', 'etcd', 'masters', 'nodes']);
  assert.equal(groupNames(inv, 'master'), ['etcd', 'masters']);
  assert.equal(hostVars(inv, 'master'), { ansible_user: 'root', ansible_host: '172.18.0.67', etcd_client_port: 2379, cluster_name: 'seed' });
  assert.equal(hostVars(inv, 'node1'), {
    ansible_user: 'root',
    ansible_host: '172.18.0.68',
    etcd_client_port: 2379,
    cluster_name: 'seed-nodes',
    kubelet_address: '0.0.0.0',
  });
  assert.is(hostVars(inv, 'node2').ansible_host, '172.18.0.69');
  assert.is(hostVars(inv, 'node2').kubelet_address, '10.0.0.2', 'host_vars/ beats group_vars/');
  assert.equal(inv.sources, [fx('cluster/cluster.yml')]);
});

test('INI: ranges, inline typing, :vars, :children, host:port, group_vars folder, host_vars .yaml', () => {
  const inv = loadInventory([fx('ini/hosts')]);
  assert.equal(inv.groups.get('web')!.hosts, ['web01.lan', 'web02.lan', 'web03.lan', 'web-a.lan', 'web-b.lan']);
  assert.equal(inv.groups.get('db')!.hosts, ['db0', 'db2', 'db4', 'db6']);
  assert.equal(inv.groups.get('prod')!.children, ['web', 'db']);
  assert.equal(inv.groups.get('ungrouped')!.hosts, ['bastion.example.com']);
  const b = inv.hosts.get('bastion.example.com')!;
  assert.equal(b.vars, { ansible_port: 2222, ansible_user: 'ops' });
  const w = inv.hosts.get('web02.lan')!.vars;
  assert.equal(w, { http_port: 8080, enabled: true, ratio: 0.5, name: 'quoted value', list: [1, 2] });
  const web = inv.groups.get('web')!.vars;
  assert.is(web.proxy, 'proxy.lan    # a string keeps its comment');
  assert.is(web.max_conn, 100);
  assert.is(web.debug, 'no');
  const v = hostVars(inv, 'web01.lan');
  assert.is(v.http_port, 9090, 'host_vars/web01.lan.yaml');
  assert.is(v.from_group_vars, 'web-more', 'files of a group_vars folder apply in name order');
  assert.is(v.proxy, 'group-vars-proxy', 'group_vars/ beats inline group vars');
  assert.is(v.env, 'production');
  assert.is(v.global, true, 'group_vars/all without extension, YAML 1.1 yes');
  assert.not.ok('ignored' in v, '.txt files in group_vars folders are skipped');
});

test('host ranges: numeric, zero padded, stride, letters, several ranges', () => {
  assert.equal(expandRanges('node[1:3]'), ['node1', 'node2', 'node3']);
  assert.equal(expandRanges('node[01:10]').slice(0, 2), ['node01', 'node02']);
  assert.is(expandRanges('node[01:10]').length, 10);
  assert.equal(expandRanges('www[01:09:4].lan'), ['www01.lan', 'www05.lan', 'www09.lan']);
  assert.equal(expandRanges('db-[a:c]'), ['db-a', 'db-b', 'db-c']);
  assert.equal(expandRanges('r[1:2]n[a:b]'), ['r1na', 'r1nb', 'r2na', 'r2nb']);
  assert.equal(expandRanges('n[:2]'), ['n0', 'n1', 'n2']);
  assert.throws(() => expandRanges('n[01:100]'), /same width/);
  assert.throws(() => expandRanges('n[c:a]'), /begin <= end/);
  assert.equal(expandHostEntry('web[1:2].lan:2222'), { names: ['web1.lan', 'web2.lan'], port: 2222 });
  assert.equal(expandHostEntry('[::1]:22'), { names: ['::1'], port: 22 });
  assert.equal(expandHostEntry('fe80::1'), { names: ['fe80::1'] });
  assert.equal(expandHostEntry('10.0.0.1:2200'), { names: ['10.0.0.1'], port: 2200 });
});

test('INI values are typed like Ansible 2.14 (Python literals)', () => {
  const cases: [string, unknown][] = [
    ['0', 0],
    ['3.0', 3],
    ['-4', -4],
    ['1_000', 1000],
    ['0x10', 16],
    ['True', true],
    ['False', false],
    ['None', null],
    ['[]', []],
    ["['a', 1]", ['a', 1]],
    ["{'k': 'v'}", { k: 'v' }],
    ["'quoted'", 'quoted'],
    ['"dq"', 'dq'],
    ['no', 'no'],
    ['false', 'false'],
    ['yes', 'yes'],
    ['010', '010'],
    ['1.2.3', '1.2.3'],
    ['8080 # c', 8080],
    ['text # c', 'text # c'],
    ['{{ var }}', '{{ var }}'],
    ['', ''],
  ];
  for (const [text, value] of cases) assert.equal(parseIniValue(text), value, text);
  assert.equal(shlexSplit(`h a="x y" b='#' c=1 # comment`), ['h', 'a=x y', 'b=#', 'c=1']);
  assert.equal(shlexSplit('a#b c'), ['a']);
  assert.throws(() => shlexSplit('a="open'), /No closing quotation/);
});

test('native object inventory, YAML shape, and --list shape round trip', () => {
  const inv = inventoryFromObject(
    {
      all: { vars: { ansible_user: 'root' } },
      etcd: { hosts: { master: { ansible_host: '10.0.0.1' } } },
      nodes: { hosts: { 'node[1:2]': null }, vars: { role: 'node' } },
      k8s: { children: { etcd: null, nodes: null } },
    },
    'playbook inventory',
  );
  assert.equal(inv.groups.get('k8s')!.children, ['etcd', 'nodes']);
  assert.equal(hostVars(inv, 'node2'), { ansible_user: 'root', role: 'node' });
  const list = toAnsibleList(inv);
  const back = inventoryFromObject(JSON.parse(JSON.stringify(list)));
  assert.equal(toAnsibleList(back), list);
});

test('several sources merge in order; each source brings its own group_vars', () => {
  const inv = loadInventory([fx('multi/a/hosts.yml'), fx('multi/b/hosts')]);
  assert.equal([...inv.hosts.keys()], ['w1', 'w2', 'w3', 'd1']);
  assert.equal(inv.groups.get('web')!.hosts, ['w1', 'w2']);
  assert.equal(inv.groups.get('ungrouped')!.hosts, ['w3']);
  assert.is(inv.hosts.get('w2')!.vars.where, 'b', 'later source wins for host vars');
  const v = hostVars(inv, 'w1');
  assert.is(v.layer, 'from-b', "the second source's group_vars beat the first's");
  assert.is(v.only_a, 1);
  assert.is(v.inline, 'b');
  assert.is(v.where, 'a');
});

test('host lists and folders as sources', () => {
  const inv = loadInventory(['web1,web2:2222,']);
  assert.equal(inv.groups.get('ungrouped')!.hosts, ['web1', 'web2']);
  assert.is(inv.hosts.get('web2')!.vars.ansible_port, 2222);
  const dir = loadInventory([fx('multi/b')]);
  assert.equal([...dir.hosts.keys()], ['w3', 'w2', 'd1']);
  assert.is(hostVars(dir, 'w2').layer, 'from-b', 'a folder source reads its own group_vars/');
});

test('empty inventory file gives just all and ungrouped', () => {
  const inv = inventoryFromObject({});
  assert.equal([...inv.groups.keys()], ['all', 'ungrouped']);
  assert.equal(toAnsibleList(inv), { _meta: { hostvars: {} }, all: { children: ['ungrouped'] } });
});

test.run();
