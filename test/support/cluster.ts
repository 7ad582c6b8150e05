/**
 * Test helper for the Kubernetes roles: test hosts laid out in the groups etcd / masters / nodes, an
 * Ansible YAML inventory for them, and read-only checks of what the cluster looks like on the hosts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { testHosts, type TestHosts } from '../hosts/index.ts';

/** Which host names go into which cluster group. */
export interface ClusterLayout {
  etcd: string[];
  masters: string[];
  nodes: string[];
}

/** Running test hosts for a layout, and an inventory file with its groups. */
export interface ClusterHosts extends TestHosts {
  layout: ClusterLayout;
  clusterInventory: string;
}

/** Start (or reuse) the layout's hosts and write an inventory with the cluster groups. */
export async function clusterHosts(layout: ClusterLayout): Promise<ClusterHosts> {
  const names = [...new Set([...layout.etcd, ...layout.masters, ...layout.nodes])];
  const hosts = await testHosts({ names });
  const hostVars = Object.fromEntries(
    hosts.hosts.map((h) => [h.name, { ansible_host: h.address, ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath }]),
  );
  const group = (members: string[]) => ({ hosts: Object.fromEntries(members.map((m) => [m, null])) });
  const inventory = { all: { hosts: hostVars, children: { etcd: group(layout.etcd), masters: group(layout.masters), nodes: group(layout.nodes) } } };
  const dir = mkdtempSync(join(tmpdir(), 'hw-cluster-'));
  const clusterInventory = join(dir, 'inventory.yml');
  writeFileSync(clusterInventory, stringify(inventory));
  return { ...hosts, layout, clusterInventory };
}

/** The cluster layout named by HW_CLUSTER_NAMES=master,node1,node2 (etcd+master first), else the defaults. */
export function layoutFromEnv(): ClusterLayout {
  const [m, ...nodes] = (process.env.HW_CLUSTER_NAMES ?? 'master,node1,node2').split(',');
  return { etcd: [m], masters: [m], nodes };
}

/** Run a shell command on a host and return its stdout, failing loudly on a non-zero exit. */
export async function sh(hosts: TestHosts, name: string, command: string): Promise<string> {
  const r = await hosts.exec(name, command);
  if (r.code !== 0) throw new Error(`${name}: ${command}: exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** A fingerprint of everything the roles manage on a host (files, packages, units), to prove "nothing changed". */
export async function hostDigest(hosts: TestHosts, name: string): Promise<string> {
  const files =
    '/etc/hosts /etc/selinux/config /etc/sysctl.d/k8s.conf /etc/etcd/etcd.conf /etc/sysconfig/flanneld /etc/kubernetes/config /etc/kubernetes/apiserver /etc/kubernetes/controller-manager /etc/kubernetes/scheduler /etc/kubernetes/kubelet /etc/kubernetes/proxy /etc/kubernetes/serviceaccount.key';
  const units = 'chronyd firewalld etcd flanneld docker kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubelet';
  const command = [
    `for f in ${files}; do if [ -e "$f" ]; then echo "$f $(sha256sum < "$f" | cut -c1-16) $(stat -c '%a %U %G' "$f")"; else echo "$f absent"; fi; done`,
    'rpm -qa --qf "%{NAME}\\n" | sort | tr "\\n" " "; echo',
    `for u in ${units}; do echo "$u $(systemctl is-active $u.service 2>/dev/null) $(systemctl is-enabled $u.service 2>/dev/null)"; done`,
    // Each daemon's main PID changes when it is restarted.
    `for u in ${units}; do echo "$u pid=$(systemctl show -p MainPID --value $u.service 2>/dev/null)"; done`,
  ].join('\n');
  return sh(hosts, name, command);
}
