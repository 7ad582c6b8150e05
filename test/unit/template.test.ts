/** Handlebars templates: strict, unescaped, with the helpers config files need; errors name template and line. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TemplateError } from '../../lib/core/errors.ts';
import { connectionVars, groupsMap, hostVars, loadInventory } from '../../lib/inventory/index.ts';
import { checkTemplate, renderTemplate } from '../../lib/vars/index.ts';
import { compiledTemplateCount } from '../../lib/vars/template.ts';

const dir = new URL('../fixtures/templates', import.meta.url).pathname;
const read = (name: string) => readFileSync(join(dir, name), 'utf8');

// Variables as the engine gives them: the host's vars plus inventory_hostname, groups, hostvars.
const inv = loadInventory([join(new URL('../fixtures/inventory', import.meta.url).pathname, 'cluster/cluster.yml')]);
const hostvars = Object.fromEntries([...inv.hosts.keys()].map((h) => [h, hostVars(inv, h)]));
const scope = (host: string) => ({ ...hostVars(inv, host), inventory_hostname: host, groups: groupsMap(inv), hostvars });

function templateError(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
  throw new Error('expected a TemplateError');
}

test('renders a config file from inventory variables (hostvar, first, default)', () => {
  assert.is(
    renderTemplate('etcd.conf.hbs', read('etcd.conf.hbs'), scope('master')),
    [
      'ETCD_NAME=master',
      'ETCD_LISTEN_CLIENT_URLS="http://0.0.0.0:2379"',
      'ETCD_ADVERTISE_CLIENT_URLS="http://172.18.0.67:2379"',
      'ETCD_DATA_DIR=/var/lib/etcd',
      '',
    ].join('\n'),
  );
  assert.is(connectionVars(hostvars.node1, 'node1').address, '172.18.0.68');
});

test('each over the hosts of a group, lookup into hostvars', () => {
  assert.is(
    renderTemplate('hosts.hbs', read('hosts.hbs'), scope('node1')),
    '127.0.0.1 localhost\n172.18.0.67 master\n172.18.0.68 node1\n172.18.0.69 node2\n',
  );
  assert.is(renderTemplate('t', '{{lookup (lookup hostvars (first groups.etcd)) "ansible_host"}}', scope('node1')), '172.18.0.67');
  assert.is(renderTemplate('t', '{{#each (hosts "nodes")}}{{this}}{{#unless @last}},{{/unless}}{{/each}}', scope('node1')), 'node1,node2');
});

test('noEscape: config text is not HTML-escaped', () => {
  assert.is(renderTemplate('t', '{{v}}', { v: `a<b>&"c'` }), `a<b>&"c'`);
});

test('helpers: join, default, eq/ne, and/or/not, first/last, json', () => {
  const v = { list: ['a', 'b'], n: 0, empty: '', obj: { k: [1] }, role: 'master' };
  assert.is(renderTemplate('t', '{{join list}}|{{join list " "}}', v), 'a,b|a b');
  assert.is(renderTemplate('t', '{{default missing "x"}}|{{default empty "y"}}|{{default n 5}}|{{default obj.nope.deep "z"}}', v), 'x|y|0|z');
  assert.is(
    renderTemplate('t', '{{#if (eq role "master")}}M{{/if}}{{#if (ne role "master")}}N{{/if}}{{#if (eq obj obj)}}='.concat('{{/if}}'), v),
    'M=',
  );
  assert.is(renderTemplate('t', '{{#if (and list (not n))}}yes{{/if}}{{#if (or n empty)}}no{{/if}}', v), 'yes');
  assert.is(renderTemplate('t', '{{first list}}{{last list}}', v), 'ab');
  assert.is(renderTemplate('t', '{{json obj}}', v), '{"k":[1]}');
  assert.is(renderTemplate('t', '{{#if missing}}a{{else}}b{{/if}}', v), 'b', 'if accepts a missing variable');
});

test('a missing variable fails with the template name and line', () => {
  const e = templateError(() => renderTemplate('roles/flannel/templates/flanneld.hbs', read('missing.hbs'), { etcd_endpoints: ['http://m:2379'] }));
  assert.is(e.template, 'roles/flannel/templates/flanneld.hbs');
  assert.is(e.line, 4);
  assert.is(e.message, 'roles/flannel/templates/flanneld.hbs:4: "flannel_optons" is not defined in {{flannel_optons}}');
  assert.is(templateError(() => renderTemplate('m', read('missing.hbs'), {})).line, 3, 'a helper argument is strict too');
});

test('missing data in helpers, blocks and lookups is an error, not an empty string', () => {
  const v = { groups: { etcd: ['m'] }, hostvars: { m: { ansible_host: '10.0.0.1' } } };
  assert.match(
    templateError(() => renderTemplate('t', 'a\n\n{{#each groups.nodes}}{{this}}{{/each}}', v)).message,
    /^t:3: "nodes" is not defined in \{\{#each groups\.nodes\}\}/,
  );
  assert.match(
    templateError(() => renderTemplate('t', '{{hostvar "m" "ansible_port"}}', v)).message,
    /^t:1: hostvar: host "m" has no variable "ansible_port"/,
  );
  assert.match(templateError(() => renderTemplate('t', '{{lookup hostvars.m "nope"}}', v)).message, /^t:1: the expression gives no value/);
  assert.match(templateError(() => renderTemplate('t', '{{hosts "nodes"}}', v)).message, /no group "nodes"/);
  assert.match(templateError(() => renderTemplate('t', '{{join groups ","}}', v)).message, /join: expected a list/);
  assert.match(templateError(() => renderTemplate('t', '{{nope.deeper}}', v)).message, /not defined/);
  assert.match(
    templateError(() => renderTemplate('t', '{{#each groups.etcd}}{{ansible_host}}{{/each}}', v)).message,
    /"ansible_host" is not defined/,
  );
});

test('syntax errors name the line; checkTemplate checks without data', () => {
  const e = templateError(() => renderTemplate('bad.hbs', 'ok\n{{#if x}}\nno end', { x: 1 }));
  assert.is(e.line, 3);
  assert.match(e.message, /^bad\.hbs:3: syntax error/);
  assert.is(templateError(() => checkTemplate('bad.hbs', 'a\n{{#each x}}\n{{/if}}')).line, 2);
  checkTemplate('good.hbs', '{{#each x}}{{this}}{{/each}}');
});

test('compiled once per name and source; isolated from the global Handlebars', async () => {
  const before = compiledTemplateCount();
  for (let i = 0; i < 100; i++) assert.is(renderTemplate('cached', '{{x}}', { x: i }), String(i));
  assert.is(compiledTemplateCount(), before + 1);
  renderTemplate('cached', '{{x}}!', { x: 1 });
  assert.is(compiledTemplateCount(), before + 2, 'a changed source is compiled again');
  const Handlebars = (await import('handlebars')).default;
  assert.not.ok('hostvar' in Handlebars.helpers, 'helpers are registered on an isolated environment');
});

test.run();
