/**
 * hostwright's public API. Everything a playbook, a role, a custom task type or an embedding program
 * needs is exported from here; nothing else is a public path.
 *
 * @packageDocumentation
 */

// Defining tasks, roles, playbooks
export { defineTaskType, defaultTaskName } from './core/define-task-type.ts';
export type { TaskFactory } from './core/define-task-type.ts';
export { defineRole, definePlaybook, handler } from './play/define.ts';
export type { Handler, Role, RoleDefinition, Play, Playbook, Serial } from './play/define.ts';
export type { TaskOptions, Task, HostVars, TaskOutcome, Deferred } from './core/task-options.ts';
export { validateArgs } from './core/validate-args.ts';

// The task contract
export { template } from './core/task-contract.ts';
export type { TaskType, Probe, ProbeMerge, Plan, Diff, HostHandle, TaskContext, ApplyResult, Facts, TemplateRef, Preview } from './core/task-contract.ts';
export { FileModeSchema, TemplateRefSchema, AbsolutePath, Args } from './tasks/schema-types.ts';
export type { FileMode, Octal } from './tasks/schema-types.ts';
export { atomicWriteCommand } from './tasks/atomic.ts';
export type { AtomicWriteOptions } from './tasks/atomic.ts';

// Task types
export { file, fileType, FileArgsSchema } from './tasks/file.ts';
export type { FileArgs, FilePlanData } from './tasks/file.ts';
export { line, block, lineType, blockType, LineArgsSchema, BlockArgsSchema } from './tasks/line.ts';
export type { LineArgs, BlockArgs, EditData } from './tasks/line.ts';
export { pkg, packageType, PackageArgsSchema } from './tasks/package.ts';
export type { PackageArgs, PackagePlanData } from './tasks/package.ts';
export { service, serviceType, ServiceArgsSchema } from './tasks/service.ts';
export type { ServiceArgs, ServicePlanData, ServiceStep } from './tasks/service.ts';
export { sysctl, sysctlType, SysctlArgsSchema } from './tasks/sysctl.ts';
export type { SysctlArgs, SysctlPlanData } from './tasks/sysctl.ts';
export { command, shell, commandType, shellType, CommandArgsSchema, ShellArgsSchema } from './tasks/command.ts';
export type { CommandArgs, ShellArgs, CommandResult, CommandPredicate } from './tasks/command.ts';
export { wait, waitType, WaitArgsSchema } from './tasks/wait.ts';
export type { WaitArgs } from './tasks/wait.ts';
export { facts, factsType, FactsArgsSchema } from './tasks/facts.ts';
export type { FactsArgs } from './tasks/facts.ts';
export { stat, statType, StatArgsSchema, planStat } from './tasks/stat.ts';
export type { StatArgs } from './tasks/stat.ts';
export { group, groupType, GroupArgsSchema, AccountName, planGroup } from './tasks/group.ts';
export type { GroupArgs, GroupPlanData } from './tasks/group.ts';
export { user, userType, UserArgsSchema, planUser } from './tasks/user.ts';
export type { UserArgs, UserPlanData } from './tasks/user.ts';
export { authorizedKey, authorizedKeyType, AuthorizedKeyArgsSchema, planAuthorizedKey, editAuthorizedKeys } from './tasks/authorized-key.ts';
export type { AuthorizedKeyArgs, AuthorizedKeyPlanData } from './tasks/authorized-key.ts';
export { cron, cronType, CronArgsSchema, planCron, cronFilePath } from './tasks/cron.ts';
export type { CronArgs, CronPlanData } from './tasks/cron.ts';
export { replace, replaceType, ReplaceArgsSchema, planReplace, replaceText } from './tasks/replace.ts';
export type { ReplaceArgs, ReplaceResult } from './tasks/replace.ts';
export { hostname, hostnameType, HostnameArgsSchema, planHostname } from './tasks/hostname.ts';
export type { HostnameArgs, HostnameState, HostnamePlanData } from './tasks/hostname.ts';
export { timezone, timezoneType, TimezoneArgsSchema, planTimezone } from './tasks/timezone.ts';
export type { TimezoneArgs, TimezoneState } from './tasks/timezone.ts';
export { modprobe, modprobeType, ModprobeArgsSchema, planModprobe } from './tasks/modprobe.ts';
export type { ModprobeArgs, ModprobeState, ModprobePlanData } from './tasks/modprobe.ts';
export { copy, copyType, CopyArgsSchema } from './tasks/copy.ts';
export type { CopyArgs, CopyPlanData } from './tasks/copy.ts';
export { fetch, fetchType, FetchArgsSchema, fetchLocalPath } from './tasks/fetch.ts';
export type { FetchArgs, FetchPlanData, FetchLocal } from './tasks/fetch.ts';
export { script, scriptType, ScriptArgsSchema } from './tasks/script.ts';
export type { ScriptArgs } from './tasks/script.ts';
export { unarchive, unarchiveType, UnarchiveArgsSchema } from './tasks/unarchive.ts';
export type { UnarchiveArgs, UnarchivePlanData } from './tasks/unarchive.ts';
export { getUrl, getUrlType, GetUrlArgsSchema, getUrlDest } from './tasks/get-url.ts';
export type { GetUrlArgs, GetUrlPlanData, GetUrlState } from './tasks/get-url.ts';
export { repository, repositoryType, RepositoryArgsSchema, repositoryPath } from './tasks/repository.ts';
export type { RepositoryArgs, RepositoryPlanData, RepoFileState } from './tasks/repository.ts';
export { git, gitType, GitArgsSchema } from './tasks/git.ts';
export type { GitArgs, GitPlanData, GitState } from './tasks/git.ts';
export { mount, mountType, MountArgsSchema } from './tasks/mount.ts';
export type { MountArgs, MountPlanData, MountState } from './tasks/mount.ts';
export { reboot, rebootType, RebootArgsSchema } from './tasks/reboot.ts';
export type { RebootArgs, RebootState } from './tasks/reboot.ts';
// The probed states the task types plan from (for custom reporters and tests).
export type { FileState } from './probes/file-stat.ts';
export type { PackageQueryResult, PackageState } from './probes/package-query.ts';
export type { InstalledPackage } from './probes/package-spec.ts';
export type { UnitState } from './probes/systemd-unit.ts';
export type { SysctlState } from './probes/sysctl-state.ts';
export type { WaitState } from './probes/wait-script.ts';
export type { CommandGuardState } from './probes/command-guard.ts';
export type { PathStat, ChecksumAlgorithm } from './probes/path-stat.ts';
export type { GroupState, GroupEntry, UserState, PasswdEntry, ShadowEntry } from './probes/account-db.ts';
export type { AuthorizedKeysState, KeyLine, KeyOptions } from './probes/authorized-keys.ts';
export { editCron } from './probes/crontab.ts';
export type { CronState, CronEdit, CronEditResult } from './probes/crontab.ts';
export type { CopyState, TreeListing, TreeEntry } from './probes/copy-tree.ts';
export type { UnarchiveState, ArchiveMember, DestEntry } from './probes/archive-listing.ts';

