/**
 * The cluster's variables: defaults from the spec's variables table (CentOS 7 shipped values where the
 * spec keeps them), typed, and every address derived from the inventory groups `etcd`, `masters` and
 * `nodes` — nothing is tied to the host names `master`, `node1`, `node2`.
 */
import { Type, file, template, type HostVars } from '../../lib/index.ts';

const first = (h: HostVars, group: string): string => {
  const members = h.groups[group] ?? [];
  if (members.length === 0) throw new Error(`group "${group}" has no hosts in the inventory; the Kubernetes roles need it`);
  return members[0];
};

/** Address of an inventory host: its `ansible_host` (or `address`), else its name. */
export const addressOf = (h: HostVars, host: string): string => {
  const hv = (h.vars.hostvars as Record<string, Record<string, unknown>>)[host] ?? {};
  return String(hv.ansible_host ?? hv.address ?? host);
};

/** Every cluster host (etcd ∪ masters ∪ nodes), in inventory order. */
export const clusterHostNames = (h: HostVars): string[] => {
  const seen = new Set<string>();
  for (const g of ['etcd', 'masters', 'nodes']) for (const host of h.groups[g] ?? []) seen.add(host);
  return (h.groups.all ?? []).filter((host) => seen.has(host));
};

/** Defaults shared by the roles; functions are computed per host from the other variables. */
export const clusterDefaults: Record<string, unknown> = {
  cluster_hosts: (h: HostVars) => clusterHostNames(h).map((name) => ({ name, ip: addressOf(h, name) })),
  etcd_host: (h: HostVars) => first(h, 'etcd'),
  etcd_client_port: 2379,
  etcd_peer_port: 2380,
  etcd_name: 'default',
  etcd_data_dir: '/var/lib/etcd/default.etcd',
  etcd_listen_client_urls: 'http://0.0.0.0:2379',
  etcd_advertise_client_urls: (h: HostVars) => `http://${h.vars.etcd_host}:${h.vars.etcd_client_port}`,
  etcd_endpoints: (h: HostVars) => (h.groups.etcd ?? []).map((e) => `http://${e}:${h.vars.etcd_client_port}`).join(','),
  flannel_etcd_prefix: '/atomic.io/network',
  flannel_network: '172.17.0.0/16',
  flannel_subnet_len: null,
  flannel_backend: null,
  flannel_options: '',
  flannel_config_json: (h: HostVars) => {
    const config: Record<string, unknown> = { Network: h.vars.flannel_network };
    if (h.vars.flannel_subnet_len !== null && h.vars.flannel_subnet_len !== undefined) config.SubnetLen = h.vars.flannel_subnet_len;
    if (h.vars.flannel_backend) config.Backend = { Type: h.vars.flannel_backend };
    return JSON.stringify(config);
  },
  kube_master_host: (h: HostVars) => first(h, 'masters'),
  kube_apiserver_insecure_bind_address: '0.0.0.0',
  kube_apiserver_insecure_port: 8080,
  kube_master_url: (h: HostVars) => `http://${h.vars.kube_master_host}:${h.vars.kube_apiserver_insecure_port}`,
  kube_service_addresses: '10.254.0.0/16',
  kube_admission_control: 'NamespaceLifecycle,NamespaceExists,LimitRanger,SecurityContextDeny,ServiceAccount,ResourceQuota',
  kube_service_account_key: '/etc/kubernetes/serviceaccount.key',
  kube_allow_privileged: false,
  kube_log_level: 0,
  kube_api_args: (h: HostVars) => `--service-account-key-file=${h.vars.kube_service_account_key}`,
  kube_controller_manager_args: (h: HostVars) => `--service-account-private-key-file=${h.vars.kube_service_account_key}`,
  kube_scheduler_args: '',
  kubelet_address: '0.0.0.0',
  kubelet_hostname_override: (h: HostVars) => h.host,
  pod_infra_container_image: 'registry.access.redhat.com/rhel7/pod-infrastructure:latest',
  install_rhsm_certificates: (h: HostVars) => String(h.vars.pod_infra_container_image).startsWith('registry.access.redhat.com/'),
  kubelet_args: '',
  kube_proxy_args: '',
  disable_swap: false,
  selinux_state: 'permissive',
};

const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const Str = Type.String();

/** Types of the cluster's variables: a wrong type from the inventory or `-e` is refused before the run. */
export const clusterVarsSchema = Type.Object({
  cluster_hosts: Type.Array(Type.Object({ name: Type.String({ minLength: 1 }), ip: Type.String({ minLength: 1 }) })),
  etcd_host: Str,
  etcd_client_port: Port,
  etcd_peer_port: Port,
  etcd_name: Str,
  etcd_data_dir: Type.String({ pattern: '^/' }),
  etcd_listen_client_urls: Str,
  etcd_advertise_client_urls: Str,
  etcd_endpoints: Str,
  flannel_etcd_prefix: Type.String({ pattern: '^/' }),
  flannel_network: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+$' }),
  flannel_subnet_len: Type.Union([Type.Integer({ minimum: 8, maximum: 30 }), Type.Null()]),
  flannel_backend: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
  flannel_options: Str,
  flannel_config_json: Str,
  kube_master_host: Str,
  kube_apiserver_insecure_bind_address: Str,
  kube_apiserver_insecure_port: Port,
  kube_master_url: Str,
  kube_service_addresses: Str,
  kube_admission_control: Str,
  kube_service_account_key: Type.String({ pattern: '^/' }),
  kube_allow_privileged: Type.Boolean(),
  kube_log_level: Type.Integer({ minimum: 0 }),
  kube_api_args: Str,
  kube_controller_manager_args: Str,
  kube_scheduler_args: Str,
  kubelet_address: Str,
  kubelet_hostname_override: Str,
  pod_infra_container_image: Str,
  install_rhsm_certificates: Type.Boolean(),
  kubelet_args: Str,
  kube_proxy_args: Str,
  disable_swap: Type.Boolean(),
  selinux_state: Type.Union([Type.Literal('enforcing'), Type.Literal('permissive'), Type.Literal('disabled')]),
});

/** Absolute path of a template shared by several roles. */
export const sharedTemplate = (name: string): string => decodeURIComponent(new URL(`./templates/${name}`, import.meta.url).pathname);

/** A file under /etc/kubernetes from a template (root:root 0644, as the RPMs ship them), notifying handlers. */
export const kubeConfigFile = (name: string, templateName: string, notify: string[]) =>
  file(
    { path: `/etc/kubernetes/${name}`, content: template(templateName), owner: 'root', group: 'root', mode: '0644' },
    { name: `/etc/kubernetes/${name}`, notify },
  );
