/**
 * This project's playbook: `node site.ts -i inventory/local.yml [--check] [--diff] ...`
 * (or `npx hostwright run site.ts -i ...`). Every option of hostwright's playbook command line works.
 */
import { definePlaybook, runIfMain } from 'hostwright';
import { welcome } from './roles/welcome/index.ts';

const site = definePlaybook({
  name: 'site',
  plays: [{ name: 'welcome banner', hosts: 'all', roles: [welcome] }],
});

export default site;

await runIfMain(import.meta.url, site);
