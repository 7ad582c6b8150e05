/**
 * hostwright's side of the scale workload (bench/workload/spec.ts) on the inventory group `bench`,
 * HW_BENCH_TASKS tasks per host (the directory included):
 *
 *   HW_BENCH_TASKS=30 node bench/workload/playbook.ts -i INVENTORY -e bench_round=1 [--limit ...] [--json]
 */
import { definePlaybook, file, line, runIfMain, sysctl, type HostVars, type Task } from '../../lib/index.ts';
import { fileContent, lineText, WORKLOAD_DIR, WORKLOAD_LINES_FILE, WORKLOAD_SYSCTL_FILE, workloadTasks } from './spec.ts';

const count = Number(process.env.HW_BENCH_TASKS ?? '30');
if (!Number.isInteger(count) || count < 2)
  throw new Error(
    `bench/workload/playbook.ts: HW_BENCH_TASKS (tasks per host, the directory included) must be an integer ≥ 2, got "${process.env.HW_BENCH_TASKS}"`,
  );

const roundOf = (h: HostVars): number => {
  const round = Number(h.vars.bench_round);
  if (round !== 1 && round !== 2) throw new Error(`bench workload on ${h.host}: pass -e bench_round=1 or 2 (got ${String(h.vars.bench_round)})`);
  return round;
};

const tasks: Task[] = [file({ path: WORKLOAD_DIR, state: 'directory', owner: 'root', group: 'root', mode: '0755' }, 'bench directory')];
for (const t of workloadTasks(count)) {
  if (t.kind === 'file') {
    tasks.push(
      file((h) => ({ path: t.path, content: fileContent(t.index, roundOf(h)), owner: 'root', group: 'root', mode: '0644' }), `file ${t.index}`),
    );
  } else if (t.kind === 'line') {
    tasks.push(
      line((h) => ({ path: WORKLOAD_LINES_FILE, regexp: `^${t.key}=`, line: lineText(t.key, roundOf(h)), create: true }), `line ${t.index}`),
    );
  } else {
    tasks.push(sysctl((h) => ({ key: t.key, value: String(t.base + roundOf(h)), file: WORKLOAD_SYSCTL_FILE }), `sysctl ${t.key}`));
  }
}

const workload = definePlaybook({ name: 'bench-workload', plays: [{ name: `bench workload (${count} tasks)`, hosts: 'bench', tasks }] });

export default workload;

await runIfMain(import.meta.url, workload);
