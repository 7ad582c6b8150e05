// A JavaScript (ESM) consumer: a task type written in plain JavaScript, a playbook run from code with an
// inventory object, and the results and events read back. The schema checks arguments at run time.
//
//   node report.js DIR [INVENTORY_FILE]     (default: this machine, through the local transport)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Args, AbsolutePath, defineTaskType, definePlaybook, file, quote, run } from 'hostwright';
import { etcd } from 'hostwright/roles';

/** `stamp`: make sure a file exists (created empty), never touching its content. */
export const stamp = defineTaskType({
  name: 'stamp',
  description: 'Make sure a file exists; its content is left alone.',
  schema: Args({ path: AbsolutePath }),
  supportsDiff: false,
  probe: (args) => ({ command: `test -e ${quote(args.path)} && echo yes || echo no`, parse: (r) => r.stdout.trim() === 'yes' }),
  plan: (args, exists) => (exists ? { status: 'ok', reason: `${args.path} exists` } : { status: 'change', summary: `create ${args.path}` }),
  apply: async (args, _plan, host) => {
    const r = await host.exec(`touch -- ${quote(args.path)}`);
    if (r.code !== 0) throw new Error(`touch ${args.path}: ${r.stderr.trim()}`);
  },
});

const [dir, inventoryFile] = process.argv.slice(2);
if (!dir?.startsWith('/')) {
  console.error('usage: node report.js /ABSOLUTE/DIR [INVENTORY_FILE]');
  process.exit(5);
}

const playbook = definePlaybook({
  name: 'report',
  plays: [{ name: 'stamp', hosts: 'all', tasks: [file({ path: dir, state: 'directory' }), stamp({ path: join(dir, 'stamp') })] }],
});
const inventory = inventoryFile ?? { all: { hosts: { localhost: { ansible_connection: 'local' } } } };
const result = await run(playbook, { inventory, collectEvents: true });

for (const e of result.events) if (e.event === 'host-result') console.log(`${e.host} | ${e.task} | ${e.status} | ${e.message}`);
for (const [host, c] of Object.entries(result.recap)) console.log(`${host} : ok=${c.ok} changed=${c.changed} failed=${c.failed}`);
// The package's roles come with their templates.
console.log(`role ${etcd.name}: templates ${existsSync(join(etcd.templatesDir ?? '', 'etcd.conf.hbs')) ? 'present' : 'MISSING'}`);
process.exitCode = result.exitCode;
