import { testHosts } from '../test/hosts/index.ts';
import { writeInventory } from './lib/inventory.ts';
import { writeAnsibleWorkload } from './lib/ansible-workload.ts';
import { runAnsible, runHostwright } from './lib/tools.ts';
const T = Number(process.argv[2] ?? 30);
const names = Array.from({ length: 24 }, (_, i) => `sc${String(i + 1).padStart(2, '0')}`);
const th = await testHosts({ names });
const inv = writeInventory('/tmp/bm/scinv.yml', th.hosts, { groups: { bench: names }, keyPath: th.keyPath, knownHostsPath: th.knownHostsPath });
const yml = writeAnsibleWorkload('/tmp/bm/workload.yml', T);
const spec = { inventory: inv, knownHosts: th.knownHostsPath, forks: 24, env: { HW_BENCH_TASKS: String(T) } };
for (const [tool, round] of [['hw', 1], ['hw', 1], ['an', 1], ['an', 2], ['hw', 1], ['an', 1]] as const) {
  const r = tool === 'hw' ? await runHostwright({ ...spec, playbook: 'bench/workload/playbook.ts', extraVars: { bench_round: round } }) : await runAnsible({ ...spec, playbook: yml, extraVars: { bench_round: round } });
  console.log(tool, round, Math.round(r.wallMs), 'changed', r.changed, 'ok', r.ok, r.stats ? JSON.stringify(r.stats) : '');
}
