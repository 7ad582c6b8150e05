/**
 * The Kubernetes roles on real test hosts: converge of fresh hosts validated as the spec says, an exact
 * check-mode prediction on fresh hosts (changed set and diffs, from the packages' preview), a zero-change rerun, a variable change shown by --check --diff and then applied
 * with exactly the right restarts, and --limit.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import cluster from '../../playbooks/cluster.ts';
import { run, type RunPlaybookResult } from '../../lib/run.ts';
import { runCli } from '../../lib/cli/playbook-command.ts';
import { clusterHosts, hostDigest, layoutFromEnv, sh, type ClusterHosts } from '../support/cluster.ts';
import { hostResults } from '../support/run.ts';
import { UNKNOWN_BEFORE } from '../../lib/tasks/file.ts';

let c: ClusterHosts;
const layout = layoutFromEnv();
const [M] = layout.masters;
const all = [...new Set([...layout.etcd, ...layout.masters, ...layout.nodes])];

const runCluster = (options: { check?: boolean; diff?: boolean; extraVars?: Record<string, unknown>; limit?: string } = {}) =>
  run(cluster, { inventory: c.clusterInventory, knownHostsFile: c.knownHostsPath, collectEvents: true, ...options });

/** `host|role|task|handler` of a result. */
const key = (e: { host: string; role?: string; task: string; handler: boolean }) => `${e.host}|${e.role ?? ''}|${e.task}|${e.handler}`;
/** The keys of every result with one of the statuses. */
const keys = (r: RunPlaybookResult, statuses: string[]) =>
  new Set(
    hostResults(r)
      .filter((e) => statuses.includes(e.status))
      .map(key),
  );

test.before(async () => {
  c = await clusterHosts(layout);
  await c.reset(all);
});

let check: RunPlaybookResult;

/**
 * What check mode on fresh hosts may still call "may change" (README, "Check mode, diffs and may change"):
 * a command without a guard (the `sysctl reload` handler) is never run in check mode, and the flannel key
 * is read from an etcd that only the real run starts.
 */
const UNKNOWABLE = [/\|common\|sysctl reload\|true$/, /\|flannel\|flannel network config in etcd\|false$/];

test('--check --diff on fresh hosts does not fail and changes nothing; "may change" only where it cannot be known', async () => {
  const before = await Promise.all(all.map((h) => hostDigest(c, h)));
  check = await runCluster({ check: true, diff: true });
  assert.is(check.exitCode, 0, JSON.stringify(hostResults(check).filter((e) => e.status === 'failed')));
  for (const h of all) assert.is(check.recap[h].failed, 0);
  const after = await Promise.all(all.map((h) => hostDigest(c, h)));
  assert.equal(after, before, 'check mode changed a host');
  const may = hostResults(check).filter((e) => e.status === 'may-change');
  assert.equal(
    may.filter((e) => !UNKNOWABLE.some((re) => re.test(key(e)))).map((e) => `${key(e)}: ${e.message}`),
    [],
    'only the documented tasks may say "may change"',
  );
  assert.ok(keys(check, ['changed']).size > 40);
});

test('converge of fresh hosts: exit 0; exactly the tasks check mode called changed changed, with the same diffs', async () => {
  const r = await runCluster({ diff: true });
  assert.is(
    r.exitCode,
    0,
    JSON.stringify(
      hostResults(r).filter((e) => e.status === 'failed'),
      null,
      1,
    ),
  );
  const changed = keys(r, ['changed']);
  const definite = keys(check, ['changed']);
  const missing = [...changed].filter((k) => !definite.has(k) && !UNKNOWABLE.some((re) => re.test(k)));
  const extra = [...definite].filter((k) => !changed.has(k));
  assert.equal({ missing, extra }, { missing: [], extra: [] }, 'check mode prediction differs from the real run');
  // Task by task, diff by diff. A `before` that only the earlier task's run decides (the mode openssl gives
  // the key it writes) is shown as such; its key and `after` must still match.
  const predicted = new Map(hostResults(check).map((e) => [key(e), e.diff ?? []]));
  for (const e of hostResults(r).filter((x) => x.status === 'changed' && definite.has(key(x)))) {
    const want = predicted.get(key(e))!;
    const got = (e.diff ?? []).map((d, i) =>
      d.kind === 'state' && want[i]?.kind === 'state' && want[i].before === UNKNOWN_BEFORE ? { ...d, before: UNKNOWN_BEFORE } : d,
    );
    assert.equal(want, got, `${key(e)}: the diff check mode showed differs from the real run's`);
  }
});

