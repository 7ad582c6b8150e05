/**
 * The page script of the HTML run report (bundled by scripts/build-report-ui.ts into
 * lib/report/html/assets/): reads the embedded model and draws recap, timeline (d3), changes with their
 * diffs (diff2html), failures, unreachable hosts, stats, with host/status filters and a search box.
 * Everything is in the file: no network access.
 */
import { axisTop } from 'd3-axis';
import { scaleBand, scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import { html as diffHtml } from 'diff2html';
import type { ReportModel, ReportRow, ReportTask } from '../lib/report/html/model.ts';

const model: ReportModel = JSON.parse(document.getElementById('hw-data')!.textContent!);
const STATUSES = ['ok', 'changed', 'may-change', 'failed', 'skipped', 'unreachable'] as const;
const LABEL: Record<string, string> = {
  ok: 'ok',
  changed: model.check ? 'would change' : 'changed',
  'may-change': 'may change',
  failed: 'failed',
  skipped: 'skipped',
  unreachable: 'unreachable',
};

const filter = { hosts: new Set(model.hosts), statuses: new Set<string>(STATUSES), search: '' };

/** Create an element with attributes and children (strings become text: nothing is parsed as HTML). */
function el(tag: string, attrs: Record<string, string | undefined> = {}, ...children: (Node | string | undefined)[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) e.setAttribute(k, v);
  for (const c of children) if (c !== undefined) e.append(c);
  return e;
}

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10000 ? 0 : 1)} s` : `${Math.round(ms)} ms`);
const fmtBytes = (b: number) => (b >= 1 << 20 ? `${(b / (1 << 20)).toFixed(1)} MiB` : b >= 1024 ? `${(b / 1024).toFixed(1)} KiB` : `${b} B`);
const taskTitle = (t: ReportTask) => `${t.handler ? 'handler: ' : ''}${t.role ? `${t.role} : ` : ''}${t.name}`;
const visible = (r: ReportRow, t: ReportTask) =>
  filter.hosts.has(r.host) &&
  filter.statuses.has(r.status) &&
  (!filter.search || `${taskTitle(t)} ${r.host} ${r.message} ${r.patch ?? ''} ${r.error?.stderr ?? ''}`.toLowerCase().includes(filter.search));

function header(): HTMLElement {
  const failed = Object.values(model.recap).some((c) => c.failed);
  const unreachable = Object.values(model.recap).some((c) => c.unreachable);
  const changed = Object.values(model.recap).some((c) => c.changed);
  const verdict = unreachable ? 'unreachable hosts' : failed ? 'failed' : changed ? (model.check ? 'changes pending' : 'changed') : 'converged';
  return el(
    'header',
    {},
    el('h1', {}, model.title),
    el(
      'p',
      { class: 'meta' },
      `${model.check ? 'Check mode: nothing was changed; "would change" is what a real run would do. ' : ''}${model.time ? `Started ${model.time}. ` : ''}${model.hosts.length} host(s), ${model.tasks.length} task run(s), ${fmtMs(model.stats?.durationMs ?? model.spanMs)}.`,
    ),
    el('p', { class: `verdict v-${verdict.replace(/ /g, '-')}`, id: 'verdict' }, verdict),
  );
}

function controls(onChange: () => void): HTMLElement {
  const box = el('section', { id: 'filters' });
  const search = el('input', { type: 'search', id: 'search', placeholder: 'Search tasks, hosts, messages, diffs…' }) as HTMLInputElement;
  search.addEventListener('input', () => {
    filter.search = search.value.trim().toLowerCase();
    onChange();
  });
  const hosts = el('div', { class: 'chips', id: 'host-filter' }, el('b', {}, 'Hosts '));
  for (const h of model.hosts) {
    const cb = el('input', { type: 'checkbox', value: h, checked: '' }) as HTMLInputElement;
    cb.addEventListener('change', () => {
      if (cb.checked) filter.hosts.add(h);
      else filter.hosts.delete(h);
      onChange();
    });
    hosts.append(el('label', { class: 'chip' }, cb, h));
  }
  const statuses = el('div', { class: 'chips', id: 'status-filter' }, el('b', {}, 'Status '));
  for (const s of STATUSES) {
    const cb = el('input', { type: 'checkbox', value: s, checked: '' }) as HTMLInputElement;
    cb.addEventListener('change', () => {
      if (cb.checked) filter.statuses.add(s);
      else filter.statuses.delete(s);
      onChange();
    });
    statuses.append(el('label', { class: `chip s-${s}` }, cb, LABEL[s]));
  }
  box.append(search, hosts, statuses);
  return box;
}

function recap(): HTMLElement {
  const table = el(
    'table',
    { id: 'recap' },
    el('tr', {}, ...['host', 'ok', LABEL.changed, 'unreachable', 'failed', 'skipped'].map((h) => el('th', {}, h))),
  );
  for (const h of model.hosts) {
    const c = model.recap[h] ?? { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0 };
    const status = c.unreachable ? 'unreachable' : c.failed ? 'failed' : c.changed ? 'changed' : 'ok';
    table.append(
      el(
        'tr',
        { 'data-host': h, class: `s-${status}` },
        el('td', {}, h),
        ...[c.ok, c.changed, c.unreachable, c.failed, c.skipped].map((n) => el('td', { class: 'num' }, String(n))),
      ),
    );
  }
  return el('section', {}, el('h2', {}, 'Recap'), table);
}

function stats(): HTMLElement | undefined {
  const s = model.stats;
  if (!s) return undefined;
  const items: [string, string][] = [
    ['duration', fmtMs(s.durationMs)],
    ['hosts', String(s.hosts)],
    ['host-tasks executed', String(s.tasks)],
    ['round trips', `${s.roundTrips} (${s.roundTripsPerTask} per task)`],
    ['probes answered ahead', String(s.probesAnsweredAhead)],
    ['bytes sent / received', `${fmtBytes(s.bytesSent)} / ${fmtBytes(s.bytesReceived)}`],
    ['connections', `${s.connections} (${fmtMs(s.connectMs)} connecting)`],
    ['peak memory', fmtBytes(s.peakRssBytes)],
  ];
  return el('section', {}, el('h2', {}, 'Stats'), el('dl', { id: 'stats' }, ...items.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])));
}

/** Timeline: one lane per host, one bar per task result, coloured by status; handlers hatched, waits outlined. */
function timeline(onPick: (task: number, host: string) => void): HTMLElement {
  const section = el(
    'section',
    {},
    el('h2', {}, 'Timeline'),
    el('p', { class: 'hint' }, 'One lane per host, one bar per task. Hatched: handler. Outlined: wait. Click a bar to open the task.'),
  );
  const width = Math.max(700, Math.min(1400, document.documentElement.clientWidth - 60));
  const margin = { left: 140, top: 24, right: 16, bottom: 8 };
  const lane = 22;
  const height = margin.top + lane * model.hosts.length + margin.bottom;
  const x = scaleLinear()
    .domain([0, Math.max(1, model.spanMs)])
    .range([margin.left, width - margin.right]);
  const y = scaleBand<string>()
    .domain(model.hosts)
    .range([margin.top, height - margin.bottom])
    .padding(0.15);
  const svg = select(section).append('svg').attr('id', 'timeline').attr('width', width).attr('height', height).attr('role', 'img');
  svg
    .append('defs')
    .html(
      '<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="6" fill="rgba(0,0,0,.28)"/></pattern>',
    );
  svg
    .append('g')
    .attr('transform', `translate(0,${margin.top})`)
    .call(
      axisTop(x)
        .ticks(8)
        .tickFormat((d) => fmtMs(Number(d))),
    );
  svg
    .append('g')
    .selectAll('text')
    .data(model.hosts)
    .join('text')
    .attr('x', 6)
    .attr('y', (h) => y(h)! + y.bandwidth() / 2 + 4)
    .text((h) => h)
    .attr('class', 'lane-label');
  const bars = model.tasks.flatMap((t) => t.rows.map((r) => ({ t, r })));
  const g = svg.append('g').attr('class', 'bars');
  const bar = g
    .selectAll('g')
    .data(bars)
    .join('g')
    .attr('class', (d) => `bar s-${d.r.status}${d.t.handler ? ' handler' : ''}${d.t.module === 'wait' ? ' wait' : ''}`)
    .attr('data-task', (d) => String(d.t.id))
    .attr('data-host', (d) => d.r.host)
    .on('click', (_e, d) => onPick(d.t.id, d.r.host));
  bar
    .append('rect')
    .attr('x', (d) => x(d.r.start))
    .attr('y', (d) => y(d.r.host)!)
    .attr('width', (d) => Math.max(2, x(d.r.start + d.r.ms) - x(d.r.start)))
    .attr('height', y.bandwidth());
  bar
    .filter((d) => d.t.handler)
    .append('rect')
    .attr('class', 'hatch')
    .attr('x', (d) => x(d.r.start))
    .attr('y', (d) => y(d.r.host)!)
    .attr('width', (d) => Math.max(2, x(d.r.start + d.r.ms) - x(d.r.start)))
    .attr('height', y.bandwidth())
    .attr('fill', 'url(#hatch)');
  bar.append('title').text((d) => `${d.r.host}: ${taskTitle(d.t)}\n${LABEL[d.r.status]} in ${fmtMs(d.r.ms)}\n${d.r.message}`);
  const legend = el(
    'div',
    { class: 'legend' },
    ...STATUSES.map((s) => el('span', { class: `chip s-${s}` }, LABEL[s])),
    el('span', { class: 'chip handler-chip' }, 'handler'),
    el('span', { class: 'chip wait-chip' }, 'wait'),
  );
  section.append(legend);
  return section;
}

function details(r: ReportRow): HTMLElement {
  const box = el('div', { class: 'details' });
  if (r.error) {
    const e = r.error;
    box.append(
      el(
        'dl',
        { class: 'error' },
        el('dt', {}, 'error'),
        el('dd', {}, `${e.kind}: ${e.message}`),
        ...(e.command ? [el('dt', {}, 'command'), el('dd', {}, el('pre', {}, e.command))] : []),
        ...(e.code !== undefined ? [el('dt', {}, 'exit code'), el('dd', {}, String(e.code))] : []),
        ...(e.stderr ? [el('dt', {}, 'stderr'), el('dd', {}, el('pre', {}, e.stderr))] : []),
        ...(e.location ? [el('dt', {}, 'task defined at'), el('dd', {}, e.location)] : []),
      ),
    );
  }
  if (r.states)
    box.append(
      el(
        'table',
        { class: 'states' },
        el('tr', {}, el('th', {}, 'setting'), el('th', {}, 'before'), el('th', {}, 'after')),
        ...r.states.map((s) => el('tr', {}, el('td', {}, s.key), el('td', { class: 'before' }, s.before), el('td', { class: 'after' }, s.after))),
      ),
    );
  for (const n of r.notes ?? []) box.append(el('p', { class: 'note' }, n));
  if (r.patch) {
    const d = el('div', { class: 'diff' });
    // diff2html escapes the file content it renders; the patch itself came from the redacted events.
    d.innerHTML = diffHtml(r.patch, { drawFileList: false, outputFormat: 'line-by-line', matching: 'none' });
    box.append(d);
  }
  if (!box.childNodes.length) box.append(el('p', { class: 'note' }, r.message || 'no details'));
  return box;
}

function rowElement(t: ReportTask, r: ReportRow): HTMLElement {
  const expandable = Boolean(r.patch || r.states || r.notes || r.error);
  const line = el(
    'div',
    { class: `row s-${r.status}`, 'data-host': r.host, 'data-task': String(t.id), 'data-status': r.status, tabindex: '0' },
    el('span', { class: 'badge' }, `${LABEL[r.status]}${r.ignored ? ' (ignored)' : ''}`),
    el('span', { class: 'host' }, r.delegatedTo ? `${r.host} → ${r.delegatedTo}` : r.host),
    el('span', { class: 'msg' }, r.message),
    r.planned ? el('span', { class: 'planned' }, `planned: ${r.planned}`) : undefined,
    el('span', { class: 'dur' }, fmtMs(r.ms)),
  );
  if (expandable) {
    line.classList.add('expandable');
    const toggle = () => {
      const next = line.nextElementSibling;
      if (next?.classList.contains('details')) next.remove();
      else line.after(details(r));
    };
    line.addEventListener('click', toggle);
    line.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') toggle();
    });
  }
  return line;
}

function taskList(id: string, title: string, keep: (t: ReportTask, r: ReportRow) => boolean, empty: string): HTMLElement {
  const section = el('section', { id }, el('h2', {}, title));
  let any = false;
  for (const t of model.tasks) {
    const rows = t.rows.filter((r) => keep(t, r) && visible(r, t));
    if (!rows.length) continue;
    any = true;
    const box = el(
      'div',
      { class: `task${t.handler ? ' handler' : ''}`, 'data-task': String(t.id), 'data-name': t.name },
      el('h3', {}, el('span', { class: 'play' }, t.play), taskTitle(t)),
    );
    for (const r of rows) box.append(rowElement(t, r));
    section.append(box);
  }
  if (!any) section.append(el('p', { class: 'note' }, empty));
  return section;
}

/** The sections that follow the filters; rebuilt when a filter changes (the filters themselves stay). */
function renderContent(content: HTMLElement): void {
  const onPick = (task: number, host: string) => {
    const row = document.querySelector<HTMLElement>(`#tasks .row[data-task="${task}"][data-host="${CSS.escape(host)}"]`);
    if (!row) return;
    row.scrollIntoView({ block: 'center' });
    if (row.classList.contains('expandable') && !row.nextElementSibling?.classList.contains('details')) row.click();
    row.classList.add('picked');
    setTimeout(() => row.classList.remove('picked'), 1500);
  };
  const unreachable = model.hosts.filter((h) => model.recap[h]?.unreachable);
  content.replaceChildren(
    recap(),
    timeline(onPick),
    taskList(
      'changes',
      model.check ? 'What would change' : 'Changes',
      (_t, r) => r.status === 'changed' || r.status === 'may-change',
      model.check ? 'Nothing would change: every host is converged.' : 'Nothing changed.',
    ),
    taskList('failures', 'Failures', (_t, r) => r.status === 'failed', 'No failures.'),
    el(
      'section',
      { id: 'unreachable' },
      el('h2', {}, 'Unreachable hosts'),
      unreachable.length
        ? el(
            'ul',
            {},
            ...unreachable.map((h) =>
              el('li', {}, h, ': ', model.tasks.flatMap((t) => t.rows).find((r) => r.host === h && r.status === 'unreachable')?.message ?? ''),
            ),
          )
        : el('p', { class: 'note' }, 'None.'),
    ),
    ...(model.warnings.length || model.aborted.length
      ? [
          el(
            'section',
            { id: 'warnings' },
            el('h2', {}, 'Warnings'),
            el(
              'ul',
              {},
              ...model.aborted.map((a) => el('li', {}, `play aborted: ${a.play}: ${a.reason}`)),
              ...model.warnings.map((w) => el('li', {}, w)),
            ),
          ),
        ]
      : []),
    taskList('tasks', 'All tasks', () => true, 'No task matches the filters.'),
    stats() ?? '',
  );
}

const root = document.getElementById('app')!;
const content = el('div', { id: 'content' });
root.append(
  header(),
  controls(() => renderContent(content)),
  content,
);
renderContent(content);
