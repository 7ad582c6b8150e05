/**
 * Role `flannel` (masters and nodes): the network config key written once into etcd through the v2 API
 * (from the first flannel host, at the first etcd endpoint), the package, /etc/sysconfig/flanneld, flanneld enabled and running.
 * Handlers restart flanneld, then docker (stop, drop docker0, start, and start kubelet again, which
 * `Requires=docker.service` stopped) when their inputs change.
 */
import { defineRole, file, handler, pkg, service, shell, template } from '../../lib/index.ts';
import { clusterDefaults, clusterVarsSchema } from '../shared/vars.ts';
import { etcdKey } from './etcd-key.ts';

const restartDocker = [
  'systemctl is-active -q docker || exit 0',
  'systemctl stop docker',
  'if ip link show docker0 >/dev/null 2>&1; then ip link delete docker0; fi',
  'systemctl start docker',
  'if systemctl is-enabled -q kubelet 2>/dev/null; then systemctl start kubelet; fi',
].join('\n');

/** The `flannel` role. */
export const flannel = defineRole({
  name: 'flannel',
  defaults: clusterDefaults,
  varsSchema: clusterVarsSchema,
  templates: new URL('./templates/', import.meta.url),
  tasks: [
    // Written once, from the first flannel host, through the same etcd endpoint flanneld uses: so it proves the
    // network path flanneld needs, and `--limit` on one host connects to that host only.
    etcdKey(
      (h) => ({
        endpoint: String(h.vars.etcd_endpoints).split(',')[0],
        key: `${h.vars.flannel_etcd_prefix}/config`,
        value: String(h.vars.flannel_config_json),
      }),
      {
        name: 'flannel network config in etcd',
        runOnce: true,
        notify: 'restart flanneld',
      },
    ),
    pkg({ name: 'flannel' }, 'flannel installed'),
    file(
      { path: '/etc/sysconfig/flanneld', content: template('flanneld.hbs'), owner: 'root', group: 'root', mode: '0644' },
      { name: '/etc/sysconfig/flanneld', notify: 'restart flanneld' },
    ),
    service({ name: 'flanneld', state: 'started', enabled: true }, 'flanneld enabled and running'),
  ],
  handlers: [
    handler('restart flanneld', service({ name: 'flanneld', state: 'restarted' }, { name: 'restart flanneld', notify: 'restart docker' })),
    handler('restart docker', shell({ cmd: restartDocker }, 'restart docker (new flannel subnet)')),
  ],
});
