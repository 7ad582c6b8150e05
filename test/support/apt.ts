/**
 * Test helper: make sure a command a test needs is installed, from Debian's package, the way CI gets it
 * on a fresh machine (as root: `apt-get install -y --no-install-recommends`, after `apt-get update` when
 * the first try fails). Never a skip: when it cannot be installed the caller's test fails with the reason.
 */
import { spawnSync } from 'node:child_process';

/** Whether `cmd` is on PATH. */
export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v '${cmd}'`], { stdio: 'ignore' }).status === 0;
}

/** Install Debian package `pkg` when `cmd` is missing; throws an error saying what to do when it cannot. */
export function ensureCommand(cmd: string, pkg: string): void {
  if (hasCommand(cmd)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `"${cmd}" is missing and this test installs it only as root: run 'apt-get install -y --no-install-recommends ${pkg}' or the tests as root`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Another apt run (a second test, a bench) may hold the lock: wait for it rather than fail.
  const install = () =>
    spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '--no-install-recommends', pkg], { encoding: 'utf8', env });
  let r = install();
  if (r.status !== 0) {
    spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'update'], { encoding: 'utf8', env });
    r = install();
  }
  if (!hasCommand(cmd)) {
    throw new Error(
      `"${cmd}" is still missing after 'apt-get install -y --no-install-recommends ${pkg}' (exit ${r.status}): ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' ')}`,
    );
  }
}
