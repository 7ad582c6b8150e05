/**
 * Role `common`: the prerequisites of every cluster host, before docker or flannel ever start —
 * every cluster host in /etc/hosts, time sync, firewalld and iptables.service off, SELinux config,
 * bridge netfilter and forwarding sysctls.
 */
import { command, defineRole, file, handler, line, modprobe, pkg, service, shell, template, type HostVars } from '../../lib/index.ts';
import { clusterDefaults, clusterVarsSchema } from '../shared/vars.ts';

/** The `common` role. */
export const common = defineRole({
  name: 'common',
  defaults: clusterDefaults,
  varsSchema: clusterVarsSchema,
  templates: new URL('./templates/', import.meta.url),
  tasks: [
    line(
      (h) => ({
        path: '/etc/hosts',
        regexp: `^${escapeRegExp(itemOf(h).ip)}\\s`,
        line: `${itemOf(h).ip} ${itemOf(h).name}`,
        owner: 'root',
        group: 'root',
        mode: '0644',
      }),
      {
        name: 'cluster hosts in /etc/hosts',
        loop: (h) => h.vars.cluster_hosts as unknown[],
      },
    ),
    pkg({ name: 'chrony' }, 'chrony installed'),
    service({ name: 'chronyd', state: 'started', enabled: true }, 'chronyd enabled and running'),
    service({ name: 'firewalld', state: 'stopped', enabled: false, ifExists: true }, 'firewalld stopped and disabled'),
    service({ name: 'iptables', state: 'stopped', enabled: false, ifExists: true }, 'iptables.service stopped and disabled'),
    command({ cmd: 'setenforce 0', unless: '[ "$(getenforce 2>/dev/null)" != Enforcing ]' }, 'SELinux not enforcing now'),
    line((h) => ({ path: '/etc/selinux/config', regexp: '^SELINUX=', line: `SELINUX=${h.vars.selinux_state}`, create: true }), 'SELinux config'),
    modprobe({ name: 'br_netfilter' }, 'bridge netfilter available'),
    file(
      { path: '/etc/sysctl.d/k8s.conf', content: template('k8s.conf.hbs'), owner: 'root', group: 'root', mode: '0644' },
      { name: '/etc/sysctl.d/k8s.conf', notify: 'sysctl reload' },
    ),
    shell(
      {
        cmd: 'swapoff -a && sed -i.hostwright~ -E "s/^([^#].*[[:space:]]swap[[:space:]].*)$/#\\1/" /etc/fstab',
        unless: '[ -z "$(swapon --noheadings --show 2>/dev/null)" ] && ! grep -Eq "^[^#].*[[:space:]]swap[[:space:]]" /etc/fstab',
      },
      {
        name: 'swap off',
        when: (h) => h.vars.disable_swap === true,
      },
    ),
  ],
  handlers: [handler('sysctl reload', command({ cmd: 'sysctl -p /etc/sysctl.d/k8s.conf' }, 'sysctl reload'))],
});

function itemOf(h: HostVars): { name: string; ip: string } {
  return h.vars.item as { name: string; ip: string };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
