/**
 * The HTML run report: one self-contained file (styles, page script and data inline; no network, opens
 * from disk) built from the run's events. The events are the redacted ones every listener sees, so a
 * secret is masked here exactly as on the console.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { EventListener, RunEvent } from '../../core/run-events.ts';
import { reportModel } from './model.ts';

export { reportModel, type ReportModel, type ReportRow, type ReportTask } from './model.ts';

let assets: { js: string; css: string } | undefined;

/** The bundled page script and styles (built by scripts/build-report-ui.ts, shipped next to this file). */
function loadAssets(): { js: string; css: string } {
  assets ??= {
    js: readFileSync(new URL('./assets/report-ui.js', import.meta.url), 'utf8'),
    css: readFileSync(new URL('./assets/report-ui.css', import.meta.url), 'utf8'),
  };
  return assets;
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** Render the events of a run as one HTML document. */
export function htmlReport(events: readonly RunEvent[], options: { title?: string } = {}): string {
  const model = reportModel(events, options.title);
  const { js, css } = loadAssets();
  // JSON inside <script>: "<" escaped so no "</script>" or "<!--" in the data can end the element.
  const data = JSON.stringify(model)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(model.title)} — hostwright report</title>
<style>${css}</style></head>
<body><div id="app"></div>
<script type="application/json" id="hw-data">${data}</script>
<script>${js}</script>
</body></html>
`;
}

/**
 * A listener that keeps every event and writes the HTML report to `path` when the run ends (at the
 * `recap` event). `onWritten` is told the path and size (the CLI mentions it on stderr).
 */
export function htmlReporter(path: string, options: { title?: string; onWritten?: (path: string, bytes: number) => void } = {}): EventListener {
  const events: RunEvent[] = [];
  return (event) => {
    events.push(event);
    if (event.event !== 'recap') return;
    const html = htmlReport(events, options);
    writeFileSync(path, html);
    options.onWritten?.(path, Buffer.byteLength(html));
  };
}

/** Read a saved `--json` event stream (JSON Lines); throws naming the line that is not an event. */
export function readEventStream(text: string, source = 'events'): RunEvent[] {
  const events: RunEvent[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`${source}:${i + 1}: not JSON (${(error as Error).message}); expected the output of --json, one event per line`);
    }
    if (!value || typeof value !== 'object' || typeof (value as { event?: unknown }).event !== 'string')
      throw new Error(`${source}:${i + 1}: not a hostwright event (no "event" field)`);
    events.push(value as RunEvent);
  });
  if (!events.some((e) => e.event === 'run-start')) throw new Error(`${source}: no run-start event; expected the output of --json`);
  return events;
}
