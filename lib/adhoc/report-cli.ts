/**
 * `hostwright report EVENTS.ndjson -o FILE.html`: the HTML report of a run saved with `--json`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { badInput } from '../cli.ts';
import { htmlReport, readEventStream } from '../report/html/index.ts';

/** Usage of `hostwright report`. */
export const REPORT_USAGE = `Usage: hostwright report EVENTS.ndjson -o FILE.html [--title TEXT]

Writes the HTML report of a run saved with --json (one event per line). Use - to read standard input.`;

/** Run `hostwright report ...`; return the exit code. */
export async function reportMain(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream, stdin: () => string = () => readFileSync(0, 'utf8')): Promise<number> {
  const fail = badInput(err);
  let values: Record<string, any>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: { output: { type: 'string', short: 'o' }, title: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true }));
  } catch (error) {
    return fail(`${(error as Error).message}\n${REPORT_USAGE}`);
  }
  if (values.help) {
    out.write(REPORT_USAGE + '\n');
    return 0;
  }
  if (positionals.length !== 1 || !values.output) return fail(`one events file and -o FILE.html expected\n${REPORT_USAGE}`);
  const [file] = positionals;
  if (file !== '-' && !existsSync(file)) return fail(`events file ${file} not found; save one with --json > ${file}`);
  let events;
  try {
    events = readEventStream(file === '-' ? stdin() : readFileSync(file, 'utf8'), file);
  } catch (error) {
    return fail((error as Error).message);
  }
  const html = htmlReport(events, { title: values.title });
  try {
    writeFileSync(values.output, html);
  } catch (error) {
    return fail(`cannot write ${values.output}: ${(error as Error).message}`);
  }
  err.write(`hostwright: report written to ${values.output} (${Math.round(Buffer.byteLength(html) / 1024)} KB)\n`);
  return 0;
}
