/**
 * Secrets over real SSH, through the `hostwright` command line: a sudo password given only with `-e`
 * (Ansible's highest precedence, connection variables included) is the one sudo gets on the host, and it
 * shows in no output — console or `--json`, a command echoing it, a failing task — nor does a wrong one.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { hostwrightMain } from '../../lib/cli/main.ts';
import { DEPLOY_SUDO_PASSWORD, engineHosts, scratchDir, type EngineHosts } from '../support/engine-hosts.ts';

const TARGET = '/root/hw-secrets-ssh';
const WRONG = 'K9wrongSudoPass';
let hosts: EngineHosts;
const scratch = scratchDir('hw-secrets-ssh-');
const inv = join(scratch.dir, 'inv.json');

async function hw(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (add: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        add(String(chunk));
        done();
      },
    });
  const code = await hostwrightMain(
    [...argv, '-i', inv, '--known-hosts', hosts.knownHostsPath],
    sink((s) => (out += s)),
    sink((s) => (err += s)),
  );
  return { code, out, err };
}

test.before(async () => {
  hosts = await engineHosts(['eng1']);
  // deploy may sudo only with its password; the inventory does not hold it.
  writeFileSync(inv, JSON.stringify(hosts.inventory(['eng1'], { extras: { '*': { ansible_user: 'deploy' } } })));
  await hosts.sh('eng1', `rm -f ${TARGET}`);
});

test.after(async () => {
  await hosts.sh('eng1', `rm -f ${TARGET}`);
  scratch.cleanup();
});

test('-e ansible_become_password reaches sudo over SSH and appears in no output', async () => {
  const e = ['-e', `ansible_become_password=${DEPLOY_SUDO_PASSWORD}`];
  const write = await hw('all', '-b', '-m', 'file', '-a', `path=${TARGET} content=through-sudo mode=0600`, ...e);
  assert.is(write.code, 0, write.err + write.out);
  assert.is(await hosts.sh('eng1', `stat -c '%U %a' ${TARGET} && cat ${TARGET}`), 'root 600\nthrough-sudo');
  for (const json of [[], ['--json']]) {
    const echo = await hw('all', '-b', '-m', 'shell', '-a', `echo ${DEPLOY_SUDO_PASSWORD}; echo ${DEPLOY_SUDO_PASSWORD} >&2; whoami`, ...e, ...json);
    assert.is(echo.code, 0, echo.err + echo.out);
    assert.match(echo.out, /root/, 'the command ran as root');
    assert.not.ok((echo.out + echo.err).includes(DEPLOY_SUDO_PASSWORD), `echoed password leaked: ${echo.out}`);
    const failing = await hw('all', '-b', '-m', 'shell', '-a', `echo ${DEPLOY_SUDO_PASSWORD} >&2; exit 3`, ...e, ...json);
    assert.is(failing.code, 2);
    assert.match(failing.out, /\*{8}/, 'the failure output is masked, not dropped');
    assert.not.ok((failing.out + failing.err).includes(DEPLOY_SUDO_PASSWORD), `failure output leaked: ${failing.out}`);
  }
});

test('a wrong -e become password fails clearly and is not shown', async () => {
  const r = await hw('all', '-b', '-m', 'shell', '-a', 'true', '-e', `ansible_become_password=${WRONG}`);
  assert.is(r.code, 2, r.err + r.out);
  assert.match(r.out, /fatal: \[eng1\]/);
  assert.not.ok((r.out + r.err).includes(WRONG), r.out);
});

test.run();
