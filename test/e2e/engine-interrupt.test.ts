/**
 * Interrupted writes and interrupted runs over real SSH on eng1: the controller SIGKILLed mid-upload,
 * the host's sshd session killed mid-upload, the host's link cut mid-upload then Ctrl-C: every time the
 * target is byte for byte the old file and no temporary file is left. SIGTERM/SIGINT of a run ends the
 * remote command and its children (`sleep 78; touch AFTER` never touches), prints `interrupted` and the
 * recap, exits 143/130.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { engineHosts, scratchDir, type EngineHosts } from '../support/engine-hosts.ts';
import { startChild, waitFor, type Child } from '../support/child.ts';

const HOST = 'eng1';
const DIR = '/var/tmp/hw-interrupt';
const TARGET = `${DIR}/big.bin`;
const SIZE = 120_000_000;
const scratch = scratchDir('hw-engine-interrupt-');
let hosts: EngineHosts;
let inventory: string;
let oldSha: string;

const children: Child[] = [];
const cli = (script: string, args: string[], env: Record<string, string> = {}): Child => {
  const child = startChild(script, [...args, '-i', inventory, '--known-hosts', hosts.knownHostsPath, '--connect-timeout', '3'], env);
  children.push(child);
  return child;
};
const upload = (writer = 'file') =>
  cli('test/support/interrupt-playbook.ts', [], { HW_MODE: 'big', HW_PATH: TARGET, HW_SIZE: String(SIZE), HW_WRITER: writer });

/** Sizes of the temporary files of writes in DIR on the host. */
async function temps(): Promise<number[]> {
  const out = (await hosts.exec(HOST, `stat -c %s ${DIR}/.hostwright.* 2>/dev/null`)).stdout.trim();
  return out ? out.split('\n').map(Number) : [];
}

/** Wait until bytes are flowing: a temporary file holds some, but not all, of them. */
const uploading = () =>
  waitFor(
    'the upload to start on the host',
    async () => {
      const t = await temps();
      return t.length === 1 && t[0] > 0 && t[0] < SIZE ? t[0] : undefined;
    },
    60_000,
    10,
  );

/** The target is the old file and, once the host side noticed, no temporary file is left. */
async function unharmed(how: string): Promise<void> {
  await waitFor(`the temporary file to be removed (${how})`, async () => (await temps()).length === 0, 60_000, 200);
  assert.is(await hosts.sh(HOST, `sha256sum < ${TARGET}`), oldSha, `${how}: the target is the old file`);
  assert.is(await hosts.sh(HOST, `ls -A ${DIR}`), 'big.bin\n', `${how}: nothing else in the directory`);
}

test.before(async () => {
  hosts = await engineHosts([HOST]);
  await hosts.start([HOST]);
  inventory = join(scratch.dir, 'inventory.yml');
  writeFileSync(inventory, stringify(hosts.inventory([HOST])));
});

test.after.each(() => {
  // A run a failed test left behind would hold eng1's run lock for the next test.
  for (const child of children.splice(0)) if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
});

test.before.each(async () => {
  await hosts.sh(HOST, `rm -rf ${DIR} /tmp/hw-STARTED /tmp/hw-AFTER && mkdir -p ${DIR} && printf 'the old file\\nline two\\n' > ${TARGET}`);
  oldSha = await hosts.sh(HOST, `sha256sum < ${TARGET}`);
});

test.after(async () => {
  await hosts.exec(HOST, 'ip link set host0 up');
  await hosts.sh(HOST, `rm -rf ${DIR} /tmp/hw-STARTED /tmp/hw-AFTER`);
  scratch.cleanup();
});

for (const writer of ['file', 'line', 'block']) {
  test(`${writer}: the controller SIGKILLed mid-upload leaves the old file and no temporary file`, async () => {
    const child = upload(writer);
    const at = await uploading();
    child.proc.kill('SIGKILL');
    assert.is(await child.exited, 137);
    await unharmed(`${writer}, killed at ${at} of ${SIZE} bytes`);
  });
}

