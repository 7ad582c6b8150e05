/**
 * quote() against real shells: hostile strings go through `/bin/sh -c 'printf %s ARG'` (and dash and
 * bash when present) and must come back byte for byte.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { quote, shellJoin } from '../../lib/transport/quote.ts';

/** Strings a value could hold that would break naive shell quoting. */
const HOSTILE: readonly string[] = [
  '',
  ' ',
  'plain',
  "it's",
  "''",
  "'\\''",
  '"double"',
  '$(touch /tmp/hostwright-pwned)',
  '`touch /tmp/hostwright-pwned`',
  '${HOME}',
  '$HOME',
  'a;b|c&d&&e||f',
  'line1\nline2\n',
  '\ttab\r\n',
  '*',
  '?[a-z]*',
  '~root',
  '-n',
  '--',
  '!event',
  '#comment',
  'back\\slash\\',
  'grüße 日本語 🚀',
  '<in >out 2>&1',
  '{a,b}',
  'mixed \'single\' "double" $(cmd) `cmd` \\ \n end',
  '%s %d %%',
];

const shells = ['/bin/sh', '/bin/dash', '/bin/bash'].filter((s) => existsSync(s));

for (const shell of shells) {
  test(`${shell}: printf %s QUOTED returns every hostile string byte for byte`, () => {
    for (const value of HOSTILE) {
      const out = execFileSync(shell, ['-c', `printf %s ${quote(value)}`]);
      assert.equal(out.toString('utf8'), value, `through ${shell}: ${JSON.stringify(value)}`);
    }
    assert.not.ok(existsSync('/tmp/hostwright-pwned'), 'a command substitution ran');
  });

  test(`${shell}: shellJoin keeps argument boundaries`, () => {
    const line = shellJoin(['printf', '[%s]', ...HOSTILE]);
    const out = execFileSync(shell, ['-c', line]).toString('utf8');
    assert.equal(out, HOSTILE.map((v) => `[${v}]`).join(''));
  });
}

test('safe values stay bare and readable; everything else is single-quoted', () => {
  assert.is(quote('/etc/hosts'), '/etc/hosts');
  assert.is(quote('a=b,c:d@e%f+g'), 'a=b,c:d@e%f+g');
  assert.is(quote(644), '644');
  assert.is(quote(''), "''");
  assert.is(quote('a b'), "'a b'");
  assert.is(quote("it's"), "'it'\\''s'");
  assert.ok(quote('~root').startsWith("'"), 'a tilde must not expand');
  assert.ok(quote('*').startsWith("'"), 'a glob must not expand');
});

test('at least /bin/sh was exercised', () => {
  assert.ok(shells.includes('/bin/sh'));
});

test.run();
