/**
 * The ad-hoc `-a` parser: shell-like words, key=value typed by the module's schema (booleans, numbers,
 * comma lists), JSON, Ansible-style key names, the free form of command/shell, and the refusals that
 * name the valid modules and arguments.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coerceValue, parseModuleArgs, schemaKey } from '../../lib/adhoc/args.ts';
import { findModule } from '../../lib/adhoc/modules.ts';
import { adhocPlaybook } from '../../lib/adhoc/playbook.ts';
import { splitWords } from '../../lib/adhoc/words.ts';
import { isValidationError } from '../../lib/core/errors.ts';
import { Type } from '@sinclair/typebox';

const parse = (module: string, text: string) => {
  const m = findModule(module);
  return parseModuleArgs(text, m.type, m.args);
};
const throwsValidation = (fn: () => unknown, pattern: RegExp) => {
  try {
    fn();
  } catch (error) {
    assert.ok(isValidationError(error), `a ValidationError, got ${(error as Error).name}: ${(error as Error).message}`);
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable('expected a ValidationError');
};

test('words: blanks, single and double quotes, backslashes, and each word keeps its place', () => {
  const text = `a 'b c' "d \\"e\\" $f" g\\ h  x='1 2'`;
  const words = splitWords(text);
  assert.equal(
    words.map((w) => w.value),
    ['a', 'b c', 'd "e" $f', 'g h', 'x=1 2'],
  );
  assert.equal(
    words.map((w) => text.slice(w.start, w.end)),
    ['a', `'b c'`, `"d \\"e\\" $f"`, 'g\\ h', `x='1 2'`],
  );
  assert.is(words[4].eq, 1);
  assert.is(splitWords(`'a=b'`)[0].eq, -1, 'a quoted = is not a key separator');
  assert.throws(() => splitWords(`a 'b`), /unterminated single quote/);
  assert.throws(() => splitWords(`a "b`), /unterminated double quote/);
});

test('key=value: strings, literals and quoting', () => {
  assert.equal(parse('package', 'name=etcd state=present'), { name: 'etcd', state: 'present' });
  assert.equal(parse('file', `path=/etc/motd content="hello world"`), { path: '/etc/motd', content: 'hello world' });
  assert.equal(parse('file', `path=/x content='a=b'`), { path: '/x', content: 'a=b' }, 'only the first = splits');
  assert.equal(parse('file', `path=/x content="line1\\nline2\\n"`), { path: '/x', content: 'line1\nline2\n' }, '\\n is a newline as in Ansible');
  assert.equal(parse('file', 'path=/x mode=0644'), { path: '/x', mode: '0644' }, 'a mode stays an octal string');
  assert.equal(parse('ping', ''), {});
  assert.equal(parse('ping', '   '), {});
});

test('key=value: values typed by the schema', () => {
  assert.equal(parse('service', 'name=etcd enabled=yes masked=false daemon_reload=on'), {
    name: 'etcd',
    enabled: true,
    masked: false,
    daemonReload: true,
  });
  assert.equal(parse('wait', 'port=2379 timeout=1.5'), { port: 2379, timeout: 1.5 });
  assert.equal(parse('package', 'name=etcd,flannel'), { name: ['etcd', 'flannel'] }, 'comma list where a list is accepted');
  assert.equal(parse('package', 'name=etcd'), { name: 'etcd' }, 'one name stays a string');
  assert.equal(
    parse('sysctl', 'key=net.ipv4.ip_forward value=1'),
    { key: 'net.ipv4.ip_forward', value: '1' },
    'string preferred where string | number',
  );
  assert.equal(parse('command', `cmd=true env='{"A":"1"}'`), { cmd: 'true', env: { A: '1' } }, 'JSON where an object is expected');
  assert.equal(parse('service', 'name=x enabled=maybe'), { name: 'x', enabled: 'maybe' }, 'left as is for validation to explain');
  assert.equal(coerceValue('1,2', Type.Array(Type.Integer())), [1, 2]);
  assert.equal(coerceValue('x', Type.Array(Type.String())), ['x'], 'a list-only argument takes one value as a list');
});

test('Ansible-style keys map to the schema names; unknown keys pass through to validation', () => {
  const props = { insertAfter: 1, searchString: 1, daemonReload: 1 };
  assert.is(schemaKey('insertafter', props), 'insertAfter');
  assert.is(schemaKey('search_string', props), 'searchString');
  assert.is(schemaKey('daemon-reload', props), 'daemonReload');
  assert.is(schemaKey('bogus', props), 'bogus');
  assert.equal(parse('line', 'path=/x line=a insertafter=EOF'), { path: '/x', line: 'a', insertAfter: 'EOF' });
  assert.equal(parse('package', 'name=etcd foo=bar'), { name: 'etcd', foo: 'bar' });
});

test('JSON arguments are taken as given (keys mapped)', () => {
  assert.equal(parse('package', '{"name": ["a", "b"], "state": "absent"}'), { name: ['a', 'b'], state: 'absent' });
  assert.equal(parse('service', ' {"name": "x", "daemon_reload": true}'), { name: 'x', daemonReload: true });
  throwsValidation(() => parse('package', '{"name": '), /not valid JSON.*valid arguments of package: name, state, manager/);
});

test('command and shell: free form, with known key=value words taken out', () => {
  assert.equal(parse('shell', 'uptime'), { cmd: 'uptime' });
  assert.equal(
    parse('shell', `echo "a  b" | tr a-z A-Z > /tmp/x`),
    { cmd: `echo "a  b" | tr a-z A-Z > /tmp/x` },
    'original quoting and spacing kept',
  );
  assert.equal(parse('shell', 'chdir=/tmp creates=/tmp/done ls -l  | wc -l'), { chdir: '/tmp', creates: '/tmp/done', cmd: 'ls -l  | wc -l' });
  assert.equal(parse('shell', 'ls chdir=/tmp -l'), { chdir: '/tmp', cmd: 'ls -l' });
  assert.equal(parse('shell', 'FOO=bar env'), { cmd: 'FOO=bar env' }, 'unknown keys stay part of the command');
  assert.equal(parse('shell', 'executable=/bin/bash set -o pipefail; true'), { executable: '/bin/bash', cmd: 'set -o pipefail; true' });
  assert.equal(parse('command', `cmd='uname -a'`), { cmd: 'uname -a' });
  assert.equal(parse('command', 'timeout=5 sleep 1'), { timeout: 5, cmd: 'sleep 1' });
  throwsValidation(() => parse('shell', `cmd=true false`), /both cmd= and a free-form command/);
});

test('refusals: not key=value, a key twice, an unterminated quote; each names the valid arguments', () => {
  throwsValidation(() => parse('package', 'etcd'), /"etcd" is not key=value; valid arguments of package: name, state, manager/);
  throwsValidation(() => parse('package', 'name=a name=b'), /"name" is given twice/);
  throwsValidation(() => parse('file', `path='/x`), /unterminated single quote.*valid arguments of file: path,/);
  throwsValidation(() => parse('ping', 'bogus'), /not key=value; valid arguments of ping: data/);
  throwsValidation(() => parse('facts', 'x'), /facts takes no arguments/);
});

test('modules: built-ins, aliases, and an unknown module refused with the list', () => {
  assert.is(findModule('package').type.name, 'package');
  assert.is(findModule('lineinfile').type.name, 'line');
  assert.is(findModule('setup').type.name, 'facts');
  throwsValidation(
    () => findModule('yumm'),
    /-m "yumm": no such module; valid modules: command, shell, ping, facts, file, line, block, package, service, sysctl, wait/,
  );
  throwsValidation(() => findModule('constructor'), /no such module/);
});

test('the ad-hoc playbook: one task, the engine validation names the allowed arguments', () => {
  const { playbook } = adhocPlaybook({ pattern: 'web', module: 'package', args: 'name=etcd', become: true });
  assert.is(playbook.plays.length, 1);
  assert.is(playbook.plays[0].hosts, 'web');
  assert.is(playbook.plays[0].become, true);
  assert.is(playbook.plays[0].tasks?.[0].type.name, 'package');
  assert.equal(playbook.plays[0].tasks?.[0].args, { name: 'etcd' });
  assert.is(adhocPlaybook({ pattern: 'all', args: 'uptime' }).playbook.plays[0].tasks?.[0].type.name, 'command', 'default module: command');
  throwsValidation(
    () => adhocPlaybook({ pattern: 'all', module: 'package', args: 'name=etcd foo=bar' }),
    /unknown argument "foo"; allowed: name, state, manager/,
  );
  throwsValidation(() => adhocPlaybook({ pattern: 'all', module: 'package', args: 'name=etcd state=gone' }), /argument "state"/);
  throwsValidation(() => adhocPlaybook({ pattern: 'all', module: 'command' }), /missing required argument "cmd"/);
});

test.run();
