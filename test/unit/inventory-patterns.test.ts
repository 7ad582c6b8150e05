/** Host patterns for plays and --limit, with Ansible's semantics. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ValidationError } from '../../lib/core/errors.ts';
import { inventoryFromObject, selectHosts, splitPattern } from '../../lib/inventory/index.ts';

const inv = inventoryFromObject({
  ungrouped: { hosts: { bastion: null } },
  etcd: { hosts: { master: null } },
  masters: { hosts: { master: null } },
  nodes: { hosts: { node1: null, node2: null, node3: null } },
  web: { hosts: { 'web1.lan': null, 'web2.lan': null, node2: null } },
  k8s: { children: { masters: null, nodes: null } },
});
const sel = (p: string, limit?: string) => selectHosts(inv, p, { limit });

test('all and * select every host in inventory order', () => {
  const every = ['bastion', 'master', 'node1', 'node2', 'node3', 'web1.lan', 'web2.lan'];
  assert.equal(sel('all'), every);
  assert.equal([...sel('*')].sort(), [...every].sort());
});

test('a group (children included), a host, ungrouped', () => {
  assert.equal(sel('nodes'), ['node1', 'node2', 'node3']);
  assert.equal(sel('k8s'), ['master', 'node1', 'node2', 'node3']);
  assert.equal(sel('node3'), ['node3']);
  assert.equal(sel('ungrouped'), ['bastion']);
});

test('union with : and , (no duplicates, pattern order)', () => {
  assert.equal(sel('etcd:nodes'), ['master', 'node1', 'node2', 'node3']);
  assert.equal(sel('web,nodes'), ['web1.lan', 'web2.lan', 'node2', 'node1', 'node3']);
  assert.equal(sel('node1:master'), ['node1', 'master']);
});

test('intersection :& and exclusion :! apply after unions, whatever their place', () => {
  assert.equal(sel('nodes:&web'), ['node2']);
  assert.equal(sel('nodes:!web'), ['node1', 'node3']);
  assert.equal(sel('!web:nodes'), ['node1', 'node3']);
  assert.equal(sel('k8s:!masters:&web'), ['node2']);
  assert.equal(sel('!nodes'), ['bastion', 'master', 'web1.lan', 'web2.lan'], 'only exclusions start from all');
});

test('globs and ~regex over groups and hosts', () => {
  assert.equal(sel('node*'), ['node1', 'node2', 'node3']);
  assert.equal(sel('*.lan'), ['web1.lan', 'web2.lan']);
  assert.equal(sel('node[12]'), [], 'a one-number bracket is a subscript (Ansible)');
  assert.equal(sel('node?'), ['node1', 'node2', 'node3']);
  assert.equal(sel('~node[13]'), ['node1', 'node3']);
  assert.equal(sel('~(web|etcd)'), ['master', 'web1.lan', 'web2.lan', 'node2']);
  assert.equal(sel('mast*:!master'), []);
});

test('subscripts pick hosts of a group by position', () => {
  assert.equal(sel('nodes[0]'), ['node1']);
  assert.equal(sel('nodes[-1]'), ['node3']);
  assert.equal(sel('nodes[1:2]'), ['node2', 'node3']);
  assert.equal(sel('nodes[1:]'), ['node2', 'node3']);
});

test('--limit narrows a pattern; @file reads one pattern per line', () => {
  assert.equal(sel('all', 'nodes:!node2'), ['node1', 'node3']);
  assert.equal(sel('k8s', 'web'), ['node2']);
  const dir = mkdtempSync(join(tmpdir(), 'hw-limit-'));
  writeFileSync(join(dir, 'retry'), 'node3\n\nmaster\n');
  assert.equal(selectHosts(inv, 'k8s', { limit: '@retry', baseDir: dir }), ['master', 'node3']);
  assert.equal(selectHosts(inv, '@retry', { baseDir: dir }), ['node3', 'master']);
  assert.throws(
    () => selectHosts(inv, 'all', { limit: '@nope', baseDir: dir }),
    (e: unknown) => e instanceof ValidationError && /limit file nope/.test((e as Error).message),
  );
});

test('a pattern that matches nothing gives [] and is reported', () => {
  const unmatched: string[] = [];
  assert.equal(selectHosts(inv, 'nosuch', { onUnmatched: (p) => unmatched.push(p) }), []);
  assert.equal(selectHosts(inv, 'nodes:ghost*', { onUnmatched: (p) => unmatched.push(p) }), ['node1', 'node2', 'node3']);
  assert.equal(unmatched, ['nosuch', 'ghost*']);
  assert.equal(sel('all', 'nosuch'), []);
});

test('splitPattern keeps ranges, IPv6 and host:port together', () => {
  assert.equal(splitPattern('a:b,c'), ['a', 'b', 'c']);
  assert.equal(splitPattern('a:&b:!c'), ['a', '&b', '!c']);
  assert.equal(splitPattern('web[1:3]'), ['web[1:3]']);
  assert.equal(splitPattern('fe80::1'), ['fe80::1']);
});

test.run();
