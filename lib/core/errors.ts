/**
 * One error class per kind, each with a type guard, so callers can tell a bad inventory from a
 * failed task from an unreachable host without parsing messages.
 */

/** Base class of every error hostwright raises on purpose. */
export class HostwrightError extends Error {
  override name = 'HostwrightError';
}

/** Bad input found before any host is touched: inventory, task arguments, variables, command line. */
export class ValidationError extends HostwrightError {
  override name = 'ValidationError';
  /** Where the bad input came from: a file, `task "name"`, `-e`, ... */
  readonly source?: string;
  /** JSON-pointer-like path inside the source, e.g. `all.children.nodes.hosts.node1.ansible_port`. */
  readonly path?: string;
  constructor(message: string, options: { source?: string; path?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.source = options.source;
    this.path = options.path;
  }
}

/** A host could not be reached or authenticated, or the connection dropped. */
export class UnreachableError extends HostwrightError {
  override name = 'UnreachableError';
  readonly host: string;
  constructor(host: string, message: string, options: { cause?: unknown } = {}) {
    super(`${host}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.host = host;
  }
}

/** A task failed on a host: names the host, the task, the command, its exit code and stderr's tail. */
export class TaskFailedError extends HostwrightError {
  override name = 'TaskFailedError';
  readonly host?: string;
  readonly task?: string;
  readonly command?: string;
  readonly code?: number;
  readonly stderr?: string;
  /** Standard output of the failed command, for `register` (never printed by reporters). */
  readonly stdout?: string;
  constructor(
    message: string,
    details: { host?: string; task?: string; command?: string; code?: number; stderr?: string; stdout?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.host = details.host;
    this.task = details.task;
    this.command = details.command;
    this.code = details.code;
    this.stderr = details.stderr;
    this.stdout = details.stdout;
  }
}

/** A template could not be rendered (missing variable, syntax error): names the template and line. */
export class TemplateError extends HostwrightError {
  override name = 'TemplateError';
  readonly template: string;
  readonly line?: number;
  constructor(template: string, message: string, line?: number) {
    super(`${template}${line === undefined ? '' : `:${line}`}: ${message}`);
    this.template = template;
    this.line = line;
  }
}

/** Type guard for {@link ValidationError}. */
export const isValidationError = (e: unknown): e is ValidationError => e instanceof ValidationError;
/** Type guard for {@link UnreachableError}. */
export const isUnreachableError = (e: unknown): e is UnreachableError => e instanceof UnreachableError;
/** Type guard for {@link TaskFailedError}. */
export const isTaskFailedError = (e: unknown): e is TaskFailedError => e instanceof TaskFailedError;
/** Type guard for {@link TemplateError}. */
export const isTemplateError = (e: unknown): e is TemplateError => e instanceof TemplateError;

/** The last `n` lines of a text, for error messages. */
export function tail(text: string, n = 5): string {
  const lines = text.trimEnd().split('\n');
  return lines.slice(-n).join('\n');
}
