/**
 * The one test host of a task type's end-to-end suite, reached as root over SSH: `start()` (in
 * `test.before`) boots and resets it; `run` runs tasks on it through the engine, `sh` runs a command on it
 * directly and gives its trimmed stdout.
 */
import type { Task } from '../../lib/core/task-options.ts';
import { testHosts, type TestHosts } from '../hosts/index.ts';
import { runTasks } from './run.ts';

/** Helpers bound to test host `name`. */
export function taskTestHost(name: string) {
  let hosts: TestHosts | undefined;
  let inventory: Record<string, unknown> = {};
  const started = (): TestHosts => {
    if (!hosts) throw new Error(`test host ${name}: call start() in test.before first`);
    return hosts;
  };
  return {
    /** Boot (or reuse) and reset the host; the harness for the file's own checks. */
    async start(): Promise<TestHosts> {
      hosts = await testHosts({ names: [name] });
      await hosts.reset([name]);
      inventory = {
        all: { hosts: { [name]: { ansible_host: hosts.hosts[0].address, ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath } } },
      };
      return hosts;
    },
    run: (tasks: Task[], options: { check?: boolean; diff?: boolean } = {}) =>
      runTasks(tasks, { inventory, knownHostsFile: started().knownHostsPath, ...options }),
    sh: async (cmd: string): Promise<string> => (await started().exec(name, cmd)).stdout.trim(),
  };
}
