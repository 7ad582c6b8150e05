/** Display names of tasks. */
import { defaultTaskName } from '../core/define-task-type.ts';
import type { Task } from '../core/task-options.ts';

/** The display name of a task: its `name` option, else `type: main argument` (no secret of a sensitive task). */
export function taskLabel(task: Task): string {
  return task.options.name ?? defaultTaskName(task.type, task.args, task.options.sensitive);
}