// Ad-hoc runs (what the `hostwright` command does), usable from code
export { adhocPlaybook } from './adhoc/playbook.ts';
export type { AdhocSpec, AdhocPlaybook, AdhocOutput } from './adhoc/playbook.ts';
export { parseModuleArgs } from './adhoc/args.ts';
export type { ParseModuleArgsOptions } from './adhoc/args.ts';
export { ping, pingType, PingArgsSchema } from './tasks/ping.ts';
export type { PingArgs } from './tasks/ping.ts';

/** TypeBox, re-exported so roles and custom task types declare schemas without another dependency. */
export { Type } from '@sinclair/typebox';
export type { Static, TSchema } from '@sinclair/typebox';

// Inventory and variables
export { loadInventory, inventoryFromObject, hostVars, groupNames, selectHosts, connectionVars, toAnsibleList, toGraph } from './inventory/index.ts';
export type { Inventory, InventoryGroup, InventoryHost, ConnectionVars, VarsFile, AnsibleList, AnsibleListGroup, InventorySource, InventoryData, SelectOptions } from './inventory/index.ts';
export { parseExtraVars, checkVarTypes, renderTemplate } from './vars/index.ts';

// Running
export { run, resolveInventory, inventoryView } from './run.ts';
export type { RunPlaybookOptions, RunPlaybookResult } from './run.ts';
export { runPlaybook } from './engine/runner.ts';
export type { RunOptions, RunResult } from './engine/runner.ts';
export type { RunEvent, HostStatus, HostCounts, ErrorInfo, RunStats, EventListener } from './core/run-events.ts';
export type { InventoryView, ConnectionSettings } from './engine/inventory-view.ts';
export type { TransportFactory } from './engine/connections.ts';
export { runCli, runIfMain } from './cli/playbook-command.ts';
export { usage } from './cli/help.ts';
export { listPlaybook } from './playbook-listing.ts';
export type { ListedPlay, ListedTask, ListPlaybookOptions } from './playbook-listing.ts';

// Reporters
export { consoleReporter } from './report/console.ts';
export type { ConsoleReporterOptions } from './report/console.ts';
export { jsonReporter } from './report/json.ts';
export { renderDiff } from './report/diff.ts';

// Transports
export { quote, shellJoin } from './transport/quote.ts';
export type { Transport, ExecResult, ExecOptions, BecomeOptions, TransportStats } from './core/transport-types.ts';
export { SshTransport, LocalTransport, createTransport } from './transport/index.ts';
export type { SshTransportOptions, LocalTransportOptions, TransportFactoryOptions } from './transport/index.ts';

// Errors
export { HostwrightError, ValidationError, UnreachableError, TaskFailedError, TemplateError, isValidationError, isUnreachableError, isTaskFailedError, isTemplateError } from './core/errors.ts';
