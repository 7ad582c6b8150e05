/**
 * Role `node` (group `nodes`): kubernetes-node (which pulls docker), /etc/kubernetes/{config,kubelet,proxy},
 * then docker, kube-proxy and kubelet enabled and running. Handlers restart exactly what changed.
 */
import { defineRole, handler, pkg, service } from '../../lib/index.ts';
import { clusterDefaults, clusterVarsSchema, kubeConfigFile as conf, sharedTemplate } from '../shared/vars.ts';

/** The `node` role. */
export const node = defineRole({
  name: 'node',
  defaults: clusterDefaults,
  varsSchema: clusterVarsSchema,
  templates: new URL('./templates/', import.meta.url),
  tasks: [
    pkg({ name: 'kubernetes-node' }, 'kubernetes-node installed'),
    pkg(
      { name: 'python-rhsm-certificates' },
      { name: 'Red Hat registry CA (pod infra image)', when: (h) => h.vars.install_rhsm_certificates === true },
    ),
    conf('config', sharedTemplate('kube-config.hbs'), ['restart kubelet', 'restart kube-proxy']),
    conf('kubelet', 'kubelet.hbs', ['restart kubelet']),
    conf('proxy', 'proxy.hbs', ['restart kube-proxy']),
    service({ name: 'docker', state: 'started', enabled: true }, 'docker enabled and running'),
    service({ name: 'kube-proxy', state: 'started', enabled: true }, 'kube-proxy enabled and running'),
    service({ name: 'kubelet', state: 'started', enabled: true }, 'kubelet enabled and running'),
  ],
  handlers: [
    handler('restart kube-proxy', service({ name: 'kube-proxy', state: 'restarted' }, 'restart kube-proxy')),
    handler('restart kubelet', service({ name: 'kubelet', state: 'restarted' }, 'restart kubelet')),
  ],
});
