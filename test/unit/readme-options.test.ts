/**
 * The README's option list is the option table's (scripts/readme-options.ts): it fails when an option is
 * added, renamed or reworded in lib/cli/options.ts and the README was not rewritten.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { README, optionList, withOptionList } from '../../scripts/readme-options.ts';
import { OPTIONS } from '../../lib/cli/options.ts';

test('the README lists every option of the table, as the table says', () => {
  const text = readFileSync(README, 'utf8');
  assert.ok(withOptionList(text) === text, 'README.md option list is stale: run node scripts/readme-options.ts --write');
});

test('the list has one row per visible option, with the commands that take it', () => {
  const list = optionList();
  const visible = Object.entries(OPTIONS).filter(([, o]) => !('hidden' in o && o.hidden));
  assert.is(list.split('\n').filter((l) => l.startsWith('| `')).length, visible.length);
  assert.match(list, /\| `-i, --inventory FILE` \| playbook, ad-hoc, inventory \| inventory file/);
  assert.match(list, /\| `--list-tasks` \| playbook \| /);
  assert.not.match(list, /--vault-pass-file/);
  assert.throws(() => withOptionList('# no markers\n'), /no option list markers/);
});

test.run();