test("the host's sshd session killed mid-upload: the run says unreachable, the old file stays", async () => {
  const child = upload();
  const at = await uploading();
  // By process id, inside the host: the session process of this connection (`sshd: root@notty`).
  await hosts.sh(HOST, `for p in $(ps -eo pid=,args= | awk '$2 == "sshd:" && $3 == "root@notty" {print $1}'); do kill -9 "$p"; done`);
  assert.is(await child.exited, 4, child.stdout());
  assert.match(child.stdout(), /fatal: \[eng1\]: UNREACHABLE! => eng1: connection to .* lost/);
  await unharmed(`session killed at ${at} bytes`);
});

test("the host's link cut mid-upload, then Ctrl-C: exit 130 in seconds; once the link is back, the old file and no temporary file", async () => {
  const child = upload();
  const at = await uploading();
  await hosts.sh(HOST, 'ip link set host0 down');
  try {
    await new Promise((r) => setTimeout(r, 500));
    assert.ok((await temps()).length === 1, 'the partial temporary file is there while the link is down');
    const signalled = Date.now();
    child.proc.kill('SIGINT');
    assert.is(await child.exited, 130, child.stdout() + child.stderr());
    assert.ok(Date.now() - signalled < 10_000, `the interrupted run took ${Date.now() - signalled} ms to end`);
    assert.match(child.stdout(), /interrupted: SIGINT/);
  } finally {
    await hosts.sh(HOST, 'ip link set host0 up');
  }
  await unharmed(`link cut at ${at} bytes`);
});

test('ad-hoc over SSH: SIGTERM ends the remote command and its children (sleep 78; touch AFTER never touches), exit 143', async () => {
  const child = cli('lib/bin.ts', [HOST, '-m', 'shell', '-a', 'touch /tmp/hw-STARTED; sleep 78; touch /tmp/hw-AFTER']);
  await waitFor('the remote command to start', async () => (await hosts.exec(HOST, 'test -e /tmp/hw-STARTED')).code === 0, 30_000, 50);
  child.proc.kill('SIGTERM');
  assert.is(await child.exited, 143, child.stdout() + child.stderr());
  assert.match(child.stdout(), /\ninterrupted: SIGTERM[^]*PLAY RECAP/);
  // The sleep is gone (so nothing can touch AFTER later), not merely orphaned.
  await waitFor('the remote sleep to end', async () => (await hosts.exec(HOST, "ps -eo args= | grep -qx 'sleep 78'")).code !== 0, 5000, 100);
  assert.is((await hosts.exec(HOST, 'test -e /tmp/hw-AFTER')).code, 1);
});

test('playbook --json over SSH: SIGINT exits 130, the next task never starts, interrupted comes before stats and recap', async () => {
  const child = cli('test/support/interrupt-playbook.ts', ['--json'], {
    HW_MODE: 'sleep',
    HW_CMD: 'touch /tmp/hw-STARTED; sleep 78; touch /tmp/hw-AFTER',
    HW_PATH: `${DIR}/after`,
  });
  await waitFor('the remote command to start', async () => (await hosts.exec(HOST, 'test -e /tmp/hw-STARTED')).code === 0, 30_000, 50);
  child.proc.kill('SIGINT');
  assert.is(await child.exited, 130, child.stderr());
  const kinds = child
    .stdout()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).event);
  assert.equal(kinds.slice(-3), ['interrupted', 'stats', 'recap']);
  assert.is(kinds.filter((k) => k === 'task-start').length, 1);
  await waitFor('the remote sleep to end', async () => (await hosts.exec(HOST, "ps -eo args= | grep -qx 'sleep 78'")).code !== 0, 5000, 100);
  assert.is((await hosts.exec(HOST, `test -e ${DIR}/after`)).code, 1, 'the next task never ran');
});

test.run();
