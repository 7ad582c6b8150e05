/**
 * A small playbook for the engine's command-line suite (test/e2e/engine-cli.test.ts), written against the
 * public API only and runnable as a program:
 *
 *   node test/support/engine-playbook.ts -i INVENTORY [--json] [--check] [--list-hosts] ...
 *
 * Play one runs a role with a handler on the `web` group; play two writes one file on every host. Files go
 * under the `dir` variable (default /var/tmp/hw-engine-cli).
 */
import { defineRole, definePlaybook, file, handler, runIfMain, shell } from '../../lib/index.ts';

const site = defineRole({
  name: 'site',
  tasks: [
    file((h) => ({ path: String(h.vars.dir), state: 'directory' }), { name: 'site dir' }),
    file((h) => ({ path: `${h.vars.dir}/site.conf`, content: `served by ${h.host}\n` }), {
      name: 'site config',
      notify: 'reload site',
      tags: ['config'],
    }),
  ],
  handlers: [
    handler(
      'reload site',
      shell((h) => ({ cmd: `date +%s%N > ${h.vars.dir}/reloaded` }), { name: 'reload site' }),
    ),
  ],
});

/** The playbook (exported for tests that run it from code). */
const enginePlaybook = definePlaybook({
  name: 'engine-cli',
  plays: [
    { name: 'web servers', hosts: 'web', vars: { dir: '/var/tmp/hw-engine-cli' }, roles: [site] },
    {
      name: 'every host',
      hosts: 'all',
      vars: { dir: '/var/tmp/hw-engine-cli' },
      tasks: [
        file((h) => ({ path: String(h.vars.dir), state: 'directory' }), { name: 'dir everywhere' }),
        file((h) => ({ path: `${h.vars.dir}/motd`, content: `hello from ${h.host}\n` }), { name: 'motd', tags: ['motd'] }),
      ],
    },
  ],
});

export default enginePlaybook;

await runIfMain(import.meta.url, enginePlaybook);
