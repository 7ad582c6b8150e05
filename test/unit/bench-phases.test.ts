/** The bench's split of a run's wall time into phases, from `--json` events (bench/lib/phases.ts). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { phasesOf } from '../../bench/lib/phases.ts';

const result = (host: string, status: string, module: string, startedAt: number, durationMs: number, handler = false) => ({
  event: 'host-result',
  host,
  status,
  module,
  startedAt,
  durationMs,
  handler,
});
const start = { event: 'task-start' };

test('each task span goes to the phase of its slowest host; connect from the stats; the rest is the controller', () => {
  const events = [
    start,
    result('a', 'ok', 'file', 1000, 120),
    result('b', 'ok', 'file', 1000, 150), // connect 100 + probe
    start,
    result('a', 'changed', 'package', 1160, 2000),
    result('b', 'ok', 'package', 1160, 40), // installs
    start,
    result('a', 'ok', 'file', 3170, 10),
    result('b', 'changed', 'file', 3170, 30), // other apply (b slowest)
    start,
    result('a', 'ok', 'wait', 3210, 500), // a wait
    start,
    result('a', 'changed', 'service', 3720, 80, true), // handler
    { event: 'stats', stats: { connectMs: 200, connections: 2, durationMs: 3000 } },
  ];
  const p = phasesOf(events as never)!;
  assert.equal(p, {
    engineMs: 3000,
    connectMs: 100,
    probeMs: 50,
    packageInstallMs: 2000,
    otherAppliesMs: 30,
    handlersMs: 80,
    waitsMs: 500,
    controllerMs: 240,
  });
  assert.is(
    p.connectMs + p.probeMs + p.packageInstallMs + p.otherAppliesMs + p.handlersMs + p.waitsMs + p.controllerMs,
    p.engineMs,
    'the phases add up to the engine time',
  );
});

test('no stats event: no phases', () => {
  assert.is(phasesOf([start, result('a', 'ok', 'file', 0, 1)] as never), undefined);
});

test.run();
