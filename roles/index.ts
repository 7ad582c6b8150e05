/**
 * The Kubernetes roles of the classic CentOS 7 cluster: `common`, `etcd`, `flannel`, `master`, `node`.
 * `import { common, etcd, flannel, master, node } from 'hostwright/roles'`.
 */
export { common } from './common/index.ts';
export { etcd } from './etcd/index.ts';
export { flannel } from './flannel/index.ts';
export { master } from './master/index.ts';
export { node } from './node/index.ts';
export { etcdKey } from './flannel/etcd-key.ts';
export { clusterDefaults, clusterVarsSchema } from './shared/vars.ts';
