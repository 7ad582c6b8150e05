/**
 * Facts: OS family, distribution and version, package and service manager, hostname, addresses.
 * Gathered with one command, only when a task asks, once per host per run.
 */
import type { Facts, Probe } from '../tasks/contract.ts';

/** The facts probe: one round trip, parsed from `key=value` lines and /etc/os-release. */
export const factsProbe: Probe<Facts> = {
  command: [
    'echo "hostname=$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)"',
    'for m in dnf yum apt-get; do command -v $m >/dev/null 2>&1 && { echo "pm=$m"; break; }; done',
    '[ -d /run/systemd/system ] && echo "sm=systemd"',
    '[ -r /etc/redhat-release ] && echo "redhat=$(head -n1 /etc/redhat-release)"',
    'echo "addrs=$( (hostname -I 2>/dev/null || true) | tr -s \' \' \',\')"',
    'echo ---os-release---',
    'cat /etc/os-release 2>/dev/null',
    'true',
  ].join('\n'),
  parse: (r) => parseFacts(r.stdout),
};

/** Pure parser of the facts probe output. */
export function parseFacts(stdout: string): Facts {
  const [head, osRelease = ''] = stdout.split('---os-release---\n');
  const kv = (text: string) => {
    const out: Record<string, string> = {};
    for (const line of text.split('\n')) {
      const m = /^([A-Za-z_]+)=(.*)$/.exec(line.trim());
      if (m) out[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
    }
    return out;
  };
  const h = kv(head);
  const os = kv(osRelease);
  const like = `${os.ID ?? ''} ${os.ID_LIKE ?? ''}`;
  const osFamily = /rhel|centos|fedora/.test(like) || h.redhat ? 'RedHat' : /debian|ubuntu/.test(like) ? 'Debian' : os.ID ?? 'unknown';
  const pm = h.pm === 'apt-get' ? 'apt' : h.pm === 'dnf' ? 'dnf' : h.pm === 'yum' ? 'yum' : 'unknown';
  const redhatVersion = /release (\d+(?:\.\d+)*)/.exec(h.redhat ?? '')?.[1];
  return {
    osFamily,
    distribution: h.redhat ? h.redhat.split(' ')[0] : (os.NAME ?? os.ID ?? 'unknown'),
    distributionVersion: redhatVersion ?? os.VERSION_ID ?? 'unknown',
    packageManager: pm,
    serviceManager: h.sm === 'systemd' ? 'systemd' : 'unknown',
    hostname: h.hostname ?? '',
    addresses: (h.addrs ?? '').split(',').map((a) => a.trim()).filter(Boolean),
  };
}
