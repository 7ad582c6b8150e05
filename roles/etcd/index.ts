/**
 * Role `etcd` (group `etcd`): the package, /etc/etcd/etcd.conf from the shipped file with the listen and
 * advertise URLs templated, the service enabled and running, then wait until etcd answers.
 */
import { defineRole, file, handler, pkg, service, template, wait } from '../../lib/index.ts';
import { clusterDefaults, clusterVarsSchema } from '../shared/vars.ts';

/** The `etcd` role. */
export const etcd = defineRole({
  name: 'etcd',
  defaults: clusterDefaults,
  varsSchema: clusterVarsSchema,
  templates: new URL('./templates/', import.meta.url),
  tasks: [
    pkg({ name: 'etcd' }, 'etcd installed'),
    file(
      { path: '/etc/etcd/etcd.conf', content: template('etcd.conf.hbs'), owner: 'root', group: 'root', mode: '0644' },
      { name: '/etc/etcd/etcd.conf', notify: 'restart etcd' },
    ),
    service({ name: 'etcd', state: 'started', enabled: true }, 'etcd enabled and running'),
    wait((h) => ({ url: `http://127.0.0.1:${h.vars.etcd_client_port}/health`, expect: 'true', timeout: 60 }), 'etcd answers'),
  ],
  handlers: [handler('restart etcd', service({ name: 'etcd', state: 'restarted' }, 'restart etcd'))],
});
