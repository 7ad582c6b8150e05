/**
 * The shared command line over real SSH, with a real playbook program (test/support/engine-playbook.ts)
 * run as a child process: `--json` writes only JSON lines on stdout, the last one the recap, with the
 * exit code of the run; `--list-hosts` and `--list-tasks` answer at once without connecting, even when no
 * host of the inventory exists.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { runCli } from '../../lib/cli/playbook-command.ts';
import enginePlaybook from '../support/engine-playbook.ts';
import { ENGINE_HOSTS, engineHosts, scratchDir, textSink, type EngineHosts } from '../support/engine-hosts.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const PLAYBOOK = join(ROOT, 'test/support/engine-playbook.ts');
const DIR = '/var/tmp/hw-engine-cli';
const names = [...ENGINE_HOSTS];
const scratch = scratchDir('hw-engine-cli-');
let hosts: EngineHosts;
let inventoryFile: string;

/** Runs the playbook program with Node 24 and returns its exit code and both streams. */
function playbook(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PLAYBOOK, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

/** Parses JSON Lines strictly: every line must be one JSON object with an `event`. */
function jsonLines(stdout: string): Record<string, any>[] {
  assert.ok(stdout.endsWith('\n'), 'stdout ends with a newline');
  return stdout
    .slice(0, -1)
    .split('\n')
    .map((line, i) => {
      let value: any;
      try {
        value = JSON.parse(line);
      } catch {
        assert.unreachable(`stdout line ${i + 1} is not JSON: ${line.slice(0, 200)}`);
      }
      assert.type(value?.event, 'string', `line ${i + 1} has an event`);
      return value;
    });
}

test.before(async () => {
  hosts = await engineHosts(names);
  await Promise.all(names.map((n) => hosts.sh(n, `rm -rf ${DIR}`)));
  inventoryFile = join(scratch.dir, 'engine.yml');
  writeFileSync(inventoryFile, stringify(hosts.inventory(names, { groups: { web: ['eng1', 'eng2'], db: ['eng3'] } })));
});

test.after(async () => {
  await Promise.all(names.map((n) => hosts.sh(n, `rm -rf ${DIR}`)));
  scratch.cleanup();
});

test('--json over SSH: only JSON lines on stdout, the recap last, handlers where notified, exit 0', async () => {
  const r = await playbook(['-i', inventoryFile, '--json', '--known-hosts', hosts.knownHostsPath]);
  assert.is(r.stderr, '');
  assert.is(r.code, 0);
  const events = jsonLines(r.stdout);
  assert.is(events[0].event, 'run-start');
  const recap = events.at(-1)!;
  assert.equal(Object.keys(recap), ['event', 'hosts']);
  assert.is(recap.event, 'recap');
  // web hosts: dir, config, handler, dir (already there: ok), motd; eng3 (db): dir, motd.
  assert.equal(recap.hosts, {
    eng1: { ok: 5, changed: 4, unreachable: 0, failed: 0, skipped: 0, ignored: 0 },
    eng2: { ok: 5, changed: 4, unreachable: 0, failed: 0, skipped: 0, ignored: 0 },
    eng3: { ok: 2, changed: 2, unreachable: 0, failed: 0, skipped: 0, ignored: 0 },
  });
  const handlerStart = events.find((e) => e.event === 'task-start' && e.handler);
  assert.equal([handlerStart?.task, handlerStart?.hosts], ['reload site', ['eng1', 'eng2']]);
  assert.ok(events.some((e) => e.event === 'stats' && e.stats.connections === 3 && e.stats.roundTrips > 0));
  const config = events.find((e) => e.event === 'host-result' && e.host === 'eng2' && e.task === 'site config');
  assert.is(config?.role, 'site');
  assert.is(await hosts.sh('eng2', `cat ${DIR}/site.conf ${DIR}/motd`), 'served by eng2\nhello from eng2\n');
  assert.is((await hosts.exec('eng3', `test -e ${DIR}/site.conf`)).code, 1, 'the web play did not touch eng3');

  const check = await playbook(['-i', inventoryFile, '--json', '--check', '--known-hosts', hosts.knownHostsPath]);
  assert.is(check.code, 0);
  const after = jsonLines(check.stdout);
  assert.equal(after[0], { ...after[0], event: 'run-start', check: true });
  for (const n of names) assert.is(after.at(-1)!.hosts[n].changed, 0, `${n}: converged`);
});

test('--json with a failing task: still only JSON lines, failed counts in the recap, exit 2', async () => {
  const r = await playbook(['-i', inventoryFile, '--json', '--known-hosts', hosts.knownHostsPath, '--limit', 'db', '-e', 'dir=/proc/hw-engine-no']);
  assert.is(r.stderr, '');
  assert.is(r.code, 2);
  const events = jsonLines(r.stdout);
  assert.equal(events.at(-1), { event: 'recap', hosts: { eng3: { ok: 0, changed: 0, unreachable: 0, failed: 1, skipped: 0, ignored: 0 } } });
  const failure = events.find((e) => e.event === 'host-result' && e.status === 'failed');
  assert.is(failure?.host, 'eng3');
  assert.match(failure?.error?.message, /^eng3: /);
  assert.ok(
    events.some((e) => e.event === 'no-hosts' && e.play === 'web servers'),
    'the web play matched nothing within --limit',
  );
});

test('--list-hosts and --list-tasks print at once without connecting to any host', async () => {
  // Addresses on the test bridge that no host owns: any connection attempt would hang until its timeout.
  const nowhere = join(scratch.dir, 'nowhere.yml');
  const inv = {
    all: {
      hosts: { ghost1: { ansible_host: '10.77.0.250' }, ghost2: { ansible_host: '10.77.0.251' }, ghost3: { ansible_host: '10.77.0.252' } },
      children: { web: { hosts: { ghost1: null, ghost2: null } } },
    },
  };
  writeFileSync(nowhere, stringify(inv, { nullStr: '' }));
  const out = textSink();
  const err = textSink();
  const started = Date.now();
  const code = await runCli(enginePlaybook, ['-i', nowhere, '--list-hosts', '--list-tasks', '--connect-timeout', '60'], out, err);
  const ms = Date.now() - started;
  assert.is(code, 0);
  assert.is(err.text(), '');
  // No connection was tried: one to these dead addresses would wait out the 60 s connect timeout.
  assert.ok(ms < 30_000, `listing took ${ms} ms`);
  const text = out.text();
  assert.match(text, /play #1 \(web\): web servers/);
  assert.match(text, /hosts \(2\):\n\s+ghost1\n\s+ghost2\n/);
  assert.match(text, /play #2 \(all\): every host/);
  assert.match(text, /hosts \(3\):\n\s+ghost1\n\s+ghost2\n\s+ghost3\n/);
  assert.match(text, /site : site config\tTAGS: \[config\]/);
  assert.match(text, /motd\tTAGS: \[motd\]/);
  assert.not.match(text, /reload site/, 'handlers are not tasks of the list');

  // Proof that the addresses are dead: a real run waits for the connect timeout and reports unreachable.
  const realOut = textSink();
  const realStarted = Date.now();
  const realCode = await runCli(
    enginePlaybook,
    ['-i', nowhere, '--limit', 'ghost3', '--connect-timeout', '1', '--known-hosts', hosts.knownHostsPath],
    realOut,
    textSink(),
  );
  assert.is(realCode, 4);
  assert.ok(Date.now() - realStarted >= 1000, 'the real run had to wait for the connection');
  assert.match(realOut.text(), /fatal: \[ghost3\]: UNREACHABLE! =>/);
});

test.run();
