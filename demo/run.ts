/**
 * `npm run demo`: three local test hosts (CentOS-7-shaped, systemd, sshd), the cluster playbook on them
 * with the live console, the same run again to show zero changes, and how to log in and look around.
 * Needs root (the hosts are systemd-nspawn containers on a private bridge); installs what it needs.
 */
import { spawnSync } from 'node:child_process';
import { relative } from 'node:path';
import { testHosts } from '../test/hosts/index.ts';

const root = new URL('..', import.meta.url).pathname;
const rel = (p: string) => relative(process.cwd(), p) || '.';
const say = (text: string) => console.log(`\n\x1b[1m== ${text}\x1b[0m`);

if (process.getuid?.() !== 0) {
  console.error('npm run demo starts local test hosts (systemd-nspawn containers) and needs root. Run it as root.');
  process.exit(1);
}

say('Starting three fresh test hosts: master, node1, node2 (first time: builds a Debian rootfs and a local yum repo, ~1 min)');
const hosts = await testHosts();
await hosts.reset();
for (const h of hosts.hosts) console.log(`  ${h.name.padEnd(8)} ${h.address}`);

// Users run `node playbooks/cluster.ts`; where the system Node is older than 22.18, the one npm installed.
const systemNode = process.env.npm_node_execpath ?? 'node';
const [major, minor] = (spawnSync(systemNode, ['--version'], { encoding: 'utf8' }).stdout ?? '').replace('v', '').split('.').map(Number);
const nodeCommand = major > 22 || (major === 22 && minor >= 18) ? 'node' : 'node_modules/.bin/node';
const playbook = ['playbooks/cluster.ts', '-i', rel(hosts.inventoryPath), '--known-hosts', rel(hosts.knownHostsPath)];
const runPlaybook = (extra: string[] = []) => {
  console.log(`\n$ ${nodeCommand} ${[...playbook, ...extra].join(' ')}`);
  const started = Date.now();
  const r = spawnSync(process.execPath, [...playbook, ...extra], { cwd: root, stdio: 'inherit' });
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s, exit code ${r.status})`);
  return r.status ?? 1;
};

say('Dry run on the fresh hosts: --check (nothing changes)');
if (runPlaybook(['--check']) !== 0) process.exit(1);
say('The real run: common → etcd → flannel → master → node');
if (runPlaybook() !== 0) process.exit(1);
say('The same run again: idempotent, changed=0 everywhere');
if (runPlaybook() !== 0) process.exit(1);

const [m, n] = hosts.hosts;
say('Look around');
console.log(`  ssh -i ${rel(hosts.keyPath)} -o UserKnownHostsFile=${rel(hosts.knownHostsPath)} -o HostKeyAlias=${m.name} root@${m.address}
    systemctl status etcd kube-apiserver; curl -s http://127.0.0.1:2379/v2/keys/atomic.io/network/config; curl -s http://master:8080/healthz
  ssh -i ${rel(hosts.keyPath)} -o UserKnownHostsFile=${rel(hosts.knownHostsPath)} -o HostKeyAlias=${n.name} root@${n.address}
    cat /run/flannel/subnet.env; cat /etc/kubernetes/kubelet; cat /var/lib/hostwright-standin/kubelet.json
  Try a change:  ${nodeCommand} ${playbook.join(' ')} --check --diff -e kube_log_level=2
  Stop the hosts: ${nodeCommand} test/hosts/cli.ts down`);
