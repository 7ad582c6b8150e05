/** Every built-in task type, in the order `--help` lists them (the ad-hoc modules and docs read this). */
import type { TaskType } from '../core/task-contract.ts';
import { authorizedKeyType } from './authorized-key.ts';
import { commandType, shellType } from './command.ts';
import { copyType } from './copy.ts';
import { cronType } from './cron.ts';
import { factsType } from './facts.ts';
import { fetchType } from './fetch.ts';
import { fileType } from './file.ts';
import { getUrlType } from './get-url.ts';
import { gitType } from './git.ts';
import { groupType } from './group.ts';
import { hostnameType } from './hostname.ts';
import { blockType, lineType } from './line.ts';
import { modprobeType } from './modprobe.ts';
import { mountType } from './mount.ts';
import { packageType } from './package.ts';
import { pingType } from './ping.ts';
import { rebootType } from './reboot.ts';
import { replaceType } from './replace.ts';
import { repositoryType } from './repository.ts';
import { scriptType } from './script.ts';
import { serviceType } from './service.ts';
import { statType } from './stat.ts';
import { sysctlType } from './sysctl.ts';
import { timezoneType } from './timezone.ts';
import { unarchiveType } from './unarchive.ts';
import { userType } from './user.ts';
import { waitType } from './wait.ts';

/** The built-in task types. */
export const BUILTIN_TASK_TYPES: readonly TaskType[] = [
  commandType,
  shellType,
  pingType,
  factsType,
  fileType,
  lineType,
  blockType,
  packageType,
  serviceType,
  sysctlType,
  waitType,
  statType,
  groupType,
  userType,
  authorizedKeyType,
  cronType,
  replaceType,
  hostnameType,
  timezoneType,
  modprobeType,
  copyType,
  fetchType,
  scriptType,
  unarchiveType,
  getUrlType,
  gitType,
  rebootType,
  mountType,
  repositoryType,
] as unknown as readonly TaskType[];
