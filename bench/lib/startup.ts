/**
 * Where a short run's time goes before the engine starts.
 *
 * - Import costs, each in a fresh process, median of `reps`: a bare Node process, the library from its
 *   sources (lib/index.ts: type stripping of every module), the library as installed (dist/lib/index.js:
 *   compiled JavaScript, validators compiled at build time), the cluster playbook with its roles.
 * - Start-up to the first connection: the time from spawning the command to the first TCP connection
 *   reaching a host, taken by a listener of the bench standing in for the host's sshd (it accepts, notes
 *   the time and ends the command), so nothing but the start-up is timed. For hostwright from its sources,
 *   as a consumer project runs it (a playbook importing the installed package `hostwright`, through the
 *   `hostwright run` command, which keeps Node's compile cache, and through `node playbook.ts`), and for
 *   `ansible-playbook` (to its first ssh connection).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTimed } from './proc.ts';
import { timing } from './results.ts';
import { ANSIBLE_DIR, REPO_DIR } from './tools.ts';

/** Startup costs in milliseconds (medians). */
export interface StartupCosts {
  nodeBareMs: number;
  importLibMs: number;
  importClusterPlaybookMs: number;
  /** The installed package's entry (dist/lib/index.js), when built. */
  importDistLibMs?: number;
}

/** Start-up to first connection of one way of starting a run. */
export interface FirstConnection {
  way: string;
  tool: 'hostwright' | 'ansible';
  medianMs: number;
  minMs: number;
  maxMs: number;
}

async function importCost(file: string): Promise<number> {
  const code = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`;
  const r = await runTimed(process.execPath, ['--input-type=module', '-e', code], {
    cwd: REPO_DIR,
    env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' },
  });
  if (r.code !== 0) throw new Error(`bench: importing ${file} failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return Number(r.stdout.trim().split('\n').pop());
}

/** Measures the import costs in fresh processes. */
export async function measureStartup(reps: number): Promise<StartupCosts> {
  const bare: number[] = [];
  const lib: number[] = [];
  const dist: number[] = [];
  const playbook: number[] = [];
  const distEntry = join(REPO_DIR, 'dist', 'lib', 'index.js');
  for (let i = 0; i < Math.max(3, reps); i++) {
    bare.push((await runTimed(process.execPath, ['-e', '0'])).wallMs);
    lib.push(await importCost(join(REPO_DIR, 'lib', 'index.ts')));
    if (existsSync(distEntry)) dist.push(await importCost(distEntry));
    playbook.push(await importCost(join(REPO_DIR, 'playbooks', 'cluster.ts')));
  }
  return {
    nodeBareMs: timing(bare).medianMs,
    importLibMs: timing(lib).medianMs,
    importClusterPlaybookMs: timing(playbook).medianMs,
    ...(dist.length ? { importDistLibMs: timing(dist).medianMs } : {}),
  };
}

/**
 * Spawns `cmd args` (its own process group) and resolves with the milliseconds until the listener got
 * its first connection; then kills the group. Rejects when the command exits first or after 60 s.
 */
function untilFirstConnection(
  cmd: string,
  args: readonly string[],
  server: ReturnType<typeof createServer>,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const end = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    };
    const timer = setTimeout(() => {
      end();
      reject(new Error(`bench: ${cmd} made no connection in 60 s`));
    }, 60_000);
    const onConnection = (socket: import('node:net').Socket) => {
      const ms = performance.now() - started;
      socket.destroy();
      clearTimeout(timer);
      server.off('connection', onConnection);
      end();
      resolve(ms);
    };
    server.on('connection', onConnection);
    child.on('exit', (code) => {
      if (server.listeners('connection').includes(onConnection)) {
        server.off('connection', onConnection);
        clearTimeout(timer);
        reject(new Error(`bench: ${cmd} ${args.join(' ')} exited (${code}) before connecting:\n${stderr.trim().split('\n').slice(-5).join('\n')}`));
      }
    });
  });
}

