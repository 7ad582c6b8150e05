/**
 * The console reporter: Ansible's familiar layout (PLAY / TASK headers, one line per host, diffs,
 * errors, PLAY RECAP), colour and a live progress line only on a TTY.
 */
import type { HostStatus, RunEvent } from '../core/run-events.ts';
import { renderDiff } from './diff.ts';
import { renderSteps } from './steps.ts';

/** Options of the console reporter. */
export interface ConsoleReporterOptions {
  /** Where to write (default process.stdout). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Force colours on or off (default: on for a TTY unless NO_COLOR is set). */
  color?: boolean;
  /** Show the live progress line (default: on for a TTY). */
  progress?: boolean;
  /** `-v` count: from 2 (`-vv`), check mode shows the exact steps each changing task would run. */
  verbosity?: number;
}

const COLORS: Record<string, string> = {
  ok: '32',
  changed: '33',
  'may-change': '33',
  failed: '31',
  unreachable: '31',
  skipped: '36',
  header: '1',
  diffAdd: '32',
  diffDel: '31',
  diffHunk: '36',
  warn: '35',
};

const LABEL: Record<HostStatus, string> = {
  ok: 'ok',
  changed: 'changed',
  'may-change': 'may change',
  failed: 'fatal',
  skipped: 'skipping',
  unreachable: 'fatal',
};

/** Create a console reporter: pass the returned function as a run listener. */
export function consoleReporter(options: ConsoleReporterOptions = {}): (event: RunEvent) => void {
  const stream = options.stream ?? process.stdout;
  const tty = Boolean(stream.isTTY);
  const color = options.color ?? (tty && !process.env.NO_COLOR);
  const progress = options.progress ?? tty;
  const paint = (kind: string, text: string) => (color && COLORS[kind] ? `\x1b[${COLORS[kind]}m${text}\x1b[0m` : text);
  let progressShown = false;
  let current: { task: string; hosts: number; done: number; started: number } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let check = false;

  const clearProgress = () => {
    if (progressShown) {
      stream.write('\r\x1b[2K');
      progressShown = false;
    }
  };
  const drawProgress = () => {
    if (!progress || !current) return;
    const secs = ((Date.now() - current.started) / 1000).toFixed(1);
    const line = `  … ${current.task}: ${current.done}/${current.hosts} hosts (${secs}s)`;
    stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 120) - 1)}`);
    progressShown = true;
  };
  const write = (text: string) => {
    clearProgress();
    stream.write(text + '\n');
    drawProgress();
  };
  const header = (title: string) => {
    const width = Math.max(20, Math.min(stream.columns ?? 80, 100));
    write('\n' + paint('header', `${title} ${'*'.repeat(Math.max(3, width - title.length - 1))}`));
  };

  return (event: RunEvent) => {
    switch (event.event) {
      case 'run-start':
        check = event.check;
        if (event.check) write(paint('warn', `hostwright: check mode${event.diff ? ' with diff' : ''}: nothing on any host will be changed`));
        break;
      case 'play-start':
        header(`PLAY [${event.play}]`);
        break;
      case 'no-hosts':
        header(`PLAY [${event.play}]`);
        write(paint('skipped', `skipping: ${event.message}`));
        break;
      case 'task-start':
        header(`${event.handler ? 'RUNNING HANDLER' : 'TASK'} [${event.role ? `${event.role} : ` : ''}${event.task}]`);
        current = { task: event.task, hosts: event.hosts.length, done: 0, started: Date.now() };
        if (progress && !timer) timer = setInterval(drawProgress, 250).unref();
        break;
      case 'host-result': {
        if (current) current.done++;
        const who = event.delegatedTo ? `[${event.host} -> ${event.delegatedTo}]` : `[${event.host}]`;
        let line: string;
        if (event.status === 'failed') line = `${event.ignored ? 'fatal (ignored)' : 'fatal'}: ${who}: FAILED! => ${event.message}`;
        else if (event.status === 'unreachable') line = `fatal: ${who}: UNREACHABLE! => ${event.message}`;
        else if (event.status === 'changed' || event.status === 'may-change') line = `${LABEL[event.status]}: ${who} => ${event.message}`;
        else line = `${LABEL[event.status]}: ${who}`;
        write(paint(event.status, line));
        if (event.error && (event.status === 'failed' || event.status === 'unreachable')) {
          const e = event.error;
          if (e.command) write(paint('failed', `  command: ${e.command.split('\n')[0]}${e.command.includes('\n') ? ' …' : ''}`));
          if (e.code !== undefined) write(paint('failed', `  exit code: ${e.code}`));
          if (e.stderr)
            write(
              paint(
                'failed',
                e.stderr
                  .split('\n')
                  .map((l) => `  stderr: ${l}`)
                  .join('\n'),
              ),
            );
          if (e.location) write(paint('failed', `  task defined at ${e.location}`));
        }
        if (event.diff?.length) {
          for (const l of renderDiff(event.diff)) {
            const kind =
              l.startsWith('+') && !l.startsWith('+++')
                ? 'diffAdd'
                : l.startsWith('-') && !l.startsWith('---')
                  ? 'diffDel'
                  : l.startsWith('@@')
                    ? 'diffHunk'
                    : '';
            write(kind ? paint(kind, l) : l);
          }
        }
        if (event.steps?.length && (options.verbosity ?? 0) >= 2) for (const l of renderSteps(event.steps)) write(l);
        break;
      }
      case 'item-result': {
        const who = event.delegatedTo ? `[${event.host} -> ${event.delegatedTo}]` : `[${event.host}]`;
        const verb = event.status === 'failed' || event.status === 'unreachable' ? 'failed' : LABEL[event.status];
        const detail = event.status === 'ok' || event.status === 'skipped' ? '' : ` => ${event.message}`;
        write(paint(event.status, `${verb}: ${who} => (item=${event.item})${detail}`));
        break;
      }
      case 'play-aborted':
        write(paint('failed', `PLAY ABORTED [${event.play}]: ${event.reason}`));
        break;
      case 'warning':
        write(paint('warn', `[WARNING]: ${event.message}`));
        break;
      case 'interrupted':
        write('\n' + paint('failed', `interrupted: ${event.message}`));
        break;
      case 'recap': {
        current = undefined;
        if (timer) clearInterval(timer);
        timer = undefined;
        header('PLAY RECAP');
        const names = Object.keys(event.hosts);
        const width = Math.max(0, ...names.map((n) => n.length));
        for (const name of names) {
          const c = event.hosts[name];
          const status = c.unreachable ? 'unreachable' : c.failed ? 'failed' : c.changed ? 'changed' : 'ok';
          write(
            `${paint(status, name.padEnd(width))} : ok=${c.ok} changed=${c.changed} unreachable=${c.unreachable} failed=${c.failed} skipped=${c.skipped} ignored=${c.ignored}`,
          );
        }
        if (check) write(paint('warn', '\n(check mode: changed = would change; nothing was changed)'));
        clearProgress();
        break;
      }
      default:
        break;
    }
  };
}
