/**
 * Checks that the machine can run test hosts (root, overlayfs, cgroups) and installs the host
 * packages the harness needs when their commands are missing (CI starts from a fresh machine).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './proc.ts';

/** Command -> Debian package that provides it. */
const COMMANDS: Record<string, string> = {
  'systemd-nspawn': 'systemd-container',
  mmdebstrap: 'mmdebstrap',
  rpmbuild: 'rpm',
  createrepo_c: 'createrepo-c',
  'dpkg-scanpackages': 'dpkg-dev',
  'ssh-keygen': 'openssh-client',
  ssh: 'openssh-client',
  nsenter: 'util-linux',
  ip: 'iproute2',
  mountpoint: 'util-linux',
};

function onPath(cmd: string): boolean {
  const dirs = (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').concat(['/usr/sbin', '/sbin']);
  return dirs.some((d) => existsSync(join(d, cmd)));
}

let checked = false;

/**
 * Throws a clear error when test hosts cannot run here; installs missing host packages with
 * `apt-get install -y --no-install-recommends` (after an `apt-get update` when the first try fails).
 */
export async function ensurePrerequisites(): Promise<void> {
  if (checked) return;
  if (process.platform !== 'linux') throw new Error('test hosts: need Linux (systemd-nspawn containers)');
  if (process.getuid?.() !== 0) {
    throw new Error('test hosts: need root (they mount overlayfs, create a bridge and run systemd-nspawn); run the e2e tests as root');
  }
  const missing = [
    ...new Set(
      Object.entries(COMMANDS)
        .filter(([cmd]) => !onPath(cmd))
        .map(([, pkg]) => pkg),
    ),
  ];
  if (missing.length) {
    const args = ['install', '-y', '--no-install-recommends', ...missing];
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    let result = await run('apt-get', args, { env });
    if (result.code !== 0) {
      await run('apt-get', ['update'], { env });
      result = await run('apt-get', args, { env });
    }
    const still = Object.keys(COMMANDS).filter((cmd) => !onPath(cmd));
    if (still.length) {
      throw new Error(
        `test hosts: cannot run here: ${still.join(', ')} missing after ` +
          `'apt-get ${args.join(' ')}' (exit ${result.code}): ${result.stderr.trim().split('\n').slice(-3).join(' ')}`,
      );
    }
  }
  if (!readFileSync('/proc/filesystems', 'utf8').includes('overlay')) {
    throw new Error('test hosts: cannot run here: the kernel has no overlayfs');
  }
  if (!['/sys/fs/cgroup/systemd', '/sys/fs/cgroup'].some((h) => existsSync(`${h}/cgroup.procs`))) {
    throw new Error('test hosts: cannot run here: no cgroup hierarchy at /sys/fs/cgroup/systemd or /sys/fs/cgroup');
  }
  checked = true;
}
