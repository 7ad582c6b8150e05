/**
 * The test-host harness itself (test/hosts): hosts up and reachable with the key and strict
 * known_hosts (by address and by name), a fresh host shaped like CentOS 7 minimal, the local yum repo
 * (etcd really serving the v2 API), the stand-ins (flanneld leases from etcd, kube-apiserver /healthz),
 * the apt repo, become with a password, and reset back to a fresh host.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { testHosts, type TestHosts } from '../hosts/index.ts';

let hosts: TestHosts;
const address = (name: string) => hosts.hosts.find((h) => h.name === name)!.address;

/** Runs a command over the real ssh client with strict host-key checking against the harness files. */
function ssh(user: string, name: string, command: string, input?: string, alias?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = [
    '-o',
    `UserKnownHostsFile=${hosts.knownHostsPath}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'ConnectTimeout=5',
    '-i',
    hosts.keyPath,
    ...(alias ? ['-o', `HostKeyAlias=${alias}`] : []),
    `${user}@${address(name)}`,
    command,
  ];
  return new Promise((resolve) => {
    const child = execFile('ssh', args, { timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
    child.stdin!.end(input ?? '');
  });
}

async function root(name: string, command: string): Promise<string> {
  const r = await ssh('root', name, command);
  assert.is(r.code, 0, `${name}: ${command}\n${r.stderr}`);
  return r.stdout.trim();
}

test.before(async () => {
  hosts = await testHosts();
  // Other suites converge these hosts: start from fresh ones.
  await hosts.reset();
});

test.after(async () => {
  // Leave fresh hosts for the suites that follow.
  if (hosts) await hosts.reset();
});

test('default hosts, inventory and known_hosts', () => {
  assert.equal(
    hosts.hosts.map((h) => h.name),
    ['master', 'node1', 'node2'],
  );
  assert.equal(
    hosts.hosts.map((h) => h.address),
    ['10.77.0.11', '10.77.0.12', '10.77.0.13'],
  );
  const inventory = parse(readFileSync(hosts.inventoryPath, 'utf8'));
  assert.equal(Object.keys(inventory.all.hosts), ['master', 'node1', 'node2']);
  assert.equal(inventory.all.hosts.node1, { ansible_host: '10.77.0.12', ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath });
  assert.equal(Object.keys(inventory.all.children.etcd.hosts), ['master']);
  assert.equal(Object.keys(inventory.all.children.masters.hosts), ['master']);
  assert.equal(Object.keys(inventory.all.children.nodes.hosts), ['node1', 'node2']);
  const known = readFileSync(hosts.knownHostsPath, 'utf8');
  for (const h of hosts.hosts) assert.match(known, new RegExp(`^${h.name},${h.address.replace(/\./g, '\\.')} ssh-ed25519 `, 'm'));
});

test('ssh as root with the key and strict known_hosts, by address and by name', async () => {
  for (const h of hosts.hosts) {
    assert.is(await root(h.name, 'hostname'), h.name);
    const byName = await ssh('root', h.name, 'true', undefined, h.name);
    assert.is(byName.code, 0, byName.stderr);
  }
  // A wrong key for the name must be refused: node1's address checked against master's entry.
  const wrong = await ssh('root', 'node1', 'true', undefined, 'master');
  assert.is.not(wrong.code, 0);
  assert.match(wrong.stderr, /HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
});

test('a fresh host looks like CentOS 7 minimal', async () => {
  const out = await root(
    'node1',
    [
      'systemctl is-active firewalld chronyd',
      'systemctl is-enabled firewalld chronyd',
      'rpm -q firewalld chrony centos-release >/dev/null && echo rpms-ok',
      'cat /etc/centos-release',
      'systemctl list-unit-files iptables.service | grep -c iptables.service || true',
      'grep -c 10.77.0.1[123] /etc/hosts || true',
      'cat /etc/yum.repos.d/*.repo | grep -c ^baseurl',
      'dnf -q repolist 2>/dev/null | tail -n +2',
      'systemctl is-system-running',
    ].join('; '),
  );
  assert.equal(
    out.split('\n').map((l) => l.replace(/\s+/g, ' ').trim()),
    [
      'active',
      'active',
      'enabled',
      'enabled',
      'rpms-ok',
      'CentOS Linux release 7.3.1611 (Core)',
      '0',
      '0',
      '1',
      'hostwright-local hostwright local test repo',
      'running',
    ],
  );
});

test('yum installs etcd from the local repo and etcd serves the v2 API', async () => {
  assert.is(await root('master', 'yum -y install etcd >/dev/null && rpm -q etcd'), 'etcd-3.3.11-2.el7.centos.x86_64');
  assert.is(await root('master', 'yum -y install etcd >/dev/null 2>&1; echo $?'), '0');
  assert.is(await root('master', 'stat -c "%U %a" /var/lib/etcd /etc/etcd/etcd.conf | tr "\\n" " "'), 'etcd 755 root 644');
  await root('master', 'systemctl start etcd');
  assert.is(await root('master', 'systemctl is-active etcd'), 'active');
  const set = JSON.parse(await root('master', 'curl -sf -X PUT http://127.0.0.1:2379/v2/keys/hw/probe -d value=42'));
  assert.is(set.node.value, '42');
  assert.is(await root('master', 'etcdctl get /hw/probe'), '42');
  assert.match(await root('master', 'etcdctl cluster-health'), /cluster is healthy/);
});

test('stand-ins: kube-apiserver answers /healthz, flanneld leases distinct subnets from etcd', async () => {
  await root(
    'master',
    'sed -i \'s|^ETCD_LISTEN_CLIENT_URLS=.*|ETCD_LISTEN_CLIENT_URLS="http://0.0.0.0:2379"|\' /etc/etcd/etcd.conf' +
      ' && systemctl restart etcd && etcdctl mk /atomic.io/network/config \'{"Network":"172.17.0.0/16"}\' >/dev/null',
  );
  await root('master', 'yum -y install kubernetes-master >/dev/null && systemctl start kube-apiserver');
  assert.is(await root('master', 'curl -sf http://127.0.0.1:8080/healthz'), 'ok');
  const recorded = JSON.parse(await root('master', 'cat /var/lib/hostwright-standin/kube-apiserver.json'));
  assert.ok(recorded.argv.includes('--etcd-servers=http://127.0.0.1:2379'), JSON.stringify(recorded.argv));
  assert.is(recorded.env.KUBE_API_ADDRESS, '--insecure-bind-address=127.0.0.1');
  const subnets: string[] = [];
  for (const node of ['node1', 'node2']) {
    await root(
      node,
      'yum -y install flannel >/dev/null && sed -i \'s|^FLANNEL_ETCD_ENDPOINTS=.*|FLANNEL_ETCD_ENDPOINTS="http://10.77.0.11:2379"|\' /etc/sysconfig/flanneld' +
        ' && systemctl start flanneld',
    );
    const env = await root(node, 'cat /run/flannel/subnet.env');
    assert.match(env, /^FLANNEL_NETWORK=172\.17\.0\.0\/16$/m);
    assert.match(env, /^FLANNEL_MTU=1472$/m);
    subnets.push(/^FLANNEL_SUBNET=(.*)$/m.exec(env)![1]);
    assert.match(await root(node, 'cat /run/flannel/docker'), `DOCKER_NETWORK_OPTIONS=" --bip=${subnets.at(-1)} --ip-masq=true --mtu=1472"`);
  }
  assert.is.not(subnets[0], subnets[1]);
  const leases = (await root('master', 'etcdctl ls /atomic.io/network/subnets')).split('\n').sort();
  assert.equal(leases, subnets.map((s) => `/atomic.io/network/subnets/${s.replace('.1/24', '.0-24')}`).sort());
  const lease = JSON.parse(await root('master', `etcdctl get ${leases[0]}`));
  assert.ok(['10.77.0.12', '10.77.0.13'].includes(lease.PublicIP), JSON.stringify(lease));
});

test('kubernetes-node pulls docker, kubernetes-client, socat, conntrack-tools; docker0 gets the flannel --bip', async () => {
  await root('node1', 'yum -y install kubernetes-node >/dev/null');
  assert.is((await root('node1', 'rpm -q --qf "%{NAME}\\n" docker kubernetes-client socat conntrack-tools')).split('\n').length, 4);
  await root('node1', 'systemctl start docker kubelet kube-proxy');
  const bip = /^FLANNEL_SUBNET=(.*)$/m.exec(await root('node1', 'cat /run/flannel/subnet.env'))![1];
  assert.match(await root('node1', 'ip -4 -o addr show docker0'), ` ${bip} `);
  assert.is(await root('node1', 'systemctl is-active docker kubelet kube-proxy | sort -u'), 'active');
});

test('local apt repo: apt-get installs hw-extra with its dependency', async () => {
  await root('node2', 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q hw-extra >/dev/null 2>&1');
  assert.is(await root('node2', 'hw-extra'), 'hello from hw-hello 1.0\nand hw-extra 1.0');
  assert.is(
    await root('node2', 'grep -h ^deb /etc/apt/sources.list.d/*.list; ls /etc/apt/sources.list 2>/dev/null | wc -l'),
    'deb [trusted=yes] file:/srv/apt ./\n0',
  );
});

test('deploy logs in with the key; sudo needs the password deploy-sudo', async () => {
  const noPassword = await ssh('deploy', 'node2', 'sudo -n true');
  assert.is.not(noPassword.code, 0);
  assert.match(noPassword.stderr, /password is required/);
  const wrong = await ssh('deploy', 'node2', "sudo -S -p '' true", 'wrong-password\n');
  assert.is.not(wrong.code, 0);
  const right = await ssh('deploy', 'node2', "sudo -S -p '' id -u", 'deploy-sudo\n');
  assert.is(right.code, 0, right.stderr);
  assert.is(right.stdout.trim(), '0');
});

test('exec runs inside the host (nsenter) and sees the same state as ssh', async () => {
  await root('node2', 'echo via-ssh > /root/exec-probe');
  const r = await hosts.exec('node2', 'hostname; cat /root/exec-probe; ip -4 -o addr show host0 | wc -l');
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'node2\nvia-ssh\n1\n');
  assert.is((await hosts.exec('node2', 'exit 3')).code, 3);
});

test('reset returns a host to the fresh state, same address and host key', async () => {
  await root('master', 'touch /root/dirty');
  const started = Date.now();
  await hosts.reset(['master']);
  const took = Date.now() - started;
  assert.ok(took < 20_000, `reset took ${took} ms`);
  const out = await root(
    'master',
    'ls /root/dirty 2>/dev/null | wc -l; rpm -q etcd >/dev/null 2>&1 && echo has-etcd || echo no-etcd; systemctl is-active firewalld chronyd',
  );
  assert.equal(out.split('\n'), ['0', 'no-etcd', 'active', 'active']);
});

test('stop and start again', async () => {
  await hosts.stop(['node2']);
  const down = await ssh('root', 'node2', 'true');
  assert.is.not(down.code, 0);
  await hosts.start(['node2']);
  assert.is(await root('node2', 'ls /root/exec-probe 2>/dev/null | wc -l; hostname'), '0\nnode2');
});

test.run();
