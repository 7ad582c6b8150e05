/**
 * command / shell: the guard probe parser on recorded outputs (test/fixtures/command/probe-*.json), the
 * pure plan on fixtures (plan-*.json), the no-shell command-line splitter, the scripts built for the host,
 * the idempotence marking and the argument refusals.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures } from '../support/fixtures.ts';
import { PROBE_KINDS, RERECORD } from '../support/probe-recordings.ts';
import { commandGuardProbe, parseCommandGuard, type CommandGuardState } from '../../lib/probes/command-guard.ts';
import { command, commandScript, commandType, planCommand, shell, shellType, splitCommandLine, type CommandArgs } from '../../lib/tasks/command.ts';
import { isValidationError } from '../../lib/core/errors.ts';

const { files, load } = fixtures('command');
const real = { check: false, earlierChangePredicted: false };

test('there are command fixtures', () => {
  assert.ok(files.filter((f) => f.startsWith('probe-')).length >= 5);
  assert.ok(files.filter((f) => f.startsWith('plan-')).length >= 12);
});

for (const f of files.filter((f) => f.startsWith('probe-'))) {
  const fx = load(f);
  test(`probe ${f}: ${fx.description}`, () => {
    assert.equal(parseCommandGuard(fx.result), fx.state);
    // The output was recorded with the probe the code builds now.
    assert.is(PROBE_KINDS.command.command(fx.probe), fx.command, RERECORD);
  });
}

for (const f of files.filter((f) => f.startsWith('plan-'))) {
  const fx = load(f);
  test(`plan ${f}: ${fx.description}`, () => {
    const state: CommandGuardState | undefined =
      fx.stateFrom || fx.state ? { ...(fx.stateFrom ? load(fx.stateFrom).state : {}), ...(fx.state ?? {}) } : undefined;
    assert.equal(planCommand(fx.args, state, fx.ctx ?? real), fx.plan);
  });
}

test('parse: a failing probe and garbage are refused', () => {
  assert.throws(() => parseCommandGuard({ code: 2, stdout: '', stderr: 'sh: syntax error' }), /command guard probe failed \(exit 2\)/);
  assert.throws(() => parseCommandGuard({ code: 0, stdout: 'motd\n', stderr: '' }), /nothing recognisable/);
});

test('no guard: no probe, so check mode costs no round trip', () => {
  assert.is(commandGuardProbe({ chdir: '/tmp' }), undefined);
  assert.is(commandType.probe({ cmd: 'true' }, {} as never), undefined);
});

test('splitCommandLine: quotes and backslashes like a shell, no expansion', () => {
  assert.equal(splitCommandLine('ls -l  /tmp'), ['ls', '-l', '/tmp']);
  assert.equal(splitCommandLine(`echo 'a b' "c \\"d\\" \\x" e\\ f ''`), ['echo', 'a b', 'c "d" \\x', 'e f', '']);
  assert.equal(splitCommandLine('echo "$ in double quotes is a \\$"'), ['echo', '$ in double quotes is a $']);
  assert.equal(splitCommandLine("printf '%s|%s' a b"), ['printf', '%s|%s', 'a', 'b']);
  assert.equal(splitCommandLine('ls *.txt'), ['ls', '*.txt'], 'no globbing');
  for (const [line, why] of [
    ['echo hi > /tmp/x', /unquoted ">".*use shell\(\)/],
    ['a | b', /unquoted "\|"/],
    ['a && b', /unquoted "&"/],
    ['echo $HOME', /unquoted "\$"/],
    ['echo `id`', /unquoted "`"/],
    ["echo 'open", /unterminated single quote/],
    ['echo "open', /unterminated double quote/],
    ['echo \\', /trailing backslash/],
    ['   ', /empty/],
  ] as const)
    assert.throws(() => splitCommandLine(line), why, line);
});

test('scripts: argv quoted, shell text handed to sh -c whole, chdir and env first', () => {
  assert.is(commandScript('command', { cmd: ['echo', "it's", '$(id)'] }), `exec echo 'it'\\''s' '$(id)'`);
  assert.is(commandScript('command', { cmd: 'echo "a b"' }), `exec echo 'a b'`);
  assert.is(
    commandScript('shell', { cmd: 'echo $X | tr a b', chdir: '/srv/my app', env: { X: "a'b" } }),
    `cd -- '/srv/my app' || exit 127\nexport X='a'\\''b'\nexec /bin/sh -c 'echo $X | tr a b'`,
  );
  assert.is(
    commandScript('shell', { cmd: 'set -o pipefail; false | true', executable: '/bin/bash' } as never),
    `exec /bin/bash -c 'set -o pipefail; false | true'`,
  );
});

test('idempotent(): false without a guard or changedWhen (--list-tasks marks it)', () => {
  assert.is(commandType.idempotent!({ cmd: 'x' }), false);
  assert.is(shellType.idempotent!({ cmd: 'x' }), false);
  assert.is(commandType.idempotent!({ cmd: 'x', creates: '/a' }), true);
  assert.is(commandType.idempotent!({ cmd: 'x', removes: '/a' }), true);
  assert.is(shellType.idempotent!({ cmd: 'x', unless: 'true' }), true);
  assert.is(shellType.idempotent!({ cmd: 'x', changedWhen: (r) => r.stdout !== '' }), true);
});

test('bad arguments are refused when the task is defined', () => {
  const cases: [(a: never) => unknown, unknown, RegExp][] = [
    [command, { cmd: 'echo hi > /tmp/x' }, /unquoted ">"/],
    [command, { cmd: [] }, /argument "cmd"/],
    [command, { cmd: [''] }, /program name/],
    [command, { cmd: 'x', changedWhen: 'rc == 0' }, /changedWhen must be a function/],
    [command, { cmd: 'x', failedWhen: true }, /failedWhen must be a function/],
    [command, { cmd: 'x', chdir: 'relative' }, /argument "chdir".*absolute path/],
    [command, { cmd: 'x', env: { 'BAD-NAME': '1' } }, /env: "BAD-NAME" is not a variable name/],
    [command, { cmd: 'x', env: { A: 1 } }, /argument "env.A"/],
    [command, { cmd: 'x', executable: '/bin/bash' }, /unknown argument "executable"/],
    [command, { cmd: 'x', timeout: 0 }, /argument "timeout"/],
    [shell, { cmd: ['a', 'b'] }, /argument "cmd"/],
    [shell, { cmd: 'x', executable: 'bash' }, /argument "executable".*absolute path/],
    [shell, { cmd: 'x', creates: '' }, /argument "creates"/],
  ];
  for (const [factory, args, why] of cases) {
    try {
      factory(args as never);
      assert.unreachable(`accepted ${JSON.stringify(args)}`);
    } catch (error) {
      assert.ok(isValidationError(error), `${JSON.stringify(args)}: ${error}`);
      assert.match((error as Error).message, why);
    }
  }
  const ok: CommandArgs = { cmd: ['true'], changedWhen: () => false, failedWhen: (r) => r.rc > 1, env: { A_1: 'x' }, stdin: 'data', timeout: 1.5 };
  assert.ok(command(ok));
  assert.ok(shell({ cmd: 'true | true', executable: '/bin/bash', unless: 'false', chdir: '/' }));
});

test.run();
