/**
 * Hosts that cannot be trusted or reached, over real SSH on eng1..eng3: a stopped host is unreachable
 * (exit 4) while the others finish, from code and from the command line; a changed or unknown host key
 * is refused with the host and the key's SHA256 fingerprint unless new keys are accepted explicitly;
 * a host killed in the middle of a file write gives a clear error and keeps its old file whole.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { runCli } from '../../lib/cli/playbook-command.ts';
import { definePlaybook } from '../../lib/play/define.ts';
import type { Task } from '../../lib/core/task-options.ts';
import { consoleReporter } from '../../lib/report/console.ts';
import { file } from '../../lib/tasks/file.ts';
import { hostDir } from '../hosts/container.ts';
import { ENGINE_HOSTS, engineHosts, scratchDir, textSink, type EngineHosts } from '../support/engine-hosts.ts';
import { hostResults, runTasks, statuses } from '../support/run.ts';

const DIR = '/var/tmp/hw-engine';
const names = [...ENGINE_HOSTS];
const scratch = scratchDir('hw-engine-faults-');
let hosts: EngineHosts;
let inventory: Record<string, unknown>;

const run = (tasks: Task[], options: Omit<Parameters<typeof runTasks>[1], 'inventory'> = {}) =>
  runTasks(tasks, { inventory, knownHostsFile: hosts.knownHostsPath, connectTimeoutMs: 2000, ...options });
const twoFiles = () => [
  file({ path: `${DIR}/one`, content: 'one\n' }, { name: 'one' }),
  file({ path: `${DIR}/two`, content: 'two\n' }, { name: 'two' }),
];

/** The harness's known_hosts line of a host: `name,address ssh-ed25519 BASE64`. */
function knownHostsLine(name: string): string {
  const line = readFileSync(hosts.knownHostsPath, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name},`));
  if (!line) throw new Error(`no known_hosts line for ${name} in ${hosts.knownHostsPath}`);
  return line;
}

/** The host key fingerprint as the host's own ssh-keygen prints it. */
async function hostFingerprint(name: string): Promise<string> {
  return (await hosts.sh(name, 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub')).split(' ')[1];
}

test.before(async () => {
  hosts = await engineHosts(names);
  inventory = hosts.inventory(names);
});

test.before.each(async () => {
  await hosts.start(names);
  await Promise.all(names.map((n) => hosts.sh(n, `rm -rf ${DIR} && mkdir -p ${DIR}`)));
});

test.after(async () => {
  // Leave every engine host running and clean for the next suite.
  await hosts.start(names);
  await Promise.all(names.map((n) => hosts.sh(n, `rm -rf ${DIR}`)));
  scratch.cleanup();
});

test('a stopped host is unreachable (exit 4, not failed) while the others finish; the CLI says so too', async () => {
  await hosts.stop(['eng3']);
  try {
    const sink = textSink();
    const r = await run(twoFiles(), { listeners: [consoleReporter({ stream: sink })] });
    assert.is(r.exitCode, 4);
    assert.equal(statuses(r, 'eng3'), ['unreachable']);
    assert.equal(statuses(r, 'eng1'), ['changed', 'changed']);
    assert.equal(statuses(r, 'eng2'), ['changed', 'changed']);
    assert.equal({ ...r.recap.eng3 }, { ok: 0, changed: 0, unreachable: 1, failed: 0, skipped: 0, ignored: 0 });
    const error = hostResults(r, 'eng3')[0].error!;
    assert.is(error.kind, 'UnreachableError');
    assert.match(error.message, new RegExp(`^eng3: .*root@${hosts.address('eng3').replace(/\./g, '\\.')}:22`));
    for (const n of ['eng1', 'eng2']) assert.is(await hosts.sh(n, `cat ${DIR}/one ${DIR}/two`), 'one\ntwo\n');
    const text = sink.text();
    assert.match(text, /fatal: \[eng3\]: UNREACHABLE! => eng3: /);
    assert.match(text, /eng3 : ok=0 changed=0 unreachable=1 failed=0 skipped=0/);
    assert.match(text, /eng1 : ok=2 changed=2 unreachable=0 failed=0 skipped=0/);

    // The same through the shared command line, from an inventory file.
    const invFile = join(scratch.dir, 'stopped.yml');
    writeFileSync(invFile, stringify(inventory));
    const out = textSink();
    const err = textSink();
    const playbook = definePlaybook({ name: 'engine-faults', plays: [{ name: 'converge', hosts: 'all', tasks: twoFiles() }] });
    const code = await runCli(playbook, ['-i', invFile, '--known-hosts', hosts.knownHostsPath, '--connect-timeout', '2'], out, err);
    assert.is(code, 4);
    assert.match(out.text(), /fatal: \[eng3\]: UNREACHABLE! =>/);
    assert.match(out.text(), /eng1 : ok=2 changed=0 unreachable=0 failed=0 skipped=0/, 'eng1 converged already: ok, nothing changed');
    assert.match(out.text(), /eng3 : ok=0 changed=0 unreachable=1 failed=0 skipped=0/);
    assert.is(err.text(), '');
  } finally {
    await hosts.start(['eng3']);
  }
});

test('a changed host key is refused, naming the host and the SHA256 fingerprint; the others run', async () => {
  const knownHosts = join(scratch.dir, 'known_hosts.changed');
  // eng2's address recorded with eng1's key: what a man in the middle (or a reinstalled host) looks like.
  const eng1Key = knownHostsLine('eng1').split(' ').slice(1).join(' ');
  writeFileSync(knownHosts, [knownHostsLine('eng1'), `${hosts.address('eng2')} ${eng1Key}`, knownHostsLine('eng3'), ''].join('\n'));
  const r = await run(twoFiles(), { knownHostsFile: knownHosts, acceptNewHostKeys: true });
  assert.is(r.exitCode, 4);
  assert.equal(statuses(r, 'eng2'), ['unreachable']);
  assert.equal(statuses(r, 'eng1'), ['changed', 'changed']);
  assert.equal(statuses(r, 'eng3'), ['changed', 'changed']);
  const message = hostResults(r, 'eng2')[0].message;
  assert.ok(message.startsWith('eng2: '), message);
  assert.match(message, /HOST KEY CHANGED for 10\.77\.0\.\d+/);
  assert.ok(message.includes(await hostFingerprint('eng2')), `the presented key's fingerprint is named: ${message}`);
  assert.ok(message.includes(`${knownHosts} line 2`), 'the offending known_hosts line is named');
  assert.is((await hosts.exec('eng2', `test -e ${DIR}/one`)).code, 1, 'nothing ran on eng2');
  assert.is(readFileSync(knownHosts, 'utf8').split('\n').filter(Boolean).length, 3, 'accepting new keys never rewrites a changed one');
});

