/**
 * The classic CentOS 7 Kubernetes cluster: common → etcd → flannel → master → node.
 *
 *   node playbooks/cluster.ts -i inventory/cluster.yml [--check] [--diff] [--limit node2] [-e var=value] ...
 *
 * Importable too: `import cluster from './playbooks/cluster.ts'` and `run(cluster, { inventory })`.
 */
import { definePlaybook, runIfMain } from '../lib/index.ts';
import { common, etcd, flannel, master, node } from '../roles/index.ts';

const cluster = definePlaybook({
  name: 'cluster',
  plays: [
    { name: 'prerequisites on every cluster host', hosts: 'etcd:masters:nodes', roles: [common] },
    { name: 'etcd', hosts: 'etcd', roles: [etcd] },
    { name: 'flannel on masters and nodes', hosts: 'masters:nodes', roles: [flannel] },
    { name: 'kubernetes master', hosts: 'masters', roles: [master] },
    { name: 'kubernetes nodes', hosts: 'nodes', roles: [node] },
  ],
});

export default cluster;

await runIfMain(import.meta.url, cluster);
