/**
 * Command line for the test hosts:
 *   node_modules/.bin/node test/hosts/cli.ts up|down|reset|status [--hosts a,b,c]
 * up: start (or reuse) the hosts, print inventory/known_hosts/key paths. down: stop them (default:
 * every running host). reset: fresh hosts. status: one line per known host.
 */
import { hostState } from './machine.ts';
import { knownAddresses } from './outputs.ts';
import { DEFAULT_NAMES, INVENTORY_PATH, KEY_PATH, KNOWN_HOSTS_PATH } from './paths.ts';
import { knownHostNames, runningHostNames, stopAll, testHosts } from './index.ts';
import { ensurePrerequisites } from './prereq.ts';

const usage = 'usage: node test/hosts/cli.ts up|down|reset|status [--hosts a,b,c]';
const args = process.argv.slice(2);
const command = args[0];
const hostsAt = args.indexOf('--hosts');
const names = hostsAt >= 0 ? (args[hostsAt + 1] ?? '').split(',').filter(Boolean) : undefined;

async function main(): Promise<number> {
  const started = Date.now();
  const took = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  switch (command) {
    case 'up': {
      const hosts = await testHosts({ names });
      for (const h of hosts.hosts) console.log(`${h.name.padEnd(12)} ${h.address}`);
      console.log(`inventory:   ${hosts.inventoryPath}\nknown_hosts: ${hosts.knownHostsPath}\nkey:         ${hosts.keyPath}`);
      console.log(`ssh -o UserKnownHostsFile=${KNOWN_HOSTS_PATH} -i ${KEY_PATH} root@${hosts.hosts[0].address}`);
      console.log(`ready in ${took()}`);
      return 0;
    }
    case 'down': {
      await ensurePrerequisites();
      if (names)
        await (await import('./lock.ts')).withLock(async () => {
          const { kill } = await import('./machine.ts');
          await Promise.all(names.map((n) => kill(n)));
        });
      else await stopAll();
      console.log(`stopped ${(names ?? ['all']).join(', ')} in ${took()}`);
      return 0;
    }
    case 'reset': {
      const running = runningHostNames();
      const hosts = await testHosts({ names: names ?? (running.length ? running : [...DEFAULT_NAMES]) });
      await hosts.reset();
      console.log(`reset ${hosts.hosts.map((h) => h.name).join(', ')} in ${took()}`);
      return 0;
    }
    case 'status': {
      const addresses = knownAddresses();
      const list = names ?? [...new Set([...DEFAULT_NAMES, ...knownHostNames()])];
      for (const n of list) console.log(`${n.padEnd(12)} ${(addresses[n] ?? '-').padEnd(12)} ${hostState(n).running ? 'running' : 'stopped'}`);
      console.log(`inventory: ${INVENTORY_PATH}`);
      return 0;
    }
    default:
      console.error(usage);
      return 2;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    console.error(err.message);
    process.exitCode = 1;
  },
);
