/**
 * The roles on the yum-only host variant (test/hosts: names starting with `yum` have no `dnf` command,
 * like CentOS 7), with the CentOS 7.9 repository shape: `auto` picks yum for every package task, the node
 * role's python-rhsm-certificates is installed as subscription-manager-rhsm-certificates, --check
 * predicts the converge exactly, and the second run changes nothing. One master (with etcd), one node.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import cluster from '../../playbooks/cluster.ts';
import { run, type RunPlaybookResult } from '../../lib/run.ts';
import { clusterHosts, hostDigest, sh, type ClusterHosts } from '../support/cluster.ts';
import { hostResults } from '../support/run.ts';

const layout = { etcd: ['yum-master'], masters: ['yum-master'], nodes: ['yum-node1'] };
const all = ['yum-master', 'yum-node1'];
let c: ClusterHosts;

const runCluster = (options: { check?: boolean } = {}) =>
  run(cluster, { inventory: c.clusterInventory, knownHostsFile: c.knownHostsPath, collectEvents: true, ...options });
const failures = (r: RunPlaybookResult) =>
  JSON.stringify(
    hostResults(r).filter((e) => e.status === 'failed'),
    null,
    1,
  );
const keys = (r: RunPlaybookResult, statuses: string[]) =>
  new Set(
    hostResults(r)
      .filter((e) => statuses.includes(e.status))
      .map((e) => `${e.host}|${e.role ?? ''}|${e.task}|${e.handler}`),
  );

test.before(async () => {
  c = await clusterHosts(layout);
  await c.reset(all);
});

test.after(async () => {
  await c.stop(all);
});

let predicted: Set<string>;

test('the hosts have yum only; --check on fresh hosts predicts and changes nothing', async () => {
  for (const h of all) assert.is(await sh(c, h, 'command -v dnf || echo none; command -v yum'), 'none\n/usr/bin/yum\n');
  const before = await Promise.all(all.map((h) => hostDigest(c, h)));
  const r = await runCluster({ check: true });
  assert.is(r.exitCode, 0, failures(r));
  assert.equal(await Promise.all(all.map((h) => hostDigest(c, h))), before, 'check mode changed a host');
  predicted = keys(r, ['changed', 'may-change']);
});

test('converge: exit 0, every package task went through yum, exactly what check mode predicted', async () => {
  const r = await runCluster();
  assert.is(r.exitCode, 0, failures(r));
  const changed = keys(r, ['changed']);
  const extra = [...predicted].filter((k) => !changed.has(k) && !/\|\/etc\/kubernetes\/(scheduler|proxy)\|false$/.test(k));
  assert.equal({ missing: [...changed].filter((k) => !predicted.has(k)), extra }, { missing: [], extra: [] });
  const installs = hostResults(r).filter((e) => e.status === 'changed' && /^install /.test(e.message ?? ''));
  assert.ok(installs.length >= 5, JSON.stringify(installs.map((e) => e.message)));
  for (const e of installs) assert.match(e.message ?? '', /\(yum\)$/);
  const rhsm = hostResults(r, 'yum-node1').find((e) => e.task === 'Red Hat registry CA (pod infra image)');
  assert.equal([rhsm?.status, rhsm?.message], ['changed', 'install python-rhsm-certificates (yum)']);
  assert.is(
    await sh(c, 'yum-node1', "rpm -q --qf '%{NAME}-%{VERSION}\\n' subscription-manager-rhsm-certificates docker kubernetes-node"),
    'subscription-manager-rhsm-certificates-1.24.51\ndocker-1.13.1\nkubernetes-node-1.5.2\n',
  );
  assert.is((await sh(c, 'yum-node1', 'systemctl is-active kubelet docker')).trim(), 'active\nactive');
  assert.is((await sh(c, 'yum-node1', 'curl -s http://yum-master:8080/healthz')).trim(), 'ok');
});

test('the second run changes nothing; the rhsm task is ok through the provide', async () => {
  const r = await runCluster();
  assert.is(r.exitCode, 0, failures(r));
  for (const h of all) assert.is(r.recap[h].changed, 0, `${h}: ${JSON.stringify(hostResults(r, h).filter((e) => e.status === 'changed'))}`);
  const rhsm = hostResults(r, 'yum-node1').find((e) => e.task === 'Red Hat registry CA (pod infra image)');
  assert.is(rhsm?.message, 'python-rhsm-certificates: provided by subscription-manager-rhsm-certificates-1.24.51-1.el7.centos');
});

test.run();
