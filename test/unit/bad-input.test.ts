/**
 * Bad input, table-driven: each row is an input the `hostwright` command must refuse with exit 5 and a
 * message naming it, before any connection. The hosts of every inventory point at a TCP listener on
 * loopback that counts the connections it accepts; a control row shows that a run that is allowed to go
 * on does connect to it, so a zero count is proof that nothing was opened.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { hostwrightMain } from '../../lib/cli/main.ts';

const root = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'hw-bad-input-'));
const sockets = new Set<Socket>();
let accepted = 0;
const server: Server = createServer((s) => {
  accepted++;
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
});
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
const port = (server.address() as { port: number }).port;

const put = (name: string, text: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
/** A host that reaches the counting listener (over SSH) unless the input is refused first. */
const hostVars = `ansible_host: 127.0.0.1\n      ansible_port: ${port}`;
const inv = put('inv.yml', `all:\n  hosts:\n    a:\n      ${hostVars}\n    b:\n      ${hostVars}\n`);
const folder = join(dir, 'a-folder');
mkdirSync(folder);
const badTemplate = put('bad.hbs', 'line one\n{{#if port}}\nport={{port}}\n');
const playbook = (name: string, task: string) =>
  put(
    name,
    `import { definePlaybook, file, template } from ${JSON.stringify(join(root, 'lib/index.ts'))};\nexport default definePlaybook({ name: '${name}', plays: [{ name: 'p', hosts: 'all', tasks: [${task}] }] });\n`,
  );

