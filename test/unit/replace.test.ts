/**
 * replace: differential cases against Ansible's replace module, recorded on local files by
 * test/fixtures/replace/record-ansible.ts (ansible -c local): the same text and arguments must give the
 * same `changed`/`failed` for the first and the second run and the same bytes after. Plus Python's
 * subn semantics, argument checks and the ad-hoc module.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures, refuses } from '../support/fixtures.ts';
import { planReplace, pythonSubn, replace, replaceText } from '../../lib/tasks/replace.ts';
import { pythonRegExp } from '../../lib/tasks/line-edit-regex.ts';
import type { FileState } from '../../lib/probes/file-stat.ts';
import { parseModuleArgs } from '../../lib/adhoc/args.ts';
import { findModule } from '../../lib/adhoc/modules.ts';

const { files, load } = fixtures('replace/ansible');
const real = { check: false, earlierChangePredicted: false };
const fileState = (text: string | null): FileState =>
  text === null
    ? { type: 'absent', parentExists: true }
    : { type: 'file', mode: '0644', owner: 'root', group: 'root', size: Buffer.byteLength(text), content: Buffer.from(text), parentExists: true };

test('there are at least 10 recorded differential cases', () => {
  assert.ok(files.length >= 10, `${files.length}`);
  for (const f of files) assert.ok(load(f).ansible, `${f} is recorded`);
});

for (const f of files) {
  const fx = load(f);
  test(`as Ansible: ${f}: ${fx.description}`, () => {
    let text: string | null = fx.before;
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const plan = planReplace({ path: '/f', ...fx.args }, fileState(text), real);
      runs.push({ changed: plan.status === 'change', failed: plan.status === 'failed' });
      if (plan.status === 'change') text = plan.data!.content!.toString('utf8');
    }
    assert.equal(runs, fx.ansible.runs);
    assert.is(text, fx.ansible.after);
  });
}

test('Python subn: empty matches, templates', () => {
  assert.equal(pythonSubn(pythonRegExp('x*').regexp, '-', 'abxd'), { text: '-a-b--d-', count: 5 });
  assert.equal(pythonSubn(pythonRegExp('(?m)^').regexp, '> ', 'a\nb\n'), { text: '> a\n> b\n> ', count: 3 });
  assert.equal(replaceText('k=1\n', { regexp: 'k=1', replace: 'k=2', after: 'zz' }), {
    changed: false,
    content: 'k=1\n',
    count: 0,
    message: 'Pattern for before/after params did not match the given file: zz(?P<subsection>.*)',
  });
});

test('plan: missing file, check mode after a change, diff', () => {
  assert.equal(planReplace({ path: '/f', regexp: 'a' }, fileState(null), real), { status: 'failed', reason: '/f does not exist' });
  assert.is(planReplace({ path: '/f', regexp: 'a' }, fileState(null), { check: true, earlierChangePredicted: true }).status, 'may-change');
  const p = planReplace({ path: '/f', regexp: 'a', replace: 'b' }, fileState('a\n'), real) as any;
  assert.equal(p.diff, [{ kind: 'file', path: '/f', before: 'a\n', after: 'b\n' }]);
  assert.equal(p.data, { target: '/f', content: Buffer.from('b\n') });
  assert.is(p.summary, '/f: 1 replacements made');
});

test('bad arguments are refused', () => {
  refuses(() => replace({ path: '/f', regexp: '(' }), /regexp: invalid regular expression/);
  refuses(() => replace({ path: '/f', regexp: 'a', after: '[' }), /after: invalid regular expression/);
  refuses(() => replace({ path: 'f', regexp: 'a' }), /argument "path"/);
  refuses(() => replace({ path: '/f', regexp: '' }), /argument "regexp"/);
});

test("ad-hoc: -m replace with Ansible's argument names", () => {
  const m = findModule('replace');
  assert.equal(parseModuleArgs('path=/etc/x regexp=^a replace=b after=start', m.type, m.args), {
    path: '/etc/x',
    regexp: '^a',
    replace: 'b',
    after: 'start',
  });
});

test.run();
