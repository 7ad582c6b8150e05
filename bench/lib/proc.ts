/**
 * Child processes for the bench: run, capture, time the wall clock from spawn to exit, and optionally
 * measure the controller's cost: CPU time (user + system) of the whole process tree, counted by a cgroup
 * of the cpuacct hierarchy (so forked workers and daemonized ssh ControlPersist masters count too), and
 * the tree's peak resident memory (the sum of the RSS of its processes, sampled every 50 ms).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a finished child did. */
export interface Finished {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, in milliseconds. */
  wallMs: number;
  /** With `measure`: CPU time of the process tree (user + system), in milliseconds. */
  cpuMs?: number;
  /** With `measure`: the largest sum of RSS over the tree's processes seen, in MiB. */
  peakTreeRssMiB?: number;
  /** With `measure`: the most open file descriptors over the tree's processes seen at once. */
  peakFds?: number;
}

/** Options of {@link runTimed}. */
export interface RunTimedOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Measure CPU and memory of the process tree (needs root and the cpuacct cgroup hierarchy). */
  measure?: boolean;
  /** Runs after the child exited and before the CPU is read (e.g. ending ssh masters it left behind). */
  settle?: () => void | Promise<void>;
}

const CPUACCT = '/sys/fs/cgroup/cpuacct';
let counter = 0;

/** A fresh cpuacct cgroup for one measured run, or undefined where there is none (no root, cgroup v2 only). */
function makeCgroup(): string | undefined {
  if (!existsSync(join(CPUACCT, 'cpuacct.usage'))) return undefined;
  const dir = join(CPUACCT, 'hostwright-bench', `${process.pid}-${++counter}`);
  try {
    mkdirSync(dir, { recursive: true });
    return dir;
  } catch {
    return undefined;
  }
}

const pidsOf = (cg: string): number[] => readFileSync(join(cg, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);

function rssKiB(pid: number): number {
  try {
    return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Reads the cgroup's CPU (ms), moves any process left in it to the root, and removes it. */
function closeCgroup(cg: string): number {
  const ns = Number(readFileSync(join(cg, 'cpuacct.usage'), 'utf8'));
  for (const pid of pidsOf(cg)) {
    try {
      writeFileSync(join(CPUACCT, 'cgroup.procs'), String(pid));
    } catch {
      /* gone */
    }
  }
  try {
    rmdirSync(cg);
  } catch {
    /* a process still in it: left for the next run's machine reboot */
  }
  return ns / 1e6;
}

/** Runs `cmd args` to completion (never rejects on a non-zero exit; check `code`). */
export function runTimed(cmd: string, args: readonly string[], options: RunTimedOptions = {}): Promise<Finished> {
  const cg = options.measure ? makeCgroup() : undefined;
  // The child joins the cgroup before it execs the command, so every descendant is counted.
  const [file, argv] = cg ? ['/bin/sh', ['-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', cg, cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, argv, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let peakKiB = 0;
    let peakFds = 0;
    const sample = () => {
      if (!cg) return;
      let sum = 0;
      let fds = 0;
      try {
        for (const pid of pidsOf(cg)) {
          sum += rssKiB(pid);
          try {
            fds += readdirSync(`/proc/${pid}/fd`).length;
          } catch {
            /* gone */
          }
        }
      } catch {
        return;
      }
      peakKiB = Math.max(peakKiB, sum);
      peakFds = Math.max(peakFds, fds);
    };
    const sampler = cg ? setInterval(sample, 50) : undefined;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new Error(`bench: cannot run ${cmd}: ${e.message}`)));
    child.on('close', async (code, signal) => {
      const wallMs = performance.now() - started;
      if (sampler) clearInterval(sampler);
      let cpuMs: number | undefined;
      try {
        await options.settle?.();
      } finally {
        if (cg) cpuMs = closeCgroup(cg);
      }
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        wallMs,
        ...(cg ? { cpuMs: Math.round(cpuMs!), peakTreeRssMiB: Math.round((peakKiB / 1024) * 10) / 10, peakFds } : {}),
      });
    });
  });
}

/** The last `lines` lines of a text, for error messages. */
export const tailOf = (text: string, lines = 15): string => text.trimEnd().split('\n').slice(-lines).join('\n');