test('an unknown host key is refused unless new keys are accepted; an accepted key is recorded', async () => {
  const knownHosts = join(scratch.dir, 'known_hosts.partial');
  writeFileSync(knownHosts, `${knownHostsLine('eng1')}\n${knownHostsLine('eng2')}\n`);
  const refused = await run(twoFiles(), { knownHostsFile: knownHosts });
  assert.is(refused.exitCode, 4);
  assert.equal(statuses(refused, 'eng3'), ['unreachable']);
  assert.equal(statuses(refused, 'eng1'), ['changed', 'changed']);
  const message = hostResults(refused, 'eng3')[0].message;
  assert.match(message, /^eng3: unknown host key for 10\.77\.0\.\d+ \(ssh-ed25519 key SHA256:/);
  const print = await hostFingerprint('eng3');
  assert.ok(message.includes(print), message);
  assert.match(message, /--accept-new-host-keys/);
  assert.is((await hosts.exec('eng3', `test -e ${DIR}/one`)).code, 1, 'nothing ran on eng3');

  const accepted = await run(twoFiles(), { knownHostsFile: knownHosts, acceptNewHostKeys: true });
  assert.is(accepted.exitCode, 0);
  assert.equal(statuses(accepted, 'eng3'), ['changed', 'changed']);
  const recorded = readFileSync(knownHosts, 'utf8').split('\n').filter(Boolean);
  assert.is(recorded.length, 3);
  assert.is(
    recorded[2],
    `${hosts.address('eng3')} ${knownHostsLine('eng3').split(' ').slice(1).join(' ')}`,
    'the real key is recorded under the address',
  );
  const strict = await run(twoFiles(), { knownHostsFile: knownHosts });
  assert.is(strict.exitCode, 0, 'the recorded key is trusted strictly afterwards');
  assert.equal(statuses(strict, 'eng3'), ['ok', 'ok']);
});

test('a host killed during a file write: clear error, the others finish, the old file stays whole', async () => {
  const path = `${DIR}/big`;
  const old = 'old content\n';
  await Promise.all(names.map((n) => hosts.sh(n, `printf 'old content\\n' > ${path}`)));
  const content = 'new line of the big file\n'.repeat(320_000); // 8 MB
  const tasks = [
    file({ path, content, validate: `sh -c 'sleep 3; test -s "$1"' validate %s` }, { name: 'big write' }),
    file({ path: `${DIR}/later`, content: 'later\n' }, { name: 'later' }),
  ];
  let settled = false;
  const running = run(tasks).finally(() => (settled = true));
  // Kill eng3 once its temporary file holds every byte and the validation is sleeping: mid-apply.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const size = (await hosts.exec('eng3', `stat -c %s ${DIR}/.hostwright.* 2>/dev/null`)).stdout.trim();
    if (size === String(content.length)) break;
    assert.ok(!settled, 'the run ended before eng3 was stopped');
    assert.ok(Date.now() < deadline, `the temporary file on eng3 never reached ${content.length} bytes (last: ${size || 'none'})`);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  await hosts.stop(['eng3']);
  const r = await running;
  assert.is(r.exitCode, 4);
  assert.equal(statuses(r, 'eng3'), ['unreachable']);
  const error = hostResults(r, 'eng3')[0].error!;
  assert.is(error.kind, 'UnreachableError');
  assert.match(error.message, new RegExp(`^eng3: connection to root@${hosts.address('eng3').replace(/\./g, '\\.')}:22 lost: `));
  assert.match(error.location!, /engine-faults\.test\.ts:\d+/);
  assert.equal(statuses(r, 'eng1'), ['changed', 'changed']);
  assert.equal(statuses(r, 'eng2'), ['changed', 'changed']);
  for (const n of ['eng1', 'eng2']) assert.ok((await hosts.sh(n, `cat ${path}`)) === content, `${n} has the new file`);
  // The stopped host's disk is its overlay upper layer; read it before a start gives the host a fresh one.
  const upper = join(hostDir('eng3'), 'upper', DIR);
  assert.is(readFileSync(join(upper, 'big'), 'utf8'), old, 'the target still holds the old content, not a partial one');
  assert.not.ok(existsSync(join(upper, 'later')), 'no later task ran on eng3');
  // Only the complete, never renamed temporary file (hidden, .hostwright.*) can stay beside it: the kill
  // gave its EXIT trap no chance to remove it.
  assert.equal(
    readdirSync(upper).filter((f) => !f.startsWith('.hostwright.')),
    ['big'],
  );
  await hosts.start(['eng3']);
  await hosts.sh('eng3', `mkdir -p ${DIR} && printf 'old content\\n' > ${path}`);
  const again = await run(tasks);
  assert.is(again.exitCode, 0, 'after a start, eng3 converges like the others');
  assert.equal(statuses(again, 'eng3'), ['changed', 'changed']);
  assert.equal(statuses(again, 'eng1'), ['ok', 'ok']);
  assert.ok((await hosts.sh('eng3', `cat ${path}`)) === content);
});

test.run();
