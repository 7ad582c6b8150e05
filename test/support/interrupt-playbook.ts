/**
 * A playbook program for the interruption tests (test/unit/interrupt.test.ts, test/e2e/engine-interrupt.test.ts),
 * run as a child process so that it can be signalled or SIGKILLed:
 *
 *   node test/support/interrupt-playbook.ts -i INVENTORY [options]
 *
 * Environment: `HW_MODE` = `big` (write `HW_SIZE` bytes of `A` to `HW_PATH` with file, then line, then
 * block, then sysctl when `HW_WRITER` names one of them: default `file`) or `sleep` (shell `HW_CMD`, then a
 * file `HW_PATH` that must never be written when the run is interrupted).
 */
import { block, definePlaybook, file, line, runIfMain, shell } from '../../lib/index.ts';
import type { Task } from '../../lib/index.ts';

const mode = process.env.HW_MODE ?? 'sleep';
const path = process.env.HW_PATH ?? '/tmp/hw-interrupt-target';
const size = Number(process.env.HW_SIZE ?? 1000);

function bigWrite(): Task {
  const writer = process.env.HW_WRITER ?? 'file';
  // One long line: `line` and `block` send the whole new file, as `file` does.
  const text = 'A'.repeat(size);
  if (writer === 'line') return line({ path, line: text }, { name: 'big line' });
  if (writer === 'block') return block({ path, block: text }, { name: 'big block' });
  return file({ path, content: text }, { name: 'big file' });
}

const tasks: Task[] =
  mode === 'big'
    ? [bigWrite()]
    : [
        shell({ cmd: process.env.HW_CMD ?? 'sleep 78' }, { name: 'long command' }),
        file({ path, content: 'must not be written\n' }, { name: 'after' }),
      ];

/** The playbook (one play on every host). */
const playbook = definePlaybook({ name: 'interrupt', plays: [{ name: 'interrupt', hosts: 'all', tasks }] });

export default playbook;

await runIfMain(import.meta.url, playbook);
