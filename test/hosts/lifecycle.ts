/**
 * Test-runner glue (test/run.ts): start the default hosts before the e2e suites, and at the end stop
 * every host that was not running before — the defaults and whatever hosts the suites started under
 * their own names — also on SIGINT/SIGTERM and on exit.
 */
import { killSync } from './machine.ts';
import { runningHostNames, testHosts } from './index.ts';
import { DEFAULT_NAMES } from './paths.ts';

/** Starts the default hosts; the returned function stops every host started since this call. */
export async function startHostsForTests(): Promise<() => Promise<void>> {
  const before = new Set(runningHostNames());
  const startedSince = () => runningHostNames().filter((n) => !before.has(n));
  let done = false;
  const onExit = () => {
    if (!done) {
      done = true;
      startedSince().forEach(killSync);
    }
  };
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
    const started = startedSince();
    if (started.length) await hosts.stop(started);
  };
}
