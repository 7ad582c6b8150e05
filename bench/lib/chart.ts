/**
 * The chart of the scale workload against hosts for both tools: wall time, controller CPU time and
 * controller peak memory, no-op and changing runs; drawn by Vega-Lite and rendered to SVG headlessly by
 * Vega (no canvas, no browser).
 */
import { writeFileSync } from 'node:fs';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { AxisPoint } from './results.ts';

type Row = { hosts: number; value: number; series: string; metric: 'wall' | 'cpu' | 'rss' };

/** The chart's rows: one per point, metric and series (tool and run kind) that was measured. */
export function chartRows(points: readonly AxisPoint[]): Row[] {
  const rows: Row[] = [];
  const add = (hosts: number, metric: Row['metric'], series: string, value: number | undefined, scale = 1000) => {
    if (value !== undefined) rows.push({ hosts, metric, series, value: value / scale });
  };
  for (const p of points) {
    add(p.hosts, 'wall', 'hostwright no-op', p.hostwrightMs);
    add(p.hosts, 'wall', 'hostwright changing', p.hostwrightChangingMs);
    add(p.hosts, 'wall', 'Ansible no-op', p.ansibleMs);
    add(p.hosts, 'wall', 'Ansible changing', p.ansibleChangingMs);
    add(p.hosts, 'cpu', 'hostwright no-op', p.hostwrightCpuMs);
    add(p.hosts, 'cpu', 'hostwright changing', p.hostwrightChangingCpuMs);
    add(p.hosts, 'cpu', 'Ansible no-op', p.ansibleCpuMs);
    add(p.hosts, 'cpu', 'Ansible changing', p.ansibleChangingCpuMs);
    add(p.hosts, 'rss', 'hostwright no-op', p.peakRssMiB, 1);
    add(p.hosts, 'rss', 'Ansible no-op', p.ansiblePeakRssMiB, 1);
  }
  return rows;
}

const SERIES = ['hostwright no-op', 'hostwright changing', 'Ansible no-op', 'Ansible changing'];

/** Renders the hosts axis to an SVG file: three panels (wall time, controller CPU, controller memory). */
export async function writeHostsChart(path: string, points: readonly AxisPoint[], tasksPerHost: number): Promise<void> {
  const panel = (metric: Row['metric'], title: string, log: boolean) => ({
    title,
    width: 300,
    height: 220,
    transform: [{ filter: `datum.metric === '${metric}'` }],
    mark: { type: 'line' as const, point: true },
    encoding: {
      x: { field: 'hosts', type: 'quantitative' as const, title: 'hosts', scale: { zero: true } },
      y: { field: 'value', type: 'quantitative' as const, title: null, scale: log ? { type: 'log' as const } : { zero: true } },
      color: {
        field: 'series',
        type: 'nominal' as const,
        title: null,
        scale: { domain: SERIES, range: ['#1f77b4', '#9ecae1', '#d62728', '#ff9896'] },
      },
      strokeDash: {
        field: 'series',
        type: 'nominal' as const,
        title: null,
        scale: {
          domain: SERIES,
          range: [
            [1, 0],
            [4, 3],
            [1, 0],
            [4, 3],
          ],
        },
      },
    },
  });
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Scale workload (${tasksPerHost} tasks/host: file, line, sysctl) against hosts`,
      subtitle: 'controller = the process tree of the tool on the machine running it; lower is better',
    },
    data: { values: chartRows(points) },
    hconcat: [
      panel('wall', 'wall time (s, log scale)', true),
      panel('cpu', 'controller CPU, user+sys (s, log scale)', true),
      panel('rss', 'controller peak memory (MiB)', false),
    ],
  } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  writeFileSync(path, await view.toSVG());
  await view.finalize();
}
