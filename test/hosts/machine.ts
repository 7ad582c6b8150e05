/**
 * One test host's lifecycle: a fresh overlayfs upper layer over the shared rootfs (hostname, address,
 * host key, authorized keys), systemd-nspawn under a supervisor started with setsid, readiness
 * (sshd answers and systemd is up), and a fast stop (SIGKILL of the container's PID 1).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync as chmod, chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import type { Build } from './build.ts';
import { containerInit, execIn, hostDir, livePid } from './container.ts';
import { BRIDGE, BRIDGE_ADDRESS, CGROUP_PARENT, isYumOnly, KEY_PATH, SCRIPTS_DIR } from './paths.ts';
import { alive, run, runOk, sleep } from './proc.ts';

/** Whether the host is up, and with which build (a host of an older build must be restarted). */
export function hostState(name: string): { running: boolean; buildId?: string } {
  const running = livePid(name, 'supervisor') !== undefined && livePid(name, 'nspawn') !== undefined;
  let buildId: string | undefined;
  try {
    buildId = readFileSync(join(hostDir(name), 'build-id'), 'utf8').trim();
  } catch {
    /* never started */
  }
  return { running, buildId };
}

/** Creates the host's own ed25519 host key once; it survives resets so known_hosts stays valid. */
export async function ensureHostKey(name: string): Promise<string> {
  const key = join(hostDir(name), 'ssh_host_ed25519_key');
  mkdirSync(hostDir(name), { recursive: true });
  if (!existsSync(key) || !existsSync(`${key}.pub`)) {
    rmSync(key, { force: true });
    await runOk(`host key for ${name}`, 'ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${name}`, '-f', key]);
  }
  return readFileSync(`${key}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
}

/** mkdir -p inside the upper layer, giving each new directory the mode and owner it has in the rootfs. */
function mkdirLike(rootfs: string, upper: string, rel: string): void {
  let path = '';
  for (const part of rel.split('/').filter(Boolean)) {
    path = `${path}/${part}`;
    if (existsSync(upper + path)) continue;
    mkdirSync(upper + path);
    const lower = existsSync(rootfs + path) ? statSync(rootfs + path) : undefined;
    if (!lower) continue;
    // Overlayfs shows the upper directory's own owner and mode for a merged directory: copy them.
    chownSync(upper + path, lower.uid, lower.gid);
    chmod(upper + path, lower.mode & 0o7777);
  }
}

function put(build: Build, upper: string, rel: string, content: string, mode = 0o644, owner?: { uid: number; gid: number }) {
  mkdirLike(build.rootfs, upper, dirname(rel));
  writeFileSync(upper + rel, content, { mode });
  chmod(upper + rel, mode);
  if (owner) chownSync(upper + rel, owner.uid, owner.gid);
}

function userIds(rootfs: string, user: string): { uid: number; gid: number } {
  const line = readFileSync(join(rootfs, 'etc/passwd'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`test hosts: user ${user} missing from ${rootfs}/etc/passwd (rebuild: rm -rf test/hosts/.cache/rootfs*)`);
  const f = line.split(':');
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

async function unmount(path: string): Promise<void> {
  while ((await run('mountpoint', ['-q', path])).code === 0) {
    const r = await run('umount', [path]);
    if (r.code !== 0) {
      await runOk(`unmounting ${path}`, 'umount', ['-l', path]);
      break;
    }
  }
}

/**
 * The yum-only variant (see {@link isYumOnly}): /usr/bin/yum becomes a copy of dnf's script (it was a
 * symlink to dnf) and dnf, dnf-3 are hidden by overlayfs whiteouts (character devices 0/0 in the upper layer).
 */
async function yumOnly(build: Build, upper: string): Promise<void> {
  put(build, upper, '/usr/bin/yum', readFileSync(join(build.rootfs, 'usr/bin/dnf-3'), 'utf8'), 0o755);
  for (const hidden of ['dnf', 'dnf-3']) await runOk(`hiding /usr/bin/${hidden}`, 'mknod', [join(upper, 'usr/bin', hidden), 'c', '0', '0']);
}

/** Drops the host's upper layer and mounts a fresh overlay with its identity files. */
async function prepareRoot(name: string, address: string, build: Build): Promise<string> {
  const dir = hostDir(name);
  const root = join(dir, 'root');
  await unmount(root);
  rmSync(join(dir, 'upper'), { recursive: true, force: true });
  rmSync(join(dir, 'work'), { recursive: true, force: true });
  const upper = join(dir, 'upper');
  for (const d of [upper, join(dir, 'work'), root]) mkdirSync(d, { recursive: true });
  const key = readFileSync(join(dir, 'ssh_host_ed25519_key'), 'utf8');
  const pub = readFileSync(join(dir, 'ssh_host_ed25519_key.pub'), 'utf8');
  const authorized = readFileSync(`${KEY_PATH}.pub`, 'utf8');
  const deploy = userIds(build.rootfs, 'deploy');
  put(build, upper, '/etc/hostname', `${name}\n`);
  put(build, upper, '/etc/machine-id', createHash('sha256').update(`hostwright/${name}`).digest('hex').slice(0, 32) + '\n', 0o444);
  // Only the machine's side: the roles under test write the cluster's names themselves.
  put(
    build,
    upper,
    '/etc/hosts',
    '127.0.0.1   localhost localhost.localdomain localhost4 localhost4.localdomain4\n' +
      '::1         localhost localhost.localdomain localhost6 localhost6.localdomain6\n' +
      `${BRIDGE_ADDRESS}   hostwright-machine\n`,
  );
  put(
    build,
    upper,
    '/etc/systemd/network/10-host0.network',
    `[Match]\nName=host0\n\n[Network]\nAddress=${address}/24\nLinkLocalAddressing=no\nIPv6AcceptRA=no\n`,
  );
  put(build, upper, '/etc/ssh/ssh_host_ed25519_key', key, 0o600);
  put(build, upper, '/etc/ssh/ssh_host_ed25519_key.pub', pub, 0o644);
  put(build, upper, '/root/.ssh/authorized_keys', authorized, 0o600);
  put(build, upper, '/home/deploy/.ssh/authorized_keys', authorized, 0o600, deploy);
  chownSync(join(upper, 'home/deploy/.ssh'), deploy.uid, deploy.gid);
  chmod(join(upper, 'home/deploy/.ssh'), 0o700);
  chmod(join(upper, 'root/.ssh'), 0o700);
  if (isYumOnly(name)) await yumOnly(build, upper);
  await runOk(`mounting the overlay of ${name}`, 'mount', [
    '-t',
    'overlay',
    `hostwright-${name}`,
    '-o',
    `lowerdir=${build.rootfs},upperdir=${upper},workdir=${join(dir, 'work')}`,
    root,
  ]);
  return root;
}

/** Boots the host from a fresh upper layer (the caller made sure it is not running). */
export async function bootFresh(name: string, address: string, build: Build): Promise<void> {
  const dir = hostDir(name);
  const root = await prepareRoot(name, address, build);
  rmSync(join(dir, 'stopping'), { force: true });
  rmSync(join(dir, 'exit'), { force: true });
  writeFileSync(join(dir, 'build-id'), build.id + '\n');
  const log = openSync(join(dir, 'console.log'), 'w');
  const child = spawn('setsid', [join(SCRIPTS_DIR, 'supervise.sh'), name, dir, root, build.repo, build.apt, BRIDGE], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  child.unref();
  closeSync(log);
}

function sshBanner(address: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port: 22, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('data', (d) => done(d.toString().startsWith('SSH-')));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

function consoleTail(name: string): string {
  try {
    return readFileSync(join(hostDir(name), 'console.log'), 'utf8')
      .trim()
      .split('\n')
      .slice(-15)
      .join('\n');
  } catch {
    return '';
  }
}

/** Waits until sshd answers on the host's address and `systemctl is-system-running` says running/degraded. */
export async function waitReady(name: string, address: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const fail = (why: string) =>
    new Error(`test hosts: host ${name} (${address}) not ready: ${why}\n` + `console (${join(hostDir(name), 'console.log')}):\n${consoleTail(name)}`);
  while (!(await sshBanner(address))) {
    if (livePid(name, 'supervisor') === undefined) throw fail('systemd-nspawn exited');
    if (Date.now() > deadline) throw fail(`sshd does not answer on ${address}:22 after ${timeoutMs} ms`);
    await sleep(100);
  }
  const left = Math.max(deadline - Date.now(), 1000);
  const state = await execIn(name, 'systemctl is-system-running --wait', left);
  const word = state.stdout.trim();
  if (word !== 'running' && word !== 'degraded') throw fail(`systemd is ${word || state.stderr.trim()}`);
}

/**
 * Stops a host fast: marks it stopping (so the supervisor does not restart nspawn), kills the
 * container's PID 1 (which ends every process of the host), waits for nspawn, unmounts the overlay.
 */
export async function kill(name: string): Promise<void> {
  const dir = hostDir(name);
  if (!existsSync(dir)) return;
  writeFileSync(join(dir, 'stopping'), '');
  const init = containerInit(name);
  if (init)
    try {
      process.kill(init, 'SIGKILL');
    } catch {
      /* already gone */
    }
  const deadline = Date.now() + 10_000;
  for (const which of ['nspawn', 'supervisor'] as const) {
    for (let pid = livePid(name, which); pid && alive(pid); await sleep(50)) {
      if (Date.now() > deadline) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      if (Date.now() > deadline + 5000) throw new Error(`test hosts: cannot stop ${name}: pid ${pid} (${which}) does not exit`);
    }
  }
  rmSync(join(dir, 'nspawn.pid'), { force: true });
  rmSync(join(dir, 'supervisor.pid'), { force: true });
  await unmount(join(dir, 'root'));
  await removeCgroups(name);
}

async function removeCgroups(name: string): Promise<void> {
  for (const h of ['/sys/fs/cgroup/systemd', '/sys/fs/cgroup/unified', '/sys/fs/cgroup']) {
    const cg = join(h, CGROUP_PARENT, name);
    if (existsSync(cg)) await run('find', [cg, '-depth', '-type', 'd', '-exec', 'rmdir', '{}', ';']);
  }
}

/** Synchronous best-effort kill for process-exit handlers (no unmount; the next start cleans up). */
export function killSync(name: string): void {
  const dir = hostDir(name);
  if (!existsSync(dir)) return;
  try {
    writeFileSync(join(dir, 'stopping'), '');
  } catch {
    /* ignore */
  }
  const init = containerInit(name);
  if (init)
    try {
      process.kill(init, 'SIGKILL');
    } catch {
      /* gone */
    }
}
