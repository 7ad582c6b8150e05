/**
 * The generated scale workload, one description for both tools: a directory, then tasks cycling
 * file → line → sysctl. Every value depends on `round` (1 or 2), so a run with the other round changes
 * every task and a run with the same round changes nothing.
 */

/** Directory every file and line task writes into. */
export const WORKLOAD_DIR = '/etc/hw-bench';
/** File the sysctl values are persisted in (hostwright's default sysctl file, named for both tools). */
export const WORKLOAD_SYSCTL_FILE = '/etc/sysctl.d/99-hw-bench.conf';
/** File the line tasks edit. */
export const WORKLOAD_LINES_FILE = `${WORKLOAD_DIR}/lines.conf`;

/**
 * Integer sysctls that are per network namespace (writable inside the test hosts) and read back exactly
 * as written (no millisecond → jiffies rounding like icmp_ratelimit), with a base value;
 * the task sets base + round. More sysctl slots than keys fall back to file tasks.
 */
export const SYSCTL_KEYS: readonly (readonly [string, number])[] = [
  ['net.ipv4.tcp_keepalive_time', 7000],
  ['net.ipv4.tcp_keepalive_intvl', 60],
  ['net.ipv4.tcp_keepalive_probes', 5],
  ['net.ipv4.tcp_fin_timeout', 30],
  ['net.ipv4.tcp_syn_retries', 4],
  ['net.ipv4.tcp_synack_retries', 4],
  ['net.ipv4.tcp_retries2', 12],
  ['net.ipv4.ip_default_ttl', 60],
  ['net.core.somaxconn', 2000],
  ['net.ipv4.tcp_max_syn_backlog', 2000],
  ['net.ipv4.tcp_max_tw_buckets', 100000],
  ['net.ipv4.tcp_orphan_retries', 1],
  ['net.unix.max_dgram_qlen', 500],
  ['net.ipv4.tcp_reordering', 4],
  ['net.ipv4.igmp_max_memberships', 20],
];

/** One generated task after the directory task. */
export type WorkloadTask =
  | { kind: 'file'; index: number; path: string }
  | { kind: 'line'; index: number; key: string }
  | { kind: 'sysctl'; index: number; key: string; base: number };

/** The tasks after the directory task of a workload of `count` tasks per host (the directory counts). */
export function workloadTasks(count: number): WorkloadTask[] {
  const tasks: WorkloadTask[] = [];
  let sysctls = 0;
  for (let i = 0; i < count - 1; i++) {
    const slot = i % 3;
    if (slot === 1) tasks.push({ kind: 'line', index: i, key: `key${i}` });
    else if (slot === 2 && sysctls < SYSCTL_KEYS.length) {
      const [key, base] = SYSCTL_KEYS[sysctls++];
      tasks.push({ kind: 'sysctl', index: i, key, base });
    } else tasks.push({ kind: 'file', index: i, path: `${WORKLOAD_DIR}/file-${i}.conf` });
  }
  return tasks;
}

/** Content of a file task for a round (the Ansible side renders the same text with Jinja). */
export const fileContent = (index: number, round: number): string => `# hostwright bench file ${index}\nround = ${round}\n`;
/** The line a line task keeps for a round. */
export const lineText = (key: string, round: number): string => `${key}=round-${round}`;
