/**
 * Ansible inventory conformance. The project's own cases (test/fixtures/conformance/inventory/:
 * hand-written inventories, `ansible-inventory --list` answers recorded by test/fixtures/conformance/record.py
 * with Debian's ansible) always run. The shared corpus (Ansible's own test data and documented examples,
 * ../shared/reference/ansible-corpus/inventory/, read in place) runs in addition when it is present; the
 * file prints `shared conformance corpus: N/N` or `shared conformance corpus not found: N cases not run`.
 * Compared as the corpus's compare.py does: groups, direct hosts and children (as sets), hosts, and typed
 * merged host variables; malformed cases must throw a ValidationError naming the file.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ownCorpus, runInventoryCases, sharedCorpus, sharedCorpusLine } from '../support/conformance.ts';

test("the project's own inventory cases give Ansible 2.14's recorded answers", () => {
  const { ran, failures } = runInventoryCases(join(ownCorpus, 'inventory'));
  assert.ok(ran >= 9, `expected at least 9 own cases, found ${ran}`);
  assert.equal(failures, [], failures.join('\n'));
});

test("the shared corpus, when present: every case gives Ansible 2.14's answer", () => {
  const dir = join(sharedCorpus, 'inventory');
  if (!existsSync(join(dir, 'cases.json'))) {
    console.log(sharedCorpusLine('inventory', undefined));
    return;
  }
  const { ran, failures } = runInventoryCases(dir);
  console.log(sharedCorpusLine('inventory', ran, ran - failures.length));
  assert.ok(ran >= 43, `expected at least 43 cases, found ${ran}`);
  assert.equal(failures, [], failures.join('\n'));
});

test.run();
