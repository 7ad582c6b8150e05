/**
 * hostwright's public API: what a playbook, a role, a custom task type and a program that calls `run()`
 * need, and nothing else. Every other module under lib/ is internal and may change in any release.
 * The exported surface is recorded in api/hostwright.api.md (`npm run api:update` after a deliberate
 * change); `npm test` fails while the two differ.
 *
 * @packageDocumentation
 */

// Playbooks and roles
export { defineRole, definePlaybook, handler } from './play/define.ts';
export type { Handler, Role, RoleDefinition, Play, Playbook, Serial } from './play/define.ts';
export type { TaskOptions, Task, HostVars, TaskOutcome, Deferred } from './core/task-options.ts';
export { template } from './core/task-contract.ts';
export { runCli, runIfMain } from './cli.ts';

// The built-in task types, as factories: `file({ path, content })`. A factory's argument shape is in its
// signature; the task type behind it is `factory.type`.
export { file } from './tasks/file.ts';
export { line, block } from './tasks/line.ts';
export { pkg } from './tasks/package.ts';
export { service } from './tasks/service.ts';
export { sysctl } from './tasks/sysctl.ts';
export { command, shell } from './tasks/command.ts';
export type { CommandResult, CommandPredicate } from './tasks/command.ts';
export { wait } from './tasks/wait.ts';
export { facts } from './tasks/facts.ts';
export { stat } from './tasks/stat.ts';
export { group } from './tasks/group.ts';
export { user } from './tasks/user.ts';
export { authorizedKey } from './tasks/authorized-key.ts';
export { cron } from './tasks/cron.ts';
export { replace } from './tasks/replace.ts';
export { hostname } from './tasks/hostname.ts';
export { timezone } from './tasks/timezone.ts';
export { modprobe } from './tasks/modprobe.ts';
export { copy } from './tasks/copy.ts';
export { fetch } from './tasks/fetch.ts';
export { script } from './tasks/script.ts';
export { unarchive } from './tasks/unarchive.ts';
export { getUrl } from './tasks/get-url.ts';
export { repository } from './tasks/repository.ts';
export { git } from './tasks/git.ts';
export { mount } from './tasks/mount.ts';
export { reboot } from './tasks/reboot.ts';
export { ping } from './tasks/ping.ts';

// Custom task types: the contract, applies as data, argument schemas, command building.
export { defineTaskType } from './core/define-task-type.ts';
export type { TaskFactory } from './core/define-task-type.ts';
export type {
  TaskType,
  Probe,
  ProbeMerge,
  Plan,
  Diff,
  HostHandle,
  TaskContext,
  ApplyResult,
  Facts,
  TemplateRef,
  Preview,
} from './core/task-contract.ts';
export type {
  ApplyStep,
  ExecStep,
  UploadStep,
  DownloadStep,
  ReconnectStep,
  StepResult,
  StepResults,
  StepContext,
  StepApply,
  StepBase,
} from './core/apply-steps.ts';
export { FileModeSchema, TemplateRefSchema, AbsolutePath, Args } from './tasks/schema-types.ts';
export type { FileMode, Octal } from './tasks/schema-types.ts';
export { atomicWriteCommand } from './tasks/atomic.ts';
export type { AtomicWriteOptions } from './tasks/atomic.ts';
export { quote, shellJoin } from './transport/quote.ts';
/** TypeBox, re-exported so roles and custom task types declare schemas without another dependency. */
export { Type } from '@sinclair/typebox';
export type { Static, TSchema } from '@sinclair/typebox';

// Running from a program
export { run } from './run.ts';
export type { RunPlaybookOptions, RunPlaybookResult, ConnectionDefaults } from './run.ts';
export type { RunOptions, RunResult } from './engine/runner.ts';
export { loadInventory, inventoryFromObject } from './inventory/index.ts';
export type { Inventory, InventoryGroup, InventoryHost, VarsFile, InventorySource, InventoryData } from './inventory/index.ts';
export type { LoadInventoryOptions } from './inventory/load.ts';
export type { RunEvent, HostStatus, HostCounts, ErrorInfo, RunStats, EventListener } from './core/run-events.ts';
export type { TransportFactory } from './engine/connections.ts';
export type { ConnectionSettings } from './engine/inventory-view.ts';
export type { Transport, ExecResult, ExecOptions, BecomeOptions, TransportStats, HeldCommand } from './core/transport-types.ts';

// Reporters
export { consoleReporter } from './report/console.ts';
export type { ConsoleReporterOptions } from './report/console.ts';
export { jsonReporter } from './report/json.ts';

// Errors
export {
  HostwrightError,
  ValidationError,
  UnreachableError,
  TaskFailedError,
  TemplateError,
  isValidationError,
  isUnreachableError,
  isTaskFailedError,
  isTemplateError,
} from './core/errors.ts';
