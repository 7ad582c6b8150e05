/**
 * Interrupted writes never destroy the target (local transport, real shell): every shared write command
 * (atomicWriteCommand for file/line/block/sysctl, the transports' put) keeps a temporary file only when
 * its size and SHA-256 match what the controller meant to send; a controller SIGKILLed mid-upload leaves
 * the old file byte for byte and no temporary file.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { atomicWriteCommand } from '../../lib/tasks/atomic.ts';
import { sysctlApplyCommand } from '../../lib/tasks/sysctl.ts';
import { putCommand } from '../../lib/transport/put.ts';
import { LocalTransport } from '../../lib/transport/local.ts';
import { localTemps, startChild, waitFor } from '../support/child.ts';

const dir = mkdtempSync(join(tmpdir(), 'hw-interrupted-write-'));
const local = new LocalTransport({ name: 'localhost' });
const OLD = 'old content\n';
const NEW = 'new content, longer than the old one\n'.repeat(1000);

const writers: Record<string, (path: string, content: string) => string> = {
  atomicWriteCommand: (path, content) => atomicWriteCommand(path, { content }),
  'atomicWriteCommand with mode, validate and backup': (path, content) =>
    atomicWriteCommand(path, { content, mode: '0600', validate: 'test -s %s', backup: true }),
  put: (path, content) => putCommand(path, content, { mode: '0640' }),
  'sysctl file': (path, content) => sysctlApplyCommand({ key: 'net.x', value: 1, file: path, reload: false }, { content, reload: false }),
};

for (const [name, command] of Object.entries(writers)) {
  test(`${name}: a short, a changed or an empty upload leaves the old file and no temporary file`, async () => {
    const path = join(dir, `${name.split(' ')[0]}.conf`);
    for (const sent of [NEW.slice(0, 1000), NEW.replace('new', 'wen'), '']) {
      writeFileSync(path, OLD);
      const r = await local.exec(command(path, NEW), { stdin: sent });
      assert.is.not(r.code, 0, `${name} accepted ${sent.length} bytes`);
      assert.match(r.stderr, new RegExp(`incomplete upload: received ${Buffer.byteLength(sent)} of ${NEW.length} bytes`));
      assert.is(readFileSync(path, 'utf8'), OLD);
      assert.equal(localTemps(dir), []);
    }
    const ok = await local.exec(command(path, NEW), { stdin: NEW });
    assert.is(ok.code, 0, ok.stderr);
    assert.is(readFileSync(path, 'utf8'), NEW, 'the complete content replaces the file');
    assert.equal(localTemps(dir), []);
    rmSync(join(dir, `${name.split(' ')[0]}.conf`), { force: true });
  });
}

for (const writer of ['file', 'line', 'block']) {
  test(`${writer}: the controller SIGKILLed while 150 MB are sent leaves the old file byte for byte and no temporary file`, async () => {
    const sub = mkdtempSync(join(dir, `${writer}-`));
    const path = join(sub, 'big.bin');
    const old = Buffer.from('the old file\nsecond line\n');
    writeFileSync(path, old);
    const inventory = join(sub, 'inventory.yml');
    writeFileSync(inventory, stringify({ all: { hosts: { localhost: { ansible_connection: 'local' } } } }));
    const child = startChild('test/support/interrupt-playbook.ts', ['-i', inventory], {
      HW_MODE: 'big',
      HW_PATH: path,
      HW_SIZE: String(150_000_000),
      HW_WRITER: writer,
    });
    // Kill once bytes are flowing: the temporary file exists and holds some, but not all, of them.
    const seen = await waitFor(
      'the upload to start',
      () => {
        const t = localTemps(sub)[0];
        return t && t.size > 0 && t.size < 150_000_000 ? t : undefined;
      },
      60_000,
      2,
    );
    child.proc.kill('SIGKILL');
    assert.is(await child.exited, 137);
    // The host side sees the end of its input; the check refuses the partial file and its trap removes it.
    await waitFor('the temporary file to be removed', () => localTemps(sub).length === 0, 20_000, 20);
    assert.ok(readFileSync(path).equals(old), `the target is the old file (killed at ${seen.size} bytes)`);
    rmSync(sub, { recursive: true, force: true });
  });
}

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('temporary files older than ten minutes left by a crashed write are removed by the next write there; newer ones and the folder of a relative path are kept right', async () => {
  const folder = mkdtempSync(join(dir, 'stale-'));
  const stale = join(folder, '.hostwright.AbC123');
  const recent = join(folder, '.hostwright.XyZ789');
  writeFileSync(stale, 'half');
  writeFileSync(recent, 'half');
  utimesSync(stale, new Date(Date.now() - 20 * 60_000), new Date(Date.now() - 20 * 60_000));
  const r = await local.exec(`printf '%s' 'x' | { ${atomicWriteCommand(join(folder, 'target'), { content: 'x' })}\n}`);
  assert.is(r.code, 0, r.stderr);
  assert.equal(readdirSync(folder).sort(), ['.hostwright.XyZ789', 'target']);
  // A relative path is written in the working folder; a path right under / has / as its folder.
  const rel = await local.exec(`cd ${folder} && printf '%s' 'y' | { ${atomicWriteCommand('relative', { content: 'y' })}\n}`);
  assert.is(rel.code, 0, rel.stderr);
  assert.is(readFileSync(join(folder, 'relative'), 'utf8'), 'y');
  assert.match(atomicWriteCommand('/etc', { content: '' }), /d=\$\{d:-\/\}/);
  rmSync(folder, { recursive: true, force: true });
});

test.run();
