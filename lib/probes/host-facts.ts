/**
 * Facts: OS family, distribution and version, package and service manager, hostname, addresses.
 * Gathered with one command, only when a task asks, once per host per run. Names follow Ansible's
 * (`ansible_os_family`, `ansible_distribution`): `RedHat` / `CentOS` / `7.9.2009`, `Debian` / `Debian` / `12`.
 */
import type { Facts, Probe } from '../core/task-contract.ts';

/** The facts probe: one round trip, parsed from `key=value` lines and /etc/os-release. */
export const factsProbe: Probe<Facts> = {
  command: [
    'PATH=$PATH:/usr/sbin:/sbin',
    'echo "hostname=$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)"',
    'echo "pms=$(for m in dnf yum apt-get; do command -v $m >/dev/null 2>&1 && printf "%s " $m; done)"',
    '[ -d /run/systemd/system ] && echo "sm=systemd"',
    '[ -r /etc/redhat-release ] && echo "redhat=$(head -n1 /etc/redhat-release)"',
    // `hostname -I` is missing on some systems (busybox, old net-tools); `ip` is the fallback.
    'a=$(hostname -I 2>/dev/null) || a=$(ip -o addr show scope global 2>/dev/null | awk \'{ sub(/\\/.*/, "", $4); print $4 }\')',
    "echo \"addrs=$(echo $a | tr -s ' ' ',')\"",
    'echo ---os-release---',
    'cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null',
    'true',
  ].join('\n'),
  parse: (r) => parseFacts(r.stdout),
};

/** os-release `ID` → Ansible's distribution name. */
const DISTRIBUTIONS: Record<string, string> = {
  centos: 'CentOS',
  rhel: 'RedHat',
  fedora: 'Fedora',
  rocky: 'Rocky',
  almalinux: 'AlmaLinux',
  ol: 'OracleLinux',
  amzn: 'Amazon',
  debian: 'Debian',
  ubuntu: 'Ubuntu',
  linuxmint: 'Linux Mint',
  alpine: 'Alpine',
  arch: 'Archlinux',
  opensuse: 'openSUSE',
  'opensuse-leap': 'openSUSE Leap',
  sles: 'SLES',
};

/** `/etc/redhat-release` first line → Ansible's distribution name ("Red Hat Enterprise Linux Server release 7.9" → RedHat). */
function redhatName(line: string): string {
  const name = line.replace(/\s+release\b.*$/i, '').trim();
  if (/^Red Hat/i.test(name)) return 'RedHat';
  if (/^CentOS/i.test(name)) return 'CentOS';
  if (/^Rocky/i.test(name)) return 'Rocky';
  if (/^AlmaLinux/i.test(name)) return 'AlmaLinux';
  return name.split(' ')[0] || 'unknown';
}

/** Parse `KEY=value` lines; values may be double- or single-quoted (os-release rules). */
function keyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = m[2];
    if (/^".*"$/.test(v)) v = v.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
    else if (/^'.*'$/.test(v)) v = v.slice(1, -1);
    out[m[1]] = v;
  }
  return out;
}

/**
 * The package manager, as Ansible picks it: apt on Debian; on Red Hat before version 8 yum (where dnf may
 * be installed too), from 8 on dnf; elsewhere the first of dnf, yum, apt-get that exists.
 */
function packageManager(found: Set<string>, osFamily: string, version: string): Facts['packageManager'] {
  const major = Number(version.split('.')[0]);
  if (osFamily === 'Debian' && found.has('apt-get')) return 'apt';
  if (osFamily === 'RedHat' && major < 8 && found.has('yum')) return 'yum';
  if (found.has('dnf')) return 'dnf';
  if (found.has('yum')) return 'yum';
  if (found.has('apt-get')) return 'apt';
  return 'unknown';
}

/** Pure parser of the facts probe output. */
export function parseFacts(stdout: string): Facts {
  const [head, osRelease = ''] = stdout.split('---os-release---\n');
  const h = keyValues(head);
  const os = keyValues(osRelease);
  const id = (os.ID ?? '').toLowerCase();
  const like = `${id} ${(os.ID_LIKE ?? '').toLowerCase()}`;
  const osFamily =
    /\b(rhel|centos|fedora)\b/.test(like) || h.redhat
      ? 'RedHat'
      : /\b(debian|ubuntu)\b/.test(like)
        ? 'Debian'
        : /\bsuse\b/.test(like)
          ? 'Suse'
          : id === 'alpine'
            ? 'Alpine'
            : id === 'arch'
              ? 'Archlinux'
              : (os.ID ?? 'unknown');
  const redhatVersion = /release (\d+(?:\.\d+)*)/.exec(h.redhat ?? '')?.[1];
  const version = redhatVersion ?? os.VERSION_ID ?? 'unknown';
  const pm = packageManager(new Set((h.pms ?? h.pm ?? '').split(/\s+/).filter(Boolean)), osFamily, version);
  // As in Ansible, /etc/redhat-release names the distribution before os-release does (Oracle Linux and
  // Amazon Linux ship a Red Hat one, so their os-release ID wins).
  const distribution = h.redhat && !['ol', 'amzn'].includes(id) ? redhatName(h.redhat) : (DISTRIBUTIONS[id] ?? os.NAME ?? (os.ID || 'unknown'));
  return {
    osFamily,
    distribution,
    distributionVersion: version,
    packageManager: pm,
    serviceManager: h.sm === 'systemd' ? 'systemd' : 'unknown',
    hostname: h.hostname ?? '',
    addresses: (h.addrs ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean),
  };
}
