/**
 * Role `master` (group `masters`): kubernetes-master, the four /etc/kubernetes files, the service-account
 * key, then kube-apiserver (waited for until /healthz answers), kube-controller-manager, kube-scheduler.
 * Handlers restart exactly the daemons whose files changed.
 */
import { command, defineRole, file, handler, pkg, service, wait } from '../../lib/index.ts';
import { clusterDefaults, clusterVarsSchema, kubeConfigFile as conf, sharedTemplate } from '../shared/vars.ts';

/** The `master` role. */
export const master = defineRole({
  name: 'master',
  defaults: clusterDefaults,
  varsSchema: clusterVarsSchema,
  templates: new URL('./templates/', import.meta.url),
  tasks: [
    pkg({ name: 'kubernetes-master' }, 'kubernetes-master installed'),
    conf('config', sharedTemplate('kube-config.hbs'), ['restart kube-apiserver', 'restart kube-controller-manager', 'restart kube-scheduler']),
    conf('apiserver', 'apiserver.hbs', ['restart kube-apiserver']),
    command((h) => ({ cmd: `openssl genrsa -out ${h.vars.kube_service_account_key} 2048`, creates: String(h.vars.kube_service_account_key) }), {
      name: 'service-account key',
      notify: ['restart kube-apiserver', 'restart kube-controller-manager'],
    }),
    file(
      (h) => ({ path: String(h.vars.kube_service_account_key), owner: 'root', group: 'kube', mode: '0640' }),
      'service-account key readable by kube',
    ),
    conf('controller-manager', 'controller-manager.hbs', ['restart kube-controller-manager']),
    conf('scheduler', 'scheduler.hbs', ['restart kube-scheduler']),
    service({ name: 'kube-apiserver', state: 'started', enabled: true }, 'kube-apiserver enabled and running'),
    wait(
      (h) => ({ url: `http://127.0.0.1:${h.vars.kube_apiserver_insecure_port}/healthz`, expect: 'ok', timeout: 60 }),
      'kube-apiserver answers /healthz',
    ),
    service({ name: 'kube-controller-manager', state: 'started', enabled: true }, 'kube-controller-manager enabled and running'),
    service({ name: 'kube-scheduler', state: 'started', enabled: true }, 'kube-scheduler enabled and running'),
  ],
  handlers: [
    handler('restart kube-apiserver', service({ name: 'kube-apiserver', state: 'restarted' }, 'restart kube-apiserver')),
    handler('restart kube-controller-manager', service({ name: 'kube-controller-manager', state: 'restarted' }, 'restart kube-controller-manager')),
    handler('restart kube-scheduler', service({ name: 'kube-scheduler', state: 'restarted' }, 'restart kube-scheduler')),
  ],
});
