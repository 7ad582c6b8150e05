/**
 * The modules an ad-hoc run can use (`-m NAME`): every built-in task type by its name, `ping`, and a few
 * Ansible module names as aliases.
 */
import { ValidationError } from '../core/errors.ts';
import type { TaskType } from '../core/task-contract.ts';
import { commandType, shellType } from '../tasks/command.ts';
import { copyType } from '../tasks/copy.ts';
import { fetchType } from '../tasks/fetch.ts';
import { scriptType } from '../tasks/script.ts';
import { unarchiveType } from '../tasks/unarchive.ts';
import { getUrlType } from '../tasks/get-url.ts';
import { repositoryType } from '../tasks/repository.ts';
import { gitType } from '../tasks/git.ts';
import { mountType } from '../tasks/mount.ts';
import { rebootType } from '../tasks/reboot.ts';
import { factsType } from '../tasks/facts.ts';
import { fileType } from '../tasks/file.ts';
import { blockType, lineType } from '../tasks/line.ts';
import { packageType } from '../tasks/package.ts';
import { serviceType } from '../tasks/service.ts';
import { groupType } from '../tasks/group.ts';
import { userType } from '../tasks/user.ts';
import { authorizedKeyType } from '../tasks/authorized-key.ts';
import { cronType } from '../tasks/cron.ts';
import { replaceType } from '../tasks/replace.ts';
import { hostnameType } from '../tasks/hostname.ts';
import { timezoneType } from '../tasks/timezone.ts';
import { modprobeType } from '../tasks/modprobe.ts';
import { statType } from '../tasks/stat.ts';
import { sysctlType } from '../tasks/sysctl.ts';
import { waitType } from '../tasks/wait.ts';
import type { TSchema } from '@sinclair/typebox';
import { schemaKinds, type ParseModuleArgsOptions } from './args.ts';
import { pingType } from '../tasks/ping.ts';

/** A module of the ad-hoc command: a task type and how its `-a` string is read. */
export interface AdhocModule {
  type: TaskType;
  /** For command and shell: the argument that takes the free-form text. */
  args: ParseModuleArgsOptions;
}

const plain: ParseModuleArgsOptions = {};

/** The built-in modules by name, in the order `--help` lists them. */
export const MODULES: ReadonlyMap<string, AdhocModule> = new Map<string, AdhocModule>([
  ['command', { type: commandType as TaskType, args: { freeForm: 'cmd' } }],
  ['shell', { type: shellType as TaskType, args: { freeForm: 'cmd' } }],
  ['ping', { type: pingType as TaskType, args: plain }],
  ['facts', { type: factsType as TaskType, args: plain }],
  ['file', { type: fileType as TaskType, args: plain }],
  ['line', { type: lineType as TaskType, args: plain }],
  ['block', { type: blockType as TaskType, args: plain }],
  ['package', { type: packageType as TaskType, args: plain }],
  ['service', { type: serviceType as TaskType, args: plain }],
  ['sysctl', { type: sysctlType as TaskType, args: plain }],
  ['wait', { type: waitType as TaskType, args: plain }],
  ['stat', { type: statType as TaskType, args: { aliases: { get_checksum: 'checksum' } } }],
  ['group', { type: groupType as TaskType, args: plain }],
  ['user', { type: userType as TaskType, args: plain }],
  ['authorizedKey', { type: authorizedKeyType as TaskType, args: plain }],
  ['cron', { type: cronType as TaskType, args: plain }],
  ['replace', { type: replaceType as TaskType, args: plain }],
  ['hostname', { type: hostnameType as TaskType, args: plain }],
  ['timezone', { type: timezoneType as TaskType, args: plain }],
  ['modprobe', { type: modprobeType as TaskType, args: plain }],
  ['copy', { type: copyType as TaskType, args: plain }],
  ['fetch', { type: fetchType as TaskType, args: plain }],
  ['script', { type: scriptType as TaskType, args: { freeForm: 'cmd' } }],
  ['unarchive', { type: unarchiveType as TaskType, args: plain }],
  ['getUrl', { type: getUrlType as TaskType, args: plain }],
  ['git', { type: gitType as TaskType, args: plain }],
  ['reboot', { type: rebootType as TaskType, args: plain }],
  ['mount', { type: mountType as TaskType, args: { aliases: { name: 'path' } } }],
  ['repository', { type: repositoryType as TaskType, args: { aliases: { update_cache: 'updateCache', filename: 'file' } } }],
]);

/** Ansible module names accepted for the same hostwright module (arguments are hostwright's). */
export const MODULE_ALIASES: Readonly<Record<string, string>> = {
  setup: 'facts',
  lineinfile: 'line',
  blockinfile: 'block',
  systemd: 'service',
  wait_for: 'wait',
  authorized_key: 'authorizedKey',
  'ansible.posix.authorized_key': 'authorizedKey',
  'community.general.modprobe': 'modprobe',
  'community.general.timezone': 'timezone',
  get_url: 'getUrl',
  yum_repository: 'repository',
  apt_repository: 'repository',
  'ansible.posix.mount': 'mount',
};

/** The module named `name` (or an alias of one); a ValidationError listing the valid names otherwise. */
export function findModule(name: string): AdhocModule {
  const found = MODULES.get(name) ?? MODULES.get(MODULE_ALIASES[name] ?? '');
  if (found) return found;
  const aliases = Object.entries(MODULE_ALIASES).map(([a, m]) => `${a} (= ${m})`);
  throw new ValidationError(
    `-m ${JSON.stringify(name)}: no such module; valid modules: ${[...MODULES.keys()].join(', ')}; Ansible names also accepted: ${aliases.join(', ')}`,
    { source: '-m' },
  );
}

/** The argument names a module takes on the command line (for shell completion): not function-valued ones. */
export function moduleArgNames(module: AdhocModule): string[] {
  const properties: Record<string, TSchema> = (module.type.schema as any).properties ?? {};
  return Object.keys(properties).filter((k) => schemaKinds(properties[k]).size > 0);
}
