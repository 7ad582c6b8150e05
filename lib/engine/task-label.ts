/** Display names of tasks. */
import { defaultTaskName } from '../play/define.ts';
import type { Task } from '../play/options.ts';

/** The display name of a task: its `name` option, else `type: main argument` (no secret of a sensitive task). */
export function taskLabel(task: Task): string {
  return task.options.name ?? defaultTaskName(task.type, task.args, task.options.sensitive);
}
