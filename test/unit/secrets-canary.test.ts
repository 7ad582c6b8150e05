/**
 * The secrets canary: canary secrets planted through every source — inventory (a connection password and
 * a `*_password` variable), `-e` (`ansible_become_password`, `*_pass`), a sensitive task's static arguments,
 * a sensitive template, command output echoing them, a failing task, validation errors — and every output
 * grepped for them: console, `--json`, `--diff`, `--list-tasks`, error messages, a stack trace, ad-hoc
 * (console and JSON). `inventory --list` is excepted, as `ansible-inventory` shows variables as they are.
 * Local connection, on this machine's shell; the runs really happen (files written, commands run), and
 * what is not secret (a sensitive task's path and mode) is still shown.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { hw } from '../support/in-process.ts';
import { command, shell } from '../../lib/tasks/command.ts';
import { file } from '../../lib/tasks/file.ts';
import { localInventory, runTasks } from '../support/run.ts';

const root = new URL('../../', import.meta.url).pathname;
const lib = JSON.stringify(join(root, 'lib/index.ts'));
const dir = mkdtempSync(join(tmpdir(), 'hw-canary-'));
/** Every canary: one per source. A match anywhere in any output is a leak. */
const CANARY = /K9(invPass|dbPass|apiPass|becomePass|argSecret|tplSecret|valSecret)/;

const inv = join(dir, 'inv.yml');
writeFileSync(inv, `all:\n  hosts:\n    here:\n      ansible_connection: local\n      ansible_password: K9invPass\n      db_password: K9dbPass\n`);
writeFileSync(join(dir, 'secret.hbs'), 'user=app\ntoken=K9tplSecret-{{inventory_hostname}}\n');
const token = join(dir, 'token');
const plain = join(dir, 'plain.conf');

const playbook = join(dir, 'canary.ts');
writeFileSync(
  playbook,
  `import { command, definePlaybook, file, shell, template } from ${lib};
const dir = ${JSON.stringify(dir)};
export default definePlaybook({ name: 'canary', plays: [{ name: 'canary play', hosts: 'all', tasks: [
  // Sensitive static arguments: the header and --list-tasks must not show them.
  command({ cmd: ['true', '-pK9argSecret'] }, { sensitive: true }),
  // A sensitive template: its rendered text is secret wherever it shows up later.
  file({ path: dir + '/token', content: template(dir + '/secret.hbs'), mode: '0600' }, { sensitive: true }),
  // A non-sensitive file whose content (and so its --diff) holds an inventory password variable.
  file((h) => ({ path: dir + '/plain.conf', content: 'user=app\\npassword=' + h.vars.db_password + '\\n' })),
  // Command output and a changed message echoing every canary.
  shell((h) => ({ cmd: 'echo ' + h.vars.db_password + ' ' + h.vars.api_pass + ' ' + h.vars.ansible_password + ' ' + h.vars.ansible_become_password + ' -pK9argSecret; cat ' + dir + '/token' }), { name: 'echo secrets' }),
  // A failing task whose error output echoes them (ignored, so the play goes on).
  shell((h) => ({ cmd: 'ls ' + dir + '/token; echo ' + h.vars.db_password + ' -pK9argSecret >&2; cat ' + dir + '/token >&2; exit 3' }), { name: 'fail loudly', ignoreErrors: true }),
  // Sensitive arguments known only on the host, failing validation at run time.
  command((h) => ({ cmd: ['true', '-p' + h.vars.db_password], bogus: 1 } as any), { sensitive: true, name: 'bad sensitive args' }),
] }] });
`,
);
// Sensitive static arguments failing validation when the playbook is loaded.
const invalid = join(dir, 'invalid.ts');
writeFileSync(
  invalid,
  `import { command, definePlaybook } from ${lib};\nexport default definePlaybook({ name: 'invalid', plays: [{ name: 'p', hosts: 'all', tasks: [command({ cmd: ['true', '-pK9valSecret'], bogus: 1 } as any, { sensitive: true })] }] });\n`,
);

const extra = ['-e', 'api_pass=K9apiPass', '-e', 'ansible_become_password=K9becomePass'];

/** Assert no canary in a run's output, naming the output and quoting the leaking line. */
function clean(what: string, r: { out: string; err: string }): void {
  for (const [stream, text] of [
    ['stdout', r.out],
    ['stderr', r.err],
  ] as const) {
    const line = text.split('\n').find((l) => CANARY.test(l));
    assert.is(line, undefined, `${what}: a canary leaked on ${stream}: ${line}`);
  }
}

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('playbook runs (console, --json, --diff, --diff --json): no canary, and the run really happened', async () => {
  for (const flags of [[], ['--json'], ['--diff'], ['--diff', '--json']]) {
    rmSync(token, { force: true });
    rmSync(plain, { force: true });
    const r = await hw('run', playbook, '-i', inv, ...extra, ...flags);
    clean(`run ${flags.join(' ')}`, r);
    assert.is(r.code, 2, `the run fails only on the bad sensitive arguments: ${r.err}${r.out}`);
    assert.match(readFileSync(token, 'utf8'), /token=K9tplSecret-here/, 'the sensitive template was written');
    assert.is((statSync(token).mode & 0o777).toString(8), '600');
    assert.match(readFileSync(plain, 'utf8'), /password=K9dbPass/);
    assert.match(r.out, /\*{8}/, 'secrets are masked, not dropped');
    // Not over-masked: a sensitive task's path shows in later output, and its label shows its type.
    assert.ok(r.out.includes(`ls ${token}`), 'the sensitive file path is not masked in later tasks');
    if (flags.includes('--json')) {
      const events = r.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const starts = events.filter((e) => e.event === 'task-start').map((e) => e.task);
      assert.equal(starts.slice(0, 2), ['command', `file: ${token}`]);
      const failed = events.find((e) => e.event === 'host-result' && e.task === 'fail loudly');
      assert.is(failed.status, 'failed');
      assert.match(failed.error.stderr, /\*{8} \*{8}/, 'stderr kept, secrets masked');
    } else {
      assert.match(r.out, /TASK \[command\]/);
    }
    if (flags.includes('--diff') && !flags.includes('--json')) assert.match(r.out, /\+password=\*{8}/, 'the diff is shown, the password masked');
  }
});

