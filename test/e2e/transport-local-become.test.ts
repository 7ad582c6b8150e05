/**
 * The local transport's become through sudo to another user (needs root: it installs sudo and switches
 * users). The rest of the local transport is tested without root in test/unit/transport-local.
 */
import { ensureSudo } from '../support/sudo.ts';
import { execFileSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isTaskFailedError } from '../../lib/core/errors.ts';
import { userInfo } from 'node:os';
import { LocalTransport } from '../../lib/transport/index.ts';

const local = new LocalTransport({ name: 'localhost' });

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

test.after(() => local.close());

test('become runs through sudo as another user, keeping stdin intact even with a password line', async () => {
  ensureSudo();
  assert.is((await local.exec('id -un', { become: { user: 'nobody' } })).stdout, 'nobody\n');
  // Root needs no password: the password line must be read away, not handed to the command.
  const r = await local.exec('cat', { become: { user: 'nobody', password: 'secret' }, stdin: 'payload\n' });
  assert.equal(r, { code: 0, stdout: 'payload\n', stderr: '' });
  const dflt = new LocalTransport({ name: 'lb', become: { user: 'nobody' } });
  assert.is((await dflt.exec('id -un')).stdout, 'nobody\n');
  assert.is((await dflt.exec('id -un', { become: false })).stdout.trim(), userInfo().username);
  const error = await rejection(local.exec('true', { become: { user: 'no-such-user-hw' } }));
  assert.ok(isTaskFailedError(error), String(error));
  assert.match(error.message, /become \(sudo -u no-such-user-hw\) failed/);
});

test('sudo refusals are clear errors: no password given, wrong password (run as nobody)', async () => {
  ensureSudo();
  // nobody may not sudo and has no password, so sudo asks and refuses: the real messages, parsed.
  const script = `
    const { LocalTransport } = await import(${JSON.stringify(new URL('../../lib/transport/local.ts', import.meta.url).href)});
    const t = new LocalTransport({ name: 'box' });
    const out = [];
    for (const become of [true, { password: 'wrong' }]) {
      try { await t.exec('echo ran', { become, stdin: 'data line\\n' }); out.push('no error'); }
      catch (e) { out.push(e.name + ': ' + e.message.split('\\n')[0]); }
    }
    console.log(JSON.stringify(out));`;
  const node = process.execPath;
  const output = execFileSync('sudo', ['-u', 'nobody', node, '--input-type=module', '-e', script], { cwd: '/tmp' }).toString();
  const [noPassword, wrongPassword] = JSON.parse(output) as string[];
  assert.match(
    noPassword,
    /^TaskFailedError: box: become \(sudo -u root\) failed: sudo asks for a password and none was given; set the become password/,
  );
  assert.match(wrongPassword, /^TaskFailedError: box: become \(sudo -u root\) failed: sudo rejected the become password/);
});

test.run();
