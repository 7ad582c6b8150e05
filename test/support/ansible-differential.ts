/**
 * Differential tests against Ansible. A case (test/fixtures/<type>/ansible/*.json) gives a setup, the
 * Ansible module's arguments, hostwright's arguments for the same thing, and a shell command that prints
 * the resulting state (passwd/group/shadow fields, file bytes, ...). Recording (`HW_RECORD_ANSIBLE=<type>`
 * or `all`, through /work/hw-e2e) runs Debian's `ansible` ad-hoc against a freshly reset test host twice
 * and stores `changed`/`failed` of both runs and the state; replaying runs hostwright's task twice on a
 * freshly reset host and compares. So the tests need Ansible only to record. Where hostwright deliberately
 * differs (README's module table says why), the case stores hostwright's own answer in `deliberate`:
 * hostwright is compared with that, and Ansible's recorded answer must still differ from it.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskFactory } from '../../lib/core/define-task-type.ts';
import type { TestHosts } from '../hosts/index.ts';
import { fixtures } from './fixtures.ts';
import { hostResults, runTasks } from './run.ts';

/** The verdict of one run. */
export interface RunVerdict {
  changed: boolean;
  failed: boolean;
}

/** One differential case as stored. */
export interface DifferentialCase {
  description: string;
  /** Shell run as root on a freshly reset host before the first run. */
  setup: string;
  /** Ansible module name and its arguments. */
  module: string;
  ansibleArgs: Record<string, unknown>;
  /** hostwright's arguments for the same task. */
  args: Record<string, unknown>;
  /** Shell printing the state to compare after the two runs. */
  state: string;
  /** What Ansible did (filled by recording). */
  ansible?: { runs: RunVerdict[]; state: string; recorded: string; msg?: string };
  /** Where hostwright deliberately differs: why, and its own verdicts and/or state instead of Ansible's. */
  deliberate?: { why: string; runs?: RunVerdict[]; state?: string };
}

/** True when this run should (re-)record Ansible's answers for `kind`. */
export const recordingAnsible = (kind: string): boolean => (process.env.HW_RECORD_ANSIBLE ?? '').split(',').some((k) => k === 'all' || k === kind);

/** Run an Ansible module ad hoc against one test host (root, the harness key); its verdict and message. */
export function runAnsible(address: string, keyPath: string, module: string, args: Record<string, unknown>): Promise<RunVerdict & { msg: string }> {
  const env = {
    ...process.env,
    ANSIBLE_HOST_KEY_CHECKING: 'False',
    ANSIBLE_SSH_ARGS: '-o UserKnownHostsFile=/dev/null -o ControlMaster=no',
    ANSIBLE_LOAD_CALLBACK_PLUGINS: '1',
    ANSIBLE_STDOUT_CALLBACK: 'json',
    ANSIBLE_NOCOLOR: '1',
  };
  const argv = [
    'all',
    '-i',
    `${address},`,
    '-u',
    'root',
    '--private-key',
    keyPath,
    '-e',
    'ansible_python_interpreter=/usr/bin/python3',
    '-m',
    module,
    '-a',
    JSON.stringify(args),
  ];
  return new Promise((resolve, reject) => {
    execFile('ansible', argv, { env, maxBuffer: 16 << 20, timeout: 120_000 }, (_error, stdout, stderr) => {
      try {
        const out = JSON.parse(stdout.slice(stdout.indexOf('{')));
        const r = out.plays[0].tasks[0].hosts[address];
        resolve({ changed: Boolean(r.changed), failed: Boolean(r.failed || r.unreachable), msg: String(r.msg ?? '') });
      } catch (error) {
        reject(new Error(`ansible -m ${module}: unreadable output (${(error as Error).message}): ${stdout.slice(0, 500)} ${stderr.slice(0, 500)}`));
      }
    });
  });
}

/**
 * Record (when asked) and replay every case of `kind` on `host`, resetting the host before each side.
 * Returns one line per difference between Ansible's recorded answer and hostwright's.
 */
export async function differential(
  kind: string,
  hosts: TestHosts,
  host: string,
  factory: TaskFactory<any>,
): Promise<{ cases: number; problems: string[] }> {
  const { dir, files } = fixtures(`${kind}/ansible`);
  const address = hosts.hosts.find((h) => h.name === host)!.address;
  const inventory = { all: { hosts: { [host]: { ansible_host: address, ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath } } } };
  const sh = async (command: string) => {
    const r = await hosts.exec(host, command);
    if (r.code !== 0) throw new Error(`${host}: \`${command}\` exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const problems: string[] = [];
  for (const file of files) {
    const path = join(dir, file);
    const fx = JSON.parse(readFileSync(path, 'utf8')) as DifferentialCase;
    if (recordingAnsible(kind)) {
      await hosts.reset([host]);
      await sh(fx.setup);
      const runs: RunVerdict[] = [];
      let msg = '';
      for (let i = 0; i < 2; i++) {
        const r = await runAnsible(address, hosts.keyPath, fx.module, fx.ansibleArgs);
        runs.push({ changed: r.changed, failed: r.failed });
        if (r.failed && !msg) msg = r.msg;
      }
      fx.ansible = {
        runs,
        state: await sh(fx.state),
        recorded: `ansible ${await ansibleVersion()} against ${host}, ${new Date().toISOString().slice(0, 10)}`,
        ...(msg ? { msg } : {}),
      };
      writeFileSync(path, JSON.stringify(fx, null, 2) + '\n');
    }
    if (!fx.ansible) {
      problems.push(`${file}: no recorded Ansible answer (record with HW_RECORD_ANSIBLE=${kind})`);
      continue;
    }
    await hosts.reset([host]);
    await sh(fx.setup);
    const runs: RunVerdict[] = [];
    for (let i = 0; i < 2; i++) {
      const result = await runTasks([factory(fx.args)], { inventory, knownHostsFile: hosts.knownHostsPath });
      const status = hostResults(result, host)[0]?.status;
      runs.push({ changed: status === 'changed', failed: status === 'failed' || status === 'unreachable' });
    }
    const state = await sh(fx.state);
    const d = fx.deliberate;
    const wantRuns = d?.runs ?? fx.ansible.runs;
    const wantState = d?.state ?? fx.ansible.state;
    const whose = (own: unknown) => (own === undefined ? 'ansible' : 'deliberately');
    if (JSON.stringify(runs) !== JSON.stringify(wantRuns))
      problems.push(`${file} (${fx.description}): runs: ${whose(d?.runs)} ${JSON.stringify(wantRuns)}, hostwright ${JSON.stringify(runs)}`);
    if (state !== wantState)
      problems.push(`${file} (${fx.description}): state: ${whose(d?.state)} ${JSON.stringify(wantState)}, hostwright ${JSON.stringify(state)}`);
    // A stored difference that Ansible no longer shows is stale: the case should compare with Ansible again.
    if (d && !d.runs && !d.state) problems.push(`${file}: "deliberate" gives neither runs nor state`);
    if (d?.runs && JSON.stringify(d.runs) === JSON.stringify(fx.ansible.runs))
      problems.push(`${file}: deliberate runs equal Ansible's; remove them from "deliberate"`);
    if (d?.state !== undefined && d.state === fx.ansible.state)
      problems.push(`${file}: deliberate state equals Ansible's; remove it from "deliberate"`);
  }
  return { cases: files.length, problems };
}

let version: Promise<string> | undefined;
function ansibleVersion(): Promise<string> {
  version ??= new Promise((resolve) => execFile('ansible', ['--version'], (_e, out) => resolve(/core ([\d.]+)/.exec(out)?.[1] ?? '?')));
  return version;
}
