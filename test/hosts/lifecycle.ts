/**
 * Test-runner glue (test/run.ts): start the default hosts before the e2e suites and stop exactly the
 * ones that were not already running, also on SIGINT/SIGTERM and on exit.
 */
import { killSync } from './machine.ts';
import { runningHostNames, testHosts } from './index.ts';
import { DEFAULT_NAMES } from './paths.ts';

/** Starts the default hosts; the returned function stops the hosts this call started. */
export async function startHostsForTests(): Promise<() => Promise<void>> {
  const before = new Set(runningHostNames());
  const started = DEFAULT_NAMES.filter((n) => !before.has(n));
  let done = false;
  const onExit = () => { if (!done) { done = true; started.forEach(killSync); } };
  const onSignal = (signal: NodeJS.Signals) => {
    onExit();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const removeHandlers = () => {
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  let hosts;
  try {
    hosts = await testHosts({ names: [...DEFAULT_NAMES] });
  } catch (err) {
    onExit();
    removeHandlers();
    throw err;
  }
  return async () => {
    if (done) return;
    done = true;
    removeHandlers();
    if (started.length) await hosts.stop(started);
  };
}