// The YAML "billion laughs": each alias doubles the size; read naively it never ends.
const bomb =
  [
    'a: &a ["x","x","x","x","x","x","x","x","x"]',
    ...Array.from(
      { length: 9 },
      (_, i) =>
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(',')}]`,
    ),
  ].join('\n') + '\n';

/** Every row: the command line, and a fragment of the message on stderr. Each must exit 5 and connect nowhere. */
const rows: { name: string; argv: string[]; fragment: RegExp }[] = [
  {
    name: 'template with a syntax error (playbook)',
    argv: ['run', playbook('tpl-syntax.ts', `file({ path: '/tmp/hw-x', content: template(${JSON.stringify(badTemplate)}) })`), '-i', inv],
    fragment: /bad\.hbs:\d+: syntax error/,
  },
  {
    name: 'missing template file (playbook)',
    argv: ['run', playbook('tpl-missing.ts', `file({ path: '/tmp/hw-x', content: template(${JSON.stringify(join(dir, 'nope.hbs'))}) })`), '-i', inv],
    fragment: /content: template .*nope\.hbs cannot be read: does not exist/,
  },
  {
    name: 'src missing (playbook)',
    argv: ['run', playbook('src-missing.ts', `file({ path: '/tmp/hw-x', src: ${JSON.stringify(join(dir, 'missing.txt'))} })`), '-i', inv],
    fragment: /src .*missing\.txt does not exist/,
  },
  {
    name: 'src is a directory (playbook)',
    argv: ['run', playbook('src-dir.ts', `file({ path: '/tmp/hw-x', src: ${JSON.stringify(folder)} })`), '-i', inv],
    fragment: /src .*a-folder is a folder, not a file/,
  },
  {
    name: 'src is a directory (ad-hoc)',
    argv: ['all', '-i', inv, '-m', 'file', '-a', `path=/tmp/hw-x src=${folder}`],
    fragment: /src .*a-folder is a folder/,
  },
  {
    name: 'JSON inventory [1,2,3]',
    argv: ['all', '-i', put('list.json', '[1,2,3]\n'), '-m', 'ping'],
    fragment: /list\.json: must be a JSON object of groups .*got an array/,
  },
  { name: 'empty inventory file', argv: ['all', '-i', put('empty.yml', ''), '-m', 'ping'], fragment: /empty\.yml: the inventory file is empty/ },
  {
    name: 'binary inventory file',
    argv: ['all', '-i', put('binary', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0x0a, 0x61, 0x0a])), '-m', 'ping'],
    fragment: /binary: is a binary file/,
  },
  {
    name: 'ansible_connection: telnet',
    argv: ['all', '-i', put('telnet.yml', `all:\n  hosts:\n    a:\n      ${hostVars}\n      ansible_connection: telnet\n`), '-m', 'ping'],
    fragment: /a: ansible_connection "telnet" is not a connection hostwright has/,
  },
  { name: 'YAML alias bomb', argv: ['all', '-i', put('bomb.yml', bomb), '-m', 'ping'], fragment: /bomb\.yml: YAML aliases expand too much/ },
  {
    name: 'JSON syntax error reported as JSON',
    argv: ['all', '-i', put('broken.json', '{"all": {"hosts": {"a": {}},}}\n'), '-m', 'ping'],
    fragment: /broken\.json: JSON syntax error: .* \(line 1\)/,
  },
  {
    name: "--limit 'a:&'",
    argv: ['all', '-i', inv, '-m', 'ping', '--limit', 'a:&'],
    fragment: /host pattern "a:&": "&" must be followed by a group or host name/,
  },
  { name: 'pattern all[a:b]', argv: ['all[a:b]', '-i', inv, '-m', 'ping'], fragment: /host pattern "all\[a:b\]": .*a subscript must be/ },
  { name: "--limit '!'", argv: ['all', '-i', inv, '-m', 'ping', '--limit', '!'], fragment: /host pattern "!": "!" must be followed/ },
  {
    name: "--list-hosts --limit '!' (playbook)",
    argv: ['run', playbook('list.ts', `file({ path: '/tmp/hw-x', state: 'touch' })`), '-i', inv, '--list-hosts', '--limit', '!'],
    fragment: /host pattern "!": "!" must be followed/,
  },
  {
    name: 'NUL in a path',
    argv: ['all', '-i', inv, '-m', 'file', '-a', '{"path": "/tmp/a\\u0000b", "content": "x"}'],
    fragment: /argument "path" contains a NUL byte/,
  },
  { name: 'NUL in argv', argv: ['all', '-i', inv, '-m', 'ping', '-e', 'x=a\0b'], fragment: /argument 7 .* contains a NUL byte/ },
  {
    name: 'bad regexp (ad-hoc line)',
    argv: ['all', '-i', inv, '-m', 'line', '-a', 'path=/tmp/hw-x regexp=( line=y'],
    fragment: /regexp: invalid regular expression "\(": /,
  },
  {
    name: 'bad regexp (insertAfter)',
    argv: ['all', '-i', inv, '-m', 'block', '-a', 'path=/tmp/hw-x block=y insertafter=[a-'],
    fragment: /insertAfter: invalid regular expression/,
  },
];

let out = '';
let err = '';
const sink = (add: (s: string) => void) =>
  new Writable({
    write(chunk, _enc, done) {
      add(String(chunk));
      done();
    },
  });

test.after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((done) => server.close(done));
  rmSync(dir, { recursive: true, force: true });
});

test('control: an input that is accepted does connect to the counting listener', async () => {
  out = err = '';
  const before = accepted;
  const code = await hostwrightMain(
    ['all', '-i', inv, '-m', 'ping', '--json', '--connect-timeout', '1'],
    sink((s) => (out += s)),
    sink((s) => (err += s)),
  );
  assert.is(code, 4, err);
  assert.ok(accepted - before >= 1, 'the listener saw the connection attempts');
  assert.match(out, /"event":"host-result"/);
});

for (const row of rows) {
  test(`exit 5, named, nothing opened: ${row.name}`, async () => {
    out = err = '';
    const before = accepted;
    const code = await hostwrightMain(
      [...row.argv, '--json', '--connect-timeout', '1'],
      sink((s) => (out += s)),
      sink((s) => (err += s)),
    );
    assert.is(code, 5, `exit code (stderr: ${err}; stdout: ${out.slice(0, 500)})`);
    assert.match(err, row.fragment);
    assert.not.match(err, /internal error|\n\s+at /, 'a message, not a stack trace');
    assert.is(accepted - before, 0, 'no connection was opened');
    assert.not.match(out, /"event":"(task-start|host-result)"/, 'no task started');
  });
}

test('non-UTF-8 argv is refused (exit 5), not rewritten to U+FFFD; nothing opened', () => {
  const before = accepted;
  // bash passes the raw byte 0xE9 (Latin-1 "é"); Node alone cannot build such an argument.
  const script = `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(root, 'lib/bin.ts'))} all -i ${JSON.stringify(inv)} -m file -a $'path=/tmp/hw-caf\\xe9 content=x' --connect-timeout 1`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  assert.is(r.status, 5, r.stderr);
  assert.match(r.stderr, /argument 7 .* is not valid UTF-8/);
  assert.is(accepted - before, 0);
});

test('--diff of a 10 MB new content is bounded like old content (a note, not 10 MB of diff)', async () => {
  const big = put('big.txt', 'A line of text that repeats.\n'.repeat(360_000));
  const localInv = put('local.yml', 'all:\n  hosts:\n    here:\n      ansible_connection: local\n');
  const target = join(dir, 'big-target.txt');
  for (const json of [[], ['--json']]) {
    out = err = '';
    const code = await hostwrightMain(
      ['all', '-i', localInv, '-m', 'file', '-a', `path=${target} src=${big}`, '--check', '--diff', ...json],
      sink((s) => (out += s)),
      sink((s) => (err += s)),
    );
    assert.is(code, 0, err);
    assert.match(out, /big-target\.txt: content differs \(0 → 10440000 bytes\); new content too large for a diff/);
    assert.ok(out.length < 20_000, `output is ${out.length} bytes`);
  }
});

test.run();