/** A consumer project: a playbook importing the installed package `hostwright` (a link to this repository). */
function consumerProject(dir: string): string {
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'hw-bench-consumer', private: true, type: 'module' }) + '\n');
  if (!existsSync(join(dir, 'node_modules', 'hostwright'))) symlinkSync(REPO_DIR, join(dir, 'node_modules', 'hostwright'));
  const playbook = join(dir, 'playbook.ts');
  writeFileSync(
    playbook,
    `import { definePlaybook, file, runIfMain } from 'hostwright';
const playbook = definePlaybook({ name: 'first-connection', plays: [{ name: 'one task', hosts: 'bench', tasks: [file({ path: '/tmp/hw-first', state: 'directory' })] }] });
export default playbook;
await runIfMain(import.meta.url, playbook);
`,
  );
  return playbook;
}

/** Measures start-up to the first connection for each way of starting, `reps` times each, alternating. */
export async function measureFirstConnection(reps: number, withAnsible: boolean, workDir: string): Promise<FirstConnection[]> {
  const server = createServer();
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  const dir = join(workDir, 'first-connection');
  mkdirSync(dir, { recursive: true });
  const inventory = join(dir, 'inventory.yml');
  writeFileSync(
    inventory,
    `all:\n  vars:\n    ansible_user: root\n    ansible_python_interpreter: /usr/bin/python3\n    ansible_ssh_common_args: -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null\n  children:\n    bench:\n      hosts:\n        first:\n          ansible_host: 127.0.0.1\n          ansible_port: ${port}\n`,
  );
  const playbook = consumerProject(join(dir, 'consumer'));
  const cache = mkdtempSync(join(tmpdir(), 'hw-bench-compile-cache-'));
  const hwArgs = ['-i', inventory, '--accept-new-host-keys', '--connect-retries', '0'];
  const noCache = { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1', HW_BENCH_TASKS: '2' };
  const ways: { way: string; tool: FirstConnection['tool']; cmd: string; args: string[]; env: NodeJS.ProcessEnv; cwd: string }[] = [
    {
      way: 'hostwright, playbook and library from the sources (node bench/workload/playbook.ts)',
      tool: 'hostwright',
      cmd: process.execPath,
      args: [join(REPO_DIR, 'bench', 'workload', 'playbook.ts'), ...hwArgs, '-e', 'bench_round=1'],
      env: noCache,
      cwd: REPO_DIR,
    },
    {
      way: 'hostwright, consumer playbook on the installed package (node playbook.ts)',
      tool: 'hostwright',
      cmd: process.execPath,
      args: [playbook, ...hwArgs],
      env: noCache,
      cwd: dir,
    },
    {
      way: 'hostwright, consumer playbook through `hostwright run` (compile cache warm)',
      tool: 'hostwright',
      cmd: process.execPath,
      args: [join(REPO_DIR, 'dist', 'lib', 'bin.js'), 'run', playbook, ...hwArgs],
      env: { ...process.env, NODE_COMPILE_CACHE: cache },
      cwd: dir,
    },
  ];
  if (withAnsible)
    ways.push({
      way: 'ansible-playbook (to its first ssh connection)',
      tool: 'ansible',
      cmd: 'ansible-playbook',
      args: [join(workDir, 'workload-first.yml'), '-i', inventory, '-e', 'bench_round=1'],
      env: { ...process.env, ANSIBLE_CONFIG: join(ANSIBLE_DIR, 'ansible.cfg'), ANSIBLE_SSH_CONTROL_PATH_DIR: cache },
      cwd: ANSIBLE_DIR,
    });
  if (withAnsible)
    writeFileSync(
      join(workDir, 'workload-first.yml'),
      '- hosts: bench\n  gather_facts: false\n  tasks:\n    - ansible.builtin.file: { path: /tmp/hw-first, state: directory }\n',
    );
  try {
    const runs = ways.map(() => [] as number[]);
    // One untimed run each first: the compile cache is written, the OS caches the files.
    for (const w of ways) await untilFirstConnection(w.cmd, w.args, server, w.env, w.cwd);
    for (let rep = 0; rep < reps; rep++) {
      const order = rep % 2 === 0 ? ways.keys() : [...ways.keys()].reverse();
      for (const i of order) runs[i].push(await untilFirstConnection(ways[i].cmd, ways[i].args, server, ways[i].env, ways[i].cwd));
    }
    return ways.map((w, i) => {
      const t = timing(runs[i]);
      return { way: w.way, tool: w.tool, medianMs: Math.round(t.medianMs), minMs: Math.round(t.minMs), maxMs: Math.round(t.maxMs) };
    });
  } finally {
    server.close();
    rmSync(cache, { recursive: true, force: true });
  }
}
