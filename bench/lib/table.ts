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

const sec = (ms?: number) => (ms === undefined ? '—' : `${s(ms)} s`);
const ratio = (a?: number, b?: number) => (a === undefined || b === undefined ? '—' : `${(a / b).toFixed(1)}×`);

function axisTable(points: readonly AxisPoint[], withAnsible: boolean): string {
  return table(
    [
      'hosts',
      'tasks/host',
      'hw no-op',
      'hw changing',
      'hw CPU no-op/chg',
      ...(withAnsible ? ['Ansible no-op', 'Ansible changing', 'Ansible CPU no-op/chg', 'ratio no-op', 'ratio chg'] : []),
      'engine',
      'RT/task',
      'RT/host',
      'hw peak RSS',
      ...(withAnsible ? ['Ansible peak RSS'] : []),
    ],
    points.map((p) => [
      String(p.hosts),
      String(p.tasksPerHost),
      sec(p.hostwrightMs),
      sec(p.hostwrightChangingMs),
      `${sec(p.hostwrightCpuMs)} / ${sec(p.hostwrightChangingCpuMs)}`,
      ...(withAnsible
        ? [
            sec(p.ansibleMs),
            sec(p.ansibleChangingMs),
            `${sec(p.ansibleCpuMs)} / ${sec(p.ansibleChangingCpuMs)}`,
            ratio(p.ansibleMs, p.hostwrightMs),
            ratio(p.ansibleChangingMs, p.hostwrightChangingMs),
          ]
        : []),
      `${s(p.engineMs)} s`,
      p.roundTripsPerTask.toFixed(2),
      p.roundTripsPerHost.toFixed(1),
      `${p.peakRssMiB} MiB`,
      ...(withAnsible ? [p.ansiblePeakRssMiB !== undefined ? `${p.ansiblePeakRssMiB} MiB` : '—'] : []),
    ]),
  );
}

/** The whole printed summary of a results file. */
export function summary(results: BenchResults): string {
  const out: string[] = [];
  out.push(
    `hostwright vs Ansible — ${results.machine.cpus} CPUs (${results.machine.cpuModel}), Node ${results.machine.node}, ${results.machine.ansible ?? 'Ansible not run'}; ${results.settings.repetitions} repetitions, median (min–max) wall time`,
  );
  out.push('');
  out.push(
    table(
      [
        'scenario',
        'hosts',
        'hostwright',
        'Ansible',
        'Ansible/hostwright',
        'target',
        'controller CPU hw / Ansible',
        'controller peak memory hw / Ansible',
      ],
      results.scenarios.map((sc) => [
        sc.title,
        String(sc.hosts),
        side(sc.hostwright),
        side(sc.ansible),
        sc.ratio !== undefined ? `${sc.ratio.toFixed(1)}×` : '—',
        sc.target
          ? `≥${sc.target.ratio}× ${sc.target.met ? 'met' : 'MISSED'}`
          : sc.id === 'cluster-cold' && sc.ratio !== undefined
            ? `≥4× ${sc.ratio >= 4 ? 'met' : 'MISSED'}`
            : '',
        `${sec(sc.hostwright.cpuMs)} / ${sec(sc.ansible?.cpuMs)}`,
        `${sc.hostwright.counters?.peakRssMiB ?? '—'} MiB / ${sc.ansible?.peakTreeRssMiB ?? '—'} MiB`,
      ]),
    ),
  );
  for (const sc of results.scenarios.filter((x) => x.hostwright.phases && x.id === 'cluster-cold')) {
    const p = sc.hostwright.phases!;
    out.push(
      `${sc.title}, hostwright's median run by phase (from its --json events): engine ${s(p.engineMs)} s = connect ${s(p.connectMs)} + probe ${s(p.probeMs)} + package installs ${s(p.packageInstallMs)} + other applies ${s(p.otherAppliesMs)} + handlers ${s(p.handlersMs)} + waits ${s(p.waitsMs)} + controller ${s(p.controllerMs)} s`,
    );
  }
  out.push('');
  out.push("hostwright's own counters (median run of each scenario):");
  out.push(
    table(
      ['scenario', 'host-tasks', 'RT/task', 'RT/host', 'sent', 'received', 'connect (sum)', 'conns', 'engine', 'peak RSS'],
      results.scenarios
        .filter((sc) => sc.hostwright.counters)
        .map((sc) => {
          const c = sc.hostwright.counters!;
          return [
            sc.title,
            String(c.hostTasks),
            c.roundTripsPerTask.toFixed(2),
            c.roundTripsPerHost.toFixed(1),
            kb(c.bytesSent),
            kb(c.bytesReceived),
            `${c.connectMs} ms`,
            String(c.connections),
            `${s(c.engineMs)} s`,
            `${c.peakRssMiB} MiB`,
          ];
        }),
    ),
  );
  for (const sc of results.scenarios) {
    if (sc.hostwright.note || sc.ansible?.note)
      out.push(`${sc.title}: hostwright ${sc.hostwright.note ?? ''}${sc.ansible?.note ? `; Ansible ${sc.ansible.note}` : ''}`);
  }
  if (results.hostsAxis.length) {
    out.push('');
    out.push('Time and controller memory against hosts (no-op and changing runs of the scale workload):');
    out.push(
      axisTable(
        results.hostsAxis,
        results.hostsAxis.some((p) => p.ansibleMs !== undefined),
      ),
    );
  }
  if (results.tasksAxis.length) {
    out.push('');
    out.push('hostwright against tasks per host:');
    out.push(axisTable(results.tasksAxis, false));
  }
  if (results.hostBoot) {
    const b = results.hostBoot;
    out.push('');
    out.push(
      `Test hosts: ${b.hosts} started at once in ${b.startS} s; ${b.pssMiB} MiB PSS (${b.pssPerHostMiB} MiB per host, ${b.processes} processes), MemAvailable −${b.memAvailableDropMiB} MiB.`,
    );
  }
  const st = results.startup;
  out.push('');
  for (const f of results.firstConnection ?? []) out.push(`Start-up to the first connection, ${f.way}: ${f.medianMs} ms (${f.minMs}–${f.maxMs})`);
  out.push(
    `Startup before the engine runs: bare Node ${st.nodeBareMs} ms, import lib/index.ts ${st.importLibMs} ms${st.importDistLibMs !== undefined ? `, import dist/lib/index.js (the installed package) ${st.importDistLibMs} ms` : ''}, import playbooks/cluster.ts (lib + roles) ${st.importClusterPlaybookMs} ms.`,
  );
  for (const [id, p] of Object.entries(results.profiles ?? {})) {
    out.push(
      `${id}: wall ≈ Node start ${p.processStartToLoadMs} ms + imports ${p.importLibMs + p.importPlaybookAndRolesMs} ms + engine ${p.engineMs} ms (connect ${p.slowestHostConnectMs} ms, waiting on ${p.slowestHost} ${p.slowestHostWaitingMs} ms in ${p.hosts.find((h) => h.host === p.slowestHost)?.commands} commands carrying ${p.hosts.find((h) => h.host === p.slowestHost)?.probesInBatches} probes, controller ${p.controllerOwnMs} ms)`,
    );
    out.push(`  commands per host: ${p.hosts.map((h) => `${h.host}: ${h.sequence}`).join('; ')}`);
  }
  return out.join('\n');
}
