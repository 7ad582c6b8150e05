/**
 * State digests: what a host looks like after a converge, read through the harness (nsenter, not SSH),
 * so the bench can refuse to report a figure when the two tools did not leave the same state.
 */
import { createHash } from 'node:crypto';
import { quote } from '../../lib/index.ts';
import { SYSCTL_KEYS, WORKLOAD_DIR, WORKLOAD_LINES_FILE, WORKLOAD_SYSCTL_FILE } from '../workload/spec.ts';

/** Runs a command as root inside a test host (the harness's `exec`). */
export type HostExec = (name: string, command: string) => Promise<{ code: number; stdout: string; stderr: string }>;

/** One host's state as sorted text lines, and its sha256. */
export interface HostDigest {
  host: string;
  sha256: string;
  lines: string[];
}

const CLUSTER_FILES = [
  '/etc/hosts',
  '/etc/selinux/config',
  '/etc/sysctl.d/k8s.conf',
  '/etc/etcd/etcd.conf',
  '/etc/sysconfig/flanneld',
  '/etc/kubernetes/config',
  '/etc/kubernetes/apiserver',
  '/etc/kubernetes/controller-manager',
  '/etc/kubernetes/scheduler',
  '/etc/kubernetes/kubelet',
  '/etc/kubernetes/proxy',
];
const CLUSTER_PACKAGES = [
  'chrony',
  'etcd',
  'flannel',
  'kubernetes-master',
  'kubernetes-node',
  'kubernetes-client',
  'docker',
  'socat',
  'conntrack-tools',
  'python-rhsm-certificates',
  'subscription-manager-rhsm-certificates',
  'firewalld',
  'iptables-services',
];
const CLUSTER_UNITS = [
  'chronyd',
  'firewalld',
  'etcd',
  'flanneld',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'docker',
  'kube-proxy',
  'kubelet',
];

const fileLines = (files: readonly string[]) => `for f in ${files.map(quote).join(' ')}; do
  if [ -f "$f" ]; then echo "file $f $(stat -c '%a %U:%G' "$f") $(sha256sum < "$f" | cut -c1-64)"; else echo "file $f absent"; fi
done`;

/** The shell script that prints a cluster host's state (files, packages, units, sysctls, daemon argv). */
export function clusterStateScript(isEtcd: boolean, flannelPrefix = '/atomic.io/network'): string {
  return [
    fileLines(CLUSTER_FILES),
    // random key material: only its presence, mode and owner
    `k=/etc/kubernetes/serviceaccount.key; if [ -f $k ]; then echo "file $k $(stat -c '%a %U:%G' $k) (random content)"; else echo "file $k absent"; fi`,
    `rpm -q ${CLUSTER_PACKAGES.join(' ')} | sed 's/^/rpm /'`,
    `for u in ${CLUSTER_UNITS.join(' ')}; do echo "unit $u $(systemctl is-active $u) $(systemctl is-enabled $u 2>&1)"; done`,
    `sysctl net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables | sed 's/^/sysctl /'`,
    // what the (stand-in) daemons were started with; docker's --bip is the subnet flannel leased, random
    `for f in /var/lib/hostwright-standin/*.json; do [ -f "$f" ] && python3 -c 'import json,sys; print("argv", " ".join(json.load(open(sys.argv[1]))["argv"]))' "$f"; done | sed -E 's/--bip=[^ ]+/--bip=(leased)/'`,
    isEtcd
      ? `curl -sS --max-time 5 ${quote(`http://127.0.0.1:2379/v2/keys${flannelPrefix}/config`)} | python3 -c 'import json,sys; print("etcd-key", json.load(sys.stdin)["node"]["value"])' || echo "etcd-key unreadable"`
      : '',
  ].join('\n');
}

/**
 * The scale workload's state: the directory, every file under it, and each sysctl's live value and
 * the value its file persists (normalised: the two tools write `k = v` and `k=v`).
 */
export function workloadStateScript(): string {
  const keys = SYSCTL_KEYS.map(([k]) => k);
  return [
    `echo "dir ${WORKLOAD_DIR} $(stat -c '%a %U:%G' ${WORKLOAD_DIR} 2>/dev/null || echo absent)"`,
    `for f in ${WORKLOAD_DIR}/*; do [ -f "$f" ] && echo "file $f $(stat -c '%a %U:%G' "$f") $(sha256sum < "$f" | cut -c1-64)"; done`,
    `echo "lines $(wc -l < ${WORKLOAD_LINES_FILE} 2>/dev/null)"`,
    `for k in ${keys.join(' ')}; do echo "sysctl $k live=$(sysctl -n $k) file=$(sed -nE "s/^[[:space:]]*$k[[:space:]]*=[[:space:]]*(.*)$/\\1/p" ${WORKLOAD_SYSCTL_FILE} 2>/dev/null | tail -1)"; done`,
  ].join('\n');
}

/** Runs a state script on hosts (in parallel) and returns one digest per host, in the given order. */
export async function digestHosts(exec: HostExec, hosts: readonly string[], script: (host: string) => string): Promise<HostDigest[]> {
  return Promise.all(
    hosts.map(async (host) => {
      const r = await exec(host, script(host));
      if (r.code !== 0 && !r.stdout) throw new Error(`bench: cannot read the state of ${host} (exit ${r.code}): ${r.stderr.trim()}`);
      const lines = r.stdout.split('\n').filter(Boolean).sort();
      return { host, sha256: createHash('sha256').update(lines.join('\n')).digest('hex'), lines };
    }),
  );
}

/** Throws naming each host and line where two digests of the same hosts differ. */
export function assertSameState(what: string, a: { label: string; digests: HostDigest[] }, b: { label: string; digests: HostDigest[] }): void {
  const problems: string[] = [];
  for (const da of a.digests) {
    const db = b.digests.find((d) => d.host === da.host);
    if (!db) {
      problems.push(`${da.host}: no ${b.label} digest`);
      continue;
    }
    if (da.sha256 === db.sha256) continue;
    const onlyA = da.lines.filter((l) => !db.lines.includes(l));
    const onlyB = db.lines.filter((l) => !da.lines.includes(l));
    problems.push(`${da.host}:\n${onlyA.map((l) => `  ${a.label}: ${l}`).join('\n')}\n${onlyB.map((l) => `  ${b.label}: ${l}`).join('\n')}`);
  }
  if (problems.length)
    throw new Error(`bench: ${what}: ${a.label} and ${b.label} left different states, no figure reported:\n${problems.join('\n')}`);
}

/** Combined sha256 of several host digests (for the results file). */
export const combinedDigest = (digests: readonly HostDigest[]): string =>
  createHash('sha256')
    .update(digests.map((d) => `${d.host} ${d.sha256}`).join('\n'))
    .digest('hex');
