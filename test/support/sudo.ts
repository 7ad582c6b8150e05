/**
 * sudo on this machine, for the become tests of the transports: installed with apt when missing (CI starts
 * from a fresh machine, as root). Throws when it cannot be had, so that no test silently skips.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Make sure /usr/bin/sudo exists (needs root and apt). */
export function ensureSudo(): void {
  if (existsSync('/usr/bin/sudo')) return;
  if (process.getuid?.() !== 0) throw new Error('the become tests need root (to install sudo and switch users); run the e2e suites as root');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'sudo'], { env, stdio: 'ignore' });
  try {
    install();
  } catch {
    execFileSync('apt-get', ['update', '-q'], { env, stdio: 'ignore' });
    install();
  }
  if (!existsSync('/usr/bin/sudo')) throw new Error('sudo could not be installed with apt-get');
}
