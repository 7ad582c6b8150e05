/**
 * The roles on another layout with other names: one etcd host that is not a master, one master, three
 * nodes. Nothing in the roles is tied to the names master/node1/node2 or to etcd living on the master.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import cluster from '../../playbooks/cluster.ts';
import { run } from '../../lib/run.ts';
import { clusterHosts, sh, type ClusterHosts } from '../support/cluster.ts';
import { hostResults } from '../support/run.ts';

const layout = { etcd: ['kv-store'], masters: ['ctl'], nodes: ['w1', 'w2', 'w3'] };
const all = [...layout.etcd, ...layout.masters, ...layout.nodes];
let c: ClusterHosts;

test.before(async () => {
  c = await clusterHosts(layout);
  await c.reset(all);
});

test.after(async () => {
  await c.stop(all);
});

test('converges, with every address taken from the inventory groups', async () => {
  const r = await run(cluster, { inventory: c.clusterInventory, knownHostsFile: c.knownHostsPath, collectEvents: true });
  assert.is(
    r.exitCode,
    0,
    JSON.stringify(
      hostResults(r).filter((e) => e.status === 'failed'),
      null,
      1,
    ),
  );
  // etcd runs on the etcd host only; flannel and kubernetes never on it.
  assert.is((await sh(c, 'kv-store', 'systemctl is-active etcd')).trim(), 'active');
  assert.is((await c.exec('kv-store', 'systemctl is-active flanneld')).stdout.trim() === 'active', false);
  assert.is((await c.exec('ctl', 'systemctl is-active etcd')).stdout.trim() === 'active', false);
  const flannelConf = await sh(c, 'w2', 'cat /etc/sysconfig/flanneld');
  assert.match(flannelConf, /FLANNEL_ETCD_ENDPOINTS="http:\/\/kv-store:2379"/);
  const api = JSON.parse(await sh(c, 'ctl', 'cat /var/lib/hostwright-standin/kube-apiserver.json')).argv.join(' ');
  assert.match(api, /--etcd-servers=http:\/\/kv-store:2379/);
  const subnets = new Set<string>();
  for (const h of ['ctl', 'w1', 'w2', 'w3']) {
    subnets.add(/FLANNEL_SUBNET=(\S+)/.exec(await sh(c, h, 'cat /run/flannel/subnet.env'))![1]);
    assert.match(await sh(c, h, 'cat /etc/kubernetes/config'), /KUBE_MASTER="--master=http:\/\/ctl:8080"/);
  }
  assert.is(subnets.size, 4);
  for (const w of layout.nodes) {
    assert.is((await sh(c, w, 'curl -s http://ctl:8080/healthz')).trim(), 'ok');
    assert.match(JSON.parse(await sh(c, w, 'cat /var/lib/hostwright-standin/kubelet.json')).argv.join(' '), new RegExp(`--hostname-override=${w}`));
  }
});

test('a second run changes nothing', async () => {
  const r = await run(cluster, { inventory: c.clusterInventory, knownHostsFile: c.knownHostsPath });
  assert.is(r.exitCode, 0);
  for (const h of all) assert.is(r.recap[h].changed, 0, h);
});

test.run();