test('validation: etcd key, services, apiserver from a node, flannel subnets, daemon flags', async () => {
  const key = JSON.parse(await sh(c, M, 'curl -s http://127.0.0.1:2379/v2/keys/atomic.io/network/config'));
  assert.equal(JSON.parse(key.node.value), { Network: '172.17.0.0/16' });
  const units: Record<string, string[]> = {};
  for (const h of layout.etcd) (units[h] ??= []).push('etcd');
  for (const h of layout.masters) (units[h] ??= []).push('flanneld', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler');
  for (const h of layout.nodes) (units[h] ??= []).push('flanneld', 'docker', 'kube-proxy', 'kubelet');
  for (const h of all) (units[h] ??= []).push('chronyd');
  for (const [h, list] of Object.entries(units)) {
    const out = await sh(c, h, list.map((u) => `echo ${u} $(systemctl is-active ${u}) $(systemctl is-enabled ${u})`).join('; '));
    for (const u of list) assert.ok(out.includes(`${u} active enabled`), `${h}: ${u}: ${out}`);
    assert.match(await sh(c, h, 'systemctl is-active firewalld || true'), /inactive|unknown/);
  }
  for (const n of layout.nodes) assert.is((await sh(c, n, `curl -s http://${M}:8080/healthz`)).trim(), 'ok');
  const subnets = [];
  for (const h of [...layout.masters, ...layout.nodes]) {
    const env = await sh(c, h, 'cat /run/flannel/subnet.env');
    const subnet = /FLANNEL_SUBNET=(\S+)/.exec(env)?.[1];
    assert.ok(subnet, `${h}: ${env}`);
    subnets.push(subnet);
  }
  assert.is(new Set(subnets).size, subnets.length, `distinct subnets: ${subnets}`);
  const argv = async (h: string, daemon: string) => JSON.parse(await sh(c, h, `cat /var/lib/hostwright-standin/${daemon}.json`)).argv.join(' ');
  const api = await argv(M, 'kube-apiserver');
  assert.match(api, /--insecure-bind-address=0\.0\.0\.0/);
  assert.match(api, new RegExp(`--etcd-servers=http://${layout.etcd[0]}:2379`));
  assert.match(api, /--service-account-key-file=\/etc\/kubernetes\/serviceaccount\.key/);
  for (const n of layout.nodes) {
    const kubelet = await argv(n, 'kubelet');
    assert.match(kubelet, new RegExp(`--api-servers=http://${M}:8080`));
    assert.match(kubelet, new RegExp(`--hostname-override=${n}( |$)`));
    assert.match(kubelet, /--address=0\.0\.0\.0/);
    assert.match(await argv(n, 'kube-proxy'), new RegExp(`--master=http://${M}:8080`));
  }
  const hostsFile = await sh(c, layout.nodes[0], 'cat /etc/hosts');
  for (const h of c.hosts) assert.ok(hostsFile.includes(`${h.address} ${h.name}`), hostsFile);
});

test('the second run reports changed=0 on every host', async () => {
  const r = await runCluster();
  assert.is(r.exitCode, 0);
  for (const h of all)
    assert.is(r.recap[h].changed, 0, `${h}: ${JSON.stringify(hostResults(r, h).filter((e) => e.status !== 'ok' && e.status !== 'skipped'))}`);
  assert.ok(r.stats.roundTripsPerTask <= 1.05, `round trips per task ${r.stats.roundTripsPerTask}`);
});

test('--check --diff -e on a converged cluster shows diffs and handlers, changes nothing; the real run matches', async () => {
  const before = await Promise.all(all.map((h) => hostDigest(c, h)));
  const check = await runCluster({ check: true, diff: true, extraVars: { kube_log_level: 2 } });
  assert.is(check.exitCode, 0);
  const diffs = hostResults(check).filter((e) => e.diff?.some((d) => d.kind === 'file' && d.path === '/etc/kubernetes/config'));
  assert.equal(diffs.map((e) => e.host).sort(), [...layout.masters, ...layout.nodes].sort());
  const d = diffs[0].diff!.find((x) => x.kind === 'file')!;
  assert.ok(d.kind === 'file' && d.before.includes('--v=0') && d.after.includes('--v=2'));
  const predicted = keys(check, ['changed', 'may-change']);
  const predictedHandlers = [...predicted].filter((k) => k.endsWith('|true')).sort();
  assert.equal(
    predictedHandlers,
    [
      ...layout.masters.flatMap((m) =>
        ['restart kube-apiserver', 'restart kube-controller-manager', 'restart kube-scheduler'].map((t) => `${m}|master|${t}|true`),
      ),
      ...layout.nodes.flatMap((n) => ['restart kube-proxy', 'restart kubelet'].map((t) => `${n}|node|${t}|true`)),
    ].sort(),
  );
  assert.equal(await Promise.all(all.map((h) => hostDigest(c, h))), before, 'check mode changed a host');

  // The same through the command line prints the diff.
  let text = '';
  const out = { write: (s: string) => ((text += s), true) } as any;
  const code = await runCli(
    cluster,
    ['-i', c.clusterInventory, '--known-hosts', c.knownHostsPath, '--check', '--diff', '-e', 'kube_log_level=2', '--limit', M],
    out,
    out,
  );
  assert.is(code, 0, text);
  assert.match(text, /--- before: \/etc\/kubernetes\/config\n\+\+\+ after: \/etc\/kubernetes\/config/);
  assert.match(text, /-KUBE_LOG_LEVEL="--v=0"\n\+KUBE_LOG_LEVEL="--v=2"/);

  const real = await runCluster({ extraVars: { kube_log_level: 2 } });
  assert.is(real.exitCode, 0);
  assert.equal([...keys(real, ['changed'])].sort(), [...predicted].sort(), 'real run differs from check mode');
  // Exactly those daemons were restarted: their main PID changed, the others kept theirs.
  const pid = (digest: string, unit: string) => new RegExp(`^${unit} pid=(\\d+)$`, 'm').exec(digest)?.[1];
  const after = await Promise.all(all.map((h) => hostDigest(c, h)));
  all.forEach((h, i) => {
    const restarted = ['etcd', 'flanneld', 'docker', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy', 'kubelet'].filter(
      (u) => pid(before[i], u) !== '0' && pid(before[i], u) !== pid(after[i], u),
    );
    const expected = [
      ...(layout.masters.includes(h) ? ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] : []),
      ...(layout.nodes.includes(h) ? ['kube-proxy', 'kubelet'] : []),
    ];
    assert.equal(restarted, expected, `${h} restarted ${restarted}`);
  });
});

test('--limit connects to and changes only that host', async () => {
  const target = layout.nodes.at(-1)!;
  const others = all.filter((h) => h !== target);
  const before = await Promise.all(others.map((h) => hostDigest(c, h)));
  const r = await runCluster({ limit: target, extraVars: { kube_log_level: 3 } });
  assert.is(r.exitCode, 0);
  assert.equal(Object.keys(r.recap), [target]);
  assert.is(r.stats.connections, 1);
  assert.ok(r.recap[target].changed > 0);
  assert.equal(await Promise.all(others.map((h) => hostDigest(c, h))), before);
  // Back to the defaults for whoever runs next.
  assert.is((await runCluster()).exitCode, 0);
});

test.run();
