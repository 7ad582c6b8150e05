/** The printed summary: scenarios with ratios and targets, hostwright's counters, the two axes. */
import type { AxisPoint, BenchResults, ToolSide } from './results.ts';

const s = (ms: number) => (ms >= 10000 ? (ms / 1000).toFixed(1) : (ms / 1000).toFixed(2));
const side = (t?: ToolSide) => (t ? `${s(t.timing.medianMs)} s (${s(t.timing.minMs)}–${s(t.timing.maxMs)})` : '—');
const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function axisTable(points: readonly AxisPoint[], withAnsible: boolean): string {
  return table(
    ['hosts', 'tasks/host', 'hw no-op', 'hw changing', ...(withAnsible ? ['Ansible no-op', 'ratio'] : []), 'engine', 'RT/task', 'RT/host', 'peak RSS'],
    points.map((p) => [
      String(p.hosts), String(p.tasksPerHost), `${s(p.hostwrightMs)} s`, p.hostwrightChangingMs !== undefined ? `${s(p.hostwrightChangingMs)} s` : '—',
      ...(withAnsible ? [p.ansibleMs !== undefined ? `${s(p.ansibleMs)} s` : '—', p.ansibleMs !== undefined ? `${(p.ansibleMs / p.hostwrightMs).toFixed(1)}×` : '—'] : []),
      `${s(p.engineMs)} s`, p.roundTripsPerTask.toFixed(2), p.roundTripsPerHost.toFixed(1), `${p.peakRssMiB} MiB`,
    ]),
  );
}

/** The whole printed summary of a results file. */
export function summary(results: BenchResults): string {
  const out: string[] = [];
  out.push(`hostwright vs Ansible — ${results.machine.cpus} CPUs (${results.machine.cpuModel}), Node ${results.machine.node}, ${results.machine.ansible ?? 'Ansible not run'}; ${results.settings.repetitions} repetitions, median (min–max) wall time`);
  out.push('');
  out.push(table(
    ['scenario', 'hosts', 'hostwright', 'Ansible', 'Ansible/hostwright', 'target'],
    results.scenarios.map((sc) => [sc.title, String(sc.hosts), side(sc.hostwright), side(sc.ansible), sc.ratio !== undefined ? `${sc.ratio.toFixed(1)}×` : '—', sc.target ? `≥${sc.target.ratio}× ${sc.target.met ? 'met' : 'MISSED'}` : sc.id === 'cluster-cold' && sc.ratio !== undefined ? `faster ${sc.ratio > 1 ? 'met' : 'MISSED'}` : '']),
  ));
  out.push('');
  out.push("hostwright's own counters (median run of each scenario):");
  out.push(table(
    ['scenario', 'host-tasks', 'RT/task', 'RT/host', 'sent', 'received', 'connect (sum)', 'conns', 'engine', 'peak RSS'],
    results.scenarios.filter((sc) => sc.hostwright.counters).map((sc) => {
      const c = sc.hostwright.counters!;
      return [sc.title, String(c.hostTasks), c.roundTripsPerTask.toFixed(2), c.roundTripsPerHost.toFixed(1), kb(c.bytesSent), kb(c.bytesReceived), `${c.connectMs} ms`, String(c.connections), `${s(c.engineMs)} s`, `${c.peakRssMiB} MiB`];
    }),
  ));
  for (const sc of results.scenarios) {
    if (sc.hostwright.note || sc.ansible?.note) out.push(`${sc.title}: hostwright ${sc.hostwright.note ?? ''}${sc.ansible?.note ? `; Ansible ${sc.ansible.note}` : ''}`);
  }
  if (results.hostsAxis.length) {
    out.push('');
    out.push('Time and controller memory against hosts (no-op and changing runs of the scale workload):');
    out.push(axisTable(results.hostsAxis, results.hostsAxis.some((p) => p.ansibleMs !== undefined)));
  }
  if (results.tasksAxis.length) {
    out.push('');
    out.push('hostwright against tasks per host:');
    out.push(axisTable(results.tasksAxis, false));
  }
  const st = results.startup;
  out.push('');
  out.push(`Startup before the engine runs: bare Node ${st.nodeBareMs} ms, import lib/index.ts ${st.importLibMs} ms, import playbooks/cluster.ts (lib + roles) ${st.importClusterPlaybookMs} ms.`);
  for (const [id, p] of Object.entries(results.profiles ?? {})) {
    out.push(`${id}: wall ≈ Node start ${p.processStartToLoadMs} ms + imports ${p.importLibMs + p.importPlaybookAndRolesMs} ms + engine ${p.engineMs} ms (connect ${p.slowestHostConnectMs} ms, waiting on ${p.slowestHost} ${p.slowestHostWaitingMs} ms in ${p.hosts.find((h) => h.host === p.slowestHost)?.commands} commands carrying ${p.hosts.find((h) => h.host === p.slowestHost)?.probesInBatches} probes, controller ${p.controllerOwnMs} ms)`);
    out.push(`  commands per host: ${p.hosts.map((h) => `${h.host}: ${h.sequence}`).join('; ')}`);
  }
  return out.join('\n');
}
