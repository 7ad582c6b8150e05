/**
 * The Python `re` -> JS translation used by the line and block edits. Every expected span below was
 * produced by CPython 3.11 (`re.compile(pattern.encode()).search(subject.encode())`, the way Ansible
 * compiles lineinfile patterns), so a row failing means hostwright and Ansible disagree on that pattern.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { expandTemplate, pythonRegExp, PythonRegexError } from '../../lib/tasks/line-edit-regex.ts';

/** [pattern, subject, [start, end] of Python's first match or null]. */
const PYTHON_SPANS: [string, string, [number, number] | null][] = [
  ['foo$', 'foo\n', [0, 3]],
  ['foo$', 'foo\r\n', null],
  ['foo\\r?$', 'foo\r\n', [0, 4]],
  ['^foo.*$', 'foo bar\r\n', [0, 8]],
  ['^foo.*$', 'foo bar\n', [0, 7]],
  ['\\Afoo', 'foo', [0, 3]],
  ['foo\\Z', 'foo\n', null],
  ['foo\\Z', 'foo', [0, 3]],
  ['(?m)^b', 'a\nb\n', [2, 3]],
  ['^b', 'a\nb\n', null],
  ['(?m)a$', 'a\nb\n', [0, 1]],
  ['a$', 'a\nb\n', null],
  ['(?s)a.b', 'a\nb', [0, 3]],
  ['a.b', 'a\nb', null],
  ['a.b', 'a\rb', [0, 3]],
  ['(?i)FOO', 'foo\n', [0, 3]],
  ['(?P<k>\\w+)=(?P=k)', 'ab=ab\n', [0, 5]],
  ['x{,2}y', 'xxy', [0, 3]],
  ['^x{,2}y', 'xxxy', null],
  ['[]a]', ']', [0, 1]],
  ['[^]a]', ']', null],
  ['\\s+$', 'a \t\n', [1, 4]],
  ['^\\S+$', 'abc\n', [0, 3]],
  ['a(?#comment)b', 'ab', [0, 2]],
  ['(?x) a b  # c\n c', 'abc', [0, 3]],
  ['(?x)[ ]', ' ', [0, 1]],
  ['a{', 'a{', [0, 2]],
  ['a{1,2}', 'aa', [0, 2]],
  ['\\x41', 'A', [0, 1]],
  ['\\101', 'A', [0, 1]],
  ['\\0', '\u0000', [0, 1]],
  ['(a)\\1', 'aa', [0, 2]],
  ['(?i:a)b', 'Ab', [0, 2]],
  ['(?i:a)b', 'AB', null],
  ['\\bfoo\\b', 'a foo b', [2, 5]],
  ['^10\\.0\\.0\\.1\\s', '10.0.0.1 master\n', [0, 9]],
  ['^10\\.0\\.0\\.1\\s', '10.0.0.10 x\n', null],
  ['\\d+', 'x12', [1, 3]],
  ['[\\d]+$', '12\n', [0, 2]],
  ['$', '\n', [0, 0]],
  ['^$', '\n', [0, 0]],
  ['^$', '', [0, 0]],
  ['^\\s*$', '  \n', [0, 3]],
  ['a|$', 'b\n', [1, 1]],
  ['(?m)$', 'x\r\n', [2, 2]],
  ['\\.', 'a.b', [1, 2]],
  ['\\$HOME', '$HOME', [0, 5]],
  ['\\a', '\u0007', [0, 1]],
  ['[\\s]', '\t', [0, 1]],
  ['a{,}', 'aaa', [0, 3]],
  ['(?:ab)+$', 'abab\n', [0, 4]],
  ['(?<=a)b', 'ab', [1, 2]],
  ['(?<!a)b', 'ab', null],
  ['[a-c]+', 'xbcay', [1, 4]],
  ['\\\\', '\\', [0, 1]],
  ['(?-i:a)', 'a', [0, 1]],
];

function span(pattern: string, subject: string): [number, number] | null {
  const m = pythonRegExp(pattern).regexp.exec(subject);
  return m ? [m.index, m.index + m[0].length] : null;
}

for (const [pattern, subject, want] of PYTHON_SPANS) {
  test(`${JSON.stringify(pattern)} on ${JSON.stringify(subject)} matches as in Python`, () => {
    assert.equal(span(pattern, subject), want);
  });
}

/** Patterns CPython refuses (or that have no JS equivalent): they must fail, naming the reason. */
const REFUSED: [string, RegExp][] = [
  ['\\e', /bad escape \\e/],
  ['(?i)a(?m)b', /global flags not at the start/],
  ['a\\2(b)', /invalid group reference 2/],
  ['(?<n>a)', /unknown extension/],
  ['(?P=x)', /unknown group name x/],
  ['a)', /unbalanced parenthesis/],
  ['(a', /missing \)/],
  ['[a', /unterminated character set/],
  ['\\Z[\\A]', /bad escape \\A/],
  ['(?(1)a|b)', /no JS equivalent/],
  ['a*+', /possessive/],
];
for (const [pattern, why] of REFUSED) {
  test(`${JSON.stringify(pattern)} is refused`, () => {
    try {
      pythonRegExp(pattern);
      assert.unreachable('compiled');
    } catch (e) {
      assert.instance(e, PythonRegexError);
      assert.match((e as Error).message, why);
      assert.match((e as Error).message, JSON.stringify(pattern));
    }
  });
}

test('(?m) at the start is reported as multiline (blockinfile searches the whole file then)', () => {
  assert.is(pythonRegExp('(?m)^x').multiline, true);
  assert.is(pythonRegExp('^x').multiline, false);
});

test('expandTemplate follows Python match.expand', () => {
  const m = pythonRegExp('^(?P<ip>\\S+)\\s+(\\w+)?(x)?').regexp.exec('10.0.0.1 master\n')!;
  assert.is(expandTemplate('\\g<ip> \\2 \\g<2>', m), '10.0.0.1 master master');
  assert.is(expandTemplate('[\\3]', m), '[]', 'an unmatched group is empty');
  assert.is(expandTemplate('a\\nb\\tc\\\\d', m), 'a\nb\tc\\d');
  assert.is(expandTemplate('\\.', m), '\\.', 'unknown non-letter escapes stay');
  assert.is(expandTemplate('\\0', m), '\0');
  assert.is(expandTemplate('\\101', m), 'A');
  assert.is(expandTemplate('\\g<0>', m), '10.0.0.1 master');
  for (const [t, why] of [
    ['\\4', /invalid group reference 4/],
    ['\\q', /bad escape \\q/],
    ['\\g<nope>', /unknown group name nope/],
    ['\\x41', /bad escape \\x/],
  ] as const) {
    assert.throws(
      () => expandTemplate(t, m),
      (e: Error) => e instanceof PythonRegexError && why.test(e.message),
      t,
    );
  }
});

test.run();
