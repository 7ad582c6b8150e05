/**
 * hostwright's public API. Everything a playbook, a role, a custom task type or an embedding program
 * needs is exported from here; nothing else is a public path.
 *
 * @packageDocumentation
 */

// Defining tasks, roles, playbooks
export { defineTaskType, defineRole, definePlaybook, handler, defaultTaskName } from './play/define.ts';
export type { TaskFactory, Handler, Role, RoleDefinition, Play, Playbook, Serial } from './play/define.ts';
export type { TaskOptions, Task, HostVars, TaskOutcome, Deferred } from './play/options.ts';
export { validateArgs } from './play/validate.ts';

// The task contract
export { template } from './tasks/contract.ts';
export type { TaskType, Probe, Plan, Diff, HostHandle, TaskContext, ApplyResult, Facts, TemplateRef } from './tasks/contract.ts';
export { FileModeSchema, TemplateRefSchema, AbsolutePath, Args } from './tasks/schema-types.ts';
export type { FileMode } from './tasks/schema-types.ts';
export { atomicWriteCommand } from './tasks/atomic.ts';
export type { AtomicWriteOptions } from './tasks/atomic.ts';

// Task types
export { file, fileType } from './tasks/file.ts';
export type { FileArgs } from './tasks/file.ts';

// Running
export { run, resolveInventory, inventoryView } from './run.ts';
export type { RunPlaybookOptions, RunPlaybookResult } from './run.ts';
export { runPlaybook } from './engine/runner.ts';
export type { RunOptions, RunResult } from './engine/runner.ts';
export type { RunEvent, HostStatus, HostCounts, ErrorInfo, RunStats, EventListener } from './engine/events.ts';
export type { InventoryView, ConnectionSettings } from './engine/inventory-view.ts';
export type { TransportFactory } from './engine/connections.ts';
export { runCli, runIfMain, usage } from './cli.ts';

// Reporters
export { consoleReporter } from './report/console.ts';
export type { ConsoleReporterOptions } from './report/console.ts';
export { jsonReporter } from './report/json.ts';
export { renderDiff } from './report/diff.ts';

// Transports
export { quote, shellJoin } from './transport/quote.ts';
export type { Transport, ExecResult, ExecOptions, BecomeOptions, TransportStats } from './transport/types.ts';

// Errors
export { HostwrightError, ValidationError, UnreachableError, TaskFailedError, TemplateError, isValidationError, isUnreachableError, isTaskFailedError, isTemplateError } from './errors.ts';
