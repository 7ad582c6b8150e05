/**
 * The chart of time against hosts for both tools, drawn by Vega-Lite and rendered to SVG headlessly
 * by Vega (no canvas, no browser).
 */
import { writeFileSync } from 'node:fs';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { AxisPoint } from './results.ts';

/** Renders the hosts axis (no-op run of the scale workload) to an SVG file. */
export async function writeHostsChart(path: string, points: readonly AxisPoint[], tasksPerHost: number): Promise<void> {
  const values = points.flatMap((p) => [
    { hosts: p.hosts, seconds: p.hostwrightMs / 1000, tool: 'hostwright' },
    ...(p.ansibleMs !== undefined ? [{ hosts: p.hosts, seconds: p.ansibleMs / 1000, tool: 'Ansible' }] : []),
  ]);
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `No-op run of a ${tasksPerHost}-task workload: wall time against hosts`, subtitle: 'file, line and sysctl tasks; log scale; lower is better' },
    width: 520,
    height: 300,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'hosts', type: 'quantitative', title: 'hosts', scale: { zero: true } },
      y: { field: 'seconds', type: 'quantitative', title: 'wall time (s, log scale)', scale: { type: 'log' } },
      color: { field: 'tool', type: 'nominal', title: null, scale: { domain: ['hostwright', 'Ansible'], range: ['#1f77b4', '#d62728'] } },
    },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  writeFileSync(path, await view.toSVG());
  await view.finalize();
}
