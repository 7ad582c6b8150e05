/**
 * wait: the one-try probe's parser on recorded outputs (test/fixtures/wait/probe-*.json), the pure plan on
 * fixtures (plan-*.json), the loop script's shape and the argument refusals.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures } from '../support/fixtures.ts';
import { PROBE_KINDS, RERECORD } from '../support/probe-recordings.ts';
import { parseWait, waitProbe, waitScript, type WaitState } from '../../lib/probes/wait-script.ts';
import { describeTarget, planWait, wait, waitTarget, type WaitArgs } from '../../lib/tasks/wait.ts';
import { isValidationError } from '../../lib/core/errors.ts';

const { files, load } = fixtures('wait');
const real = { check: false, earlierChangePredicted: false };

test('there are wait fixtures', () => {
  assert.ok(files.filter((f) => f.startsWith('probe-')).length >= 8);
  assert.ok(files.filter((f) => f.startsWith('plan-')).length >= 7);
});

for (const f of files.filter((f) => f.startsWith('probe-'))) {
  const fx = load(f);
  test(`probe ${f}: ${fx.description}`, () => {
    assert.equal(parseWait(fx.result), fx.state);
    // The output was recorded with the probe the code builds now.
    assert.is(PROBE_KINDS.wait.command(fx.probe), fx.command, RERECORD);
  });
}

for (const f of files.filter((f) => f.startsWith('plan-'))) {
  const fx = load(f);
  test(`plan ${f}: ${fx.description}`, () => {
    const state: WaitState = { ...(fx.stateFrom ? load(fx.stateFrom).state : {}), ...(fx.state ?? {}) };
    assert.equal(planWait(fx.args, state, fx.ctx ?? real), fx.plan);
  });
}

test('parse: a failing script and garbage are refused', () => {
  assert.throws(() => parseWait({ code: 1, stdout: '', stderr: 'mktemp: No space left' }), /wait script failed \(exit 1\): mktemp/);
  assert.throws(() => parseWait({ code: 0, stdout: 'welcome\n', stderr: '' }), /printed no result/);
});

test('targets: defaults and descriptions', () => {
  assert.equal(waitTarget({ port: 2379 }), { kind: 'port', host: '127.0.0.1', port: 2379 });
  assert.is(describeTarget(waitTarget({ port: 2379, host: 'etcd.local' })), 'port etcd.local:2379');
  assert.is(describeTarget(waitTarget({ url: 'https://x/health' })), 'https://x/health (2xx)');
  assert.is(describeTarget(waitTarget({ command: 'x'.repeat(90) })), `command "${'x'.repeat(77)}..."`);
});

test('the loop is one script: deadline from the timeout, the interval between tries, values quoted', () => {
  const s = waitScript({ kind: 'url', url: "http://h/it's", expect: '$(reboot)' }, { timeout: 90, interval: 2.5 });
  assert.match(s, /deadline=\$\(\( start \+ 90 \)\)/);
  assert.match(s, /sleep 2\.5/);
  assert.match(s, /'http:\/\/h\/it'\\''s'/);
  assert.match(s, /grep -qF -- '\$\(reboot\)'/);
  assert.match(waitProbe({ kind: 'port', host: '::1', port: 22 }).command, /deadline=\$\(\( start \+ 0 \)\)/, 'the probe tries once');
});

test('bad arguments are refused when the task is defined', () => {
  const cases: [unknown, RegExp][] = [
    [{}, /give one of port, url or command/],
    [{ port: 22, url: 'http://x/' }, /not port and url/],
    [{ port: 0 }, /argument "port" must be >= 1/],
    [{ port: 70000 }, /argument "port" must be <= 65535/],
    [{ port: 22.5 }, /argument "port" must be integer/],
    [{ url: 'ftp://x/' }, /http:\/\/ or https:\/\/ URL/],
    [{ url: 'http://x/', host: 'y' }, /host is only allowed with port/],
    [{ port: 22, expect: 'ok' }, /expect is only allowed with url/],
    [{ port: 22, host: 'a b' }, /argument "host"/],
    [{ command: 'true', timeout: -1 }, /argument "timeout"/],
    [{ command: 'true', retries: 3 }, /unknown argument "retries"/],
  ];
  for (const [args, why] of cases) {
    try {
      wait(args as WaitArgs);
      assert.unreachable(`accepted ${JSON.stringify(args)}`);
    } catch (error) {
      assert.ok(isValidationError(error), `${JSON.stringify(args)}: ${error}`);
      assert.match((error as Error).message, why);
    }
  }
  assert.ok(wait({ port: 2379, host: '10.77.0.11', timeout: 120, interval: 0.5 }));
});

test.run();
