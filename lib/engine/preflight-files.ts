/**
 * Files a task reads on the controller, checked before any connection: every template a static argument
 * names is read and compiled, every `src` must be a readable regular file. A problem is bad input (exit 5)
 * naming the task, its location, the argument, the file and (for a template) the line.
 */
import { readFileSync, statSync } from 'node:fs';
import { localFileProblem, localFileReason } from '../core/local-file.ts';
import { isAbsolute, join, relative } from 'node:path';
import { TemplateError, ValidationError } from '../core/errors.ts';
import type { Task } from '../core/task-options.ts';
import { checkTemplate } from '../vars/template.ts';
import { taskLabel } from './task-label.ts';

const isTemplateRef = (v: unknown): v is { template: string } =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { template?: unknown }).template === 'string';

/** Where a task's template lives: an absolute path, or a name inside its role's templates folder. */
export function templatePath(name: string, templatesDir: string | undefined): string {
  return isAbsolute(name) || !templatesDir ? name : join(templatesDir, name);
}

/** Check the controller files of one task with static arguments (deferred arguments are checked when resolved). */
export function checkTaskFiles(task: Task, templatesDir: string | undefined): void {
  if (typeof task.args === 'function' || task.args === null || typeof task.args !== 'object') return;
  const where = `task "${taskLabel(task)}"${task.location ? ` (${task.location})` : ''}`;
  for (const [key, value] of Object.entries(task.args as Record<string, unknown>)) {
    if (isTemplateRef(value)) {
      const path = templatePath(value.template, templatesDir);
      const shown = relative(process.cwd(), path) || path;
      let source: string;
      try {
        if (statSync(path).isDirectory()) throw new Error('is a folder, not a file');
        source = readFileSync(path, 'utf8');
      } catch (error) {
        throw new ValidationError(`${where}: ${key}: template ${shown} cannot be read: ${localFileReason(error)}; nothing was run`, {
          source: shown,
          path: key,
        });
      }
      try {
        checkTemplate(shown, source);
      } catch (error) {
        const message = error instanceof TemplateError ? error.message : `${shown}: ${(error as Error).message}`;
        throw new ValidationError(`${where}: ${key}: ${message}; nothing was run`, { source: shown, path: key });
      }
    } else if (key === 'src' && typeof value === 'string' && !task.type.ownSrc) {
      const problem = localFileProblem(value);
      if (problem) throw new ValidationError(`${where}: src ${value} ${problem}; nothing was run`, { source: value, path: key });
    }
  }
}
