/**
 * The `welcome` role: this project's own role, built from its `motd` task type and hostwright's `file`
 * and `shell`, with typed defaults, a template and a handler.
 */
import { dirname } from 'node:path';
import { Type, defineRole, file, handler, quote, shell, template } from 'hostwright';
import { motd } from '../../tasks/motd.ts';

export const welcome = defineRole({
  name: 'welcome',
  defaults: {
    welcome_message: 'Welcome. This host is managed by hostwright.',
    motd_path: '/etc/motd',
    banner_path: '/etc/issue.net',
  },
  // Wrong types from the inventory or -e are refused before the run.
  varsSchema: Type.Object({ welcome_message: Type.String(), motd_path: Type.String({ pattern: '^/' }), banner_path: Type.String({ pattern: '^/' }) }),
  templates: new URL('./templates/', import.meta.url),
  tasks: [
    file((h) => ({ path: dirname(String(h.vars.motd_path)), state: 'directory' }), 'motd directory'),
    motd((h) => ({ path: String(h.vars.motd_path), message: `${h.host}: ${h.vars.welcome_message}` }), {
      name: 'message of the day',
      notify: 'record the change',
    }),
    file((h) => ({ path: String(h.vars.banner_path), content: template('banner.hbs'), mode: '0644' }), 'login banner'),
  ],
  handlers: [
    handler(
      'record the change',
      shell((h) => ({ cmd: `date -u > ${quote(`${h.vars.motd_path}.changed`)}` })),
    ),
  ],
});
