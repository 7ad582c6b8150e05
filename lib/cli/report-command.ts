/**
 * `hostwright report EVENTS.ndjson -o FILE.html`: the HTML report of a run saved with `--json`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { htmlReport, readEventStream } from '../report/html/index.ts';
import { badInput, parseCommandLine } from './parse.ts';
import { reportUsage } from './help.ts';

/** Run `hostwright report ...`; return the exit code. */
export async function reportMain(
  argv: string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  stdin: () => string = () => readFileSync(0, 'utf8'),
): Promise<number> {
  const fail = badInput(err);
  const REPORT_USAGE = reportUsage();
  const parsed = parseCommandLine('report', argv, { helpCommand: 'hostwright report' });
  if ('error' in parsed) return fail(parsed.error);
  const { values, positionals } = parsed;
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