test('--list-tasks shows a sensitive command without its arguments', async () => {
  const r = await hw('run', playbook, '-i', inv, ...extra, '--list-tasks');
  assert.is(r.code, 0, r.err);
  clean('--list-tasks', r);
  assert.match(r.out, /^ {6}command\tTAGS/m);
});

test('errors: a bad -e that sets a password, and sensitive arguments that fail validation (message and stack trace)', async () => {
  const e = await hw('run', playbook, '-i', inv, '-e', 'ansible_become_password=K9becomePass junk');
  assert.is(e.code, 5);
  clean('bad -e', e);
  assert.match(e.err, /-e \(value hidden: it sets a password\): expected key=value/);
  const loaded = await hw('run', invalid, '-i', inv);
  assert.is(loaded.code, 5);
  clean('hostwright run invalid.ts', loaded);
  assert.match(loaded.err, /task "command" \(.*invalid\.ts:2\): command: unknown argument "bogus"/);
  // The playbook run directly by node: the error escapes as an uncaught exception with its stack trace.
  const direct = spawnSync(process.execPath, [invalid], { encoding: 'utf8' });
  assert.not.equal(direct.status, 0);
  assert.match(direct.stderr, /ValidationError: task "command"/);
  assert.match(direct.stderr, /\n\s+at /, 'a stack trace was printed');
  clean('node invalid.ts', { out: direct.stdout, err: direct.stderr });
});

test('ad-hoc: output echoing inventory and -e passwords is masked on the console and in --json', async () => {
  const args = 'echo K9invPass K9dbPass; echo K9apiPass K9becomePass >&2';
  const consoleRun = await hw('all', '-i', inv, ...extra, '-m', 'shell', '-a', args);
  assert.is(consoleRun.code, 0, consoleRun.err);
  clean('ad-hoc console', consoleRun);
  assert.match(consoleRun.out, / {4}\*{8} \*{8}\n {4}stderr: \*{8} \*{8}\n/);
  const json = await hw('all', '-i', inv, ...extra, '-m', 'shell', '-a', args, '--json');
  assert.is(json.code, 0, json.err);
  clean('ad-hoc --json', json);
  const result = json.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .find((e) => e.event === 'host-result');
  assert.is(result.stdout, '******** ********');
  const failing = await hw('all', '-i', inv, ...extra, '-m', 'shell', '-a', 'echo K9becomePass >&2; exit 4');
  assert.is(failing.code, 2);
  clean('ad-hoc failing', failing);
});

test("not over-masked: a sensitive task's path, owner, mode, program and option names stay readable later", async () => {
  const user = userInfo().username;
  const path = join(dir, 'creds');
  const r = await runTasks(
    [
      file({ path, content: 'K9tplSecret\n', owner: user, mode: '0640' }, { sensitive: true }),
      command({ cmd: ['echo', '-n', 'root', '--batch', '-pK9argSecret'] }, { sensitive: true }),
      shell({ cmd: `echo root; echo 0640 ${user} ${path} --batch -n echo K9tplSecret -pK9argSecret` }, { name: 'later' }),
    ],
    { inventory: localInventory(['here']), diff: true },
  );
  assert.is(r.exitCode, 0);
  const later = JSON.stringify(r.events.filter((e) => e.event === 'host-result' && e.task === 'later'));
  assert.ok(later.includes(`echo root; echo 0640 ${user} ${path} --batch -n echo ******** ********`), later);
});

test('-e ansible_connection=local wins over the inventory (Ansible precedence for connection variables)', async () => {
  const sshInv = join(dir, 'ssh.yml');
  // Port 9 on loopback: nothing listens; reaching for SSH would make the host unreachable (exit 4).
  writeFileSync(sshInv, `all:\n  hosts:\n    here:\n      ansible_host: 127.0.0.1\n      ansible_port: 9\n      ansible_connection: ssh\n`);
  const marker = join(dir, 'ran-locally');
  const r = await hw('all', '-i', sshInv, '-e', 'ansible_connection=local', '-m', 'shell', '-a', `touch ${marker}`, '--connect-timeout', '1');
  assert.is(r.code, 0, r.err + r.out);
  assert.ok(existsSync(marker));
});

test.run();
