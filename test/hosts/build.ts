/**
 * Build once, reuse: the yum repo of test RPMs, the apt repo and the shared Debian rootfs, each
 * rebuilt only when a hash of its build inputs (scripts, specs, stand-ins, kernel release) changes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { CACHE_DIR, HOSTS_DIR, KEY_PATH, SCRIPTS_DIR } from './paths.ts';
import { run, runOk } from './proc.ts';

/** Paths of a complete build and an id that changes whenever any part of it does. */
export interface Build {
  id: string;
  rootfs: string;
  repo: string;
  apt: string;
}

function hashFiles(files: readonly string[], extra: readonly string[] = []): string {
  const h = createHash('sha256');
  for (const f of files) h.update(f.slice(HOSTS_DIR.length)).update('\0').update(readFileSync(f)).update('\0');
  for (const e of extra) h.update(e).update('\0');
  return h.digest('hex').slice(0, 16);
}

const inDir = (dir: string, filter: (f: string) => boolean = () => true) =>
  readdirSync(join(HOSTS_DIR, dir))
    .filter(filter)
    .sort()
    .map((f) => join(HOSTS_DIR, dir, f));

/** Log line for the (rare, slow) build steps. */
export function log(message: string): void {
  if (!process.env.HW_HOSTS_QUIET) process.stderr.write(`test hosts: ${message}\n`);
}

function stamp(dir: string): string | undefined {
  try {
    return readFileSync(`${dir}.hash`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Creates the ed25519 key pair the hosts accept, once. */
export async function ensureKey(): Promise<void> {
  if (existsSync(KEY_PATH) && existsSync(`${KEY_PATH}.pub`)) return;
  await runOk('ssh key generation', 'ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'hostwright-tests', '-f', KEY_PATH]);
}

/**
 * Makes sure repo, apt repo and rootfs are built and current. `beforeRebuild` runs first when
 * anything must be rebuilt (running hosts use these directories, so they must stop first).
 */
export async function ensureBuilt(beforeRebuild: () => Promise<void>): Promise<Build> {
  const standins = inDir('standin');
  const aptHash = hashFiles([join(SCRIPTS_DIR, 'build-apt.sh')]);
  const repoHash = hashFiles([join(SCRIPTS_DIR, 'build-rpms.sh'), ...inDir('rpm'), ...standins]);
  const baseSpecs = ['hw-base-provides', 'centos-release', 'chrony', 'firewalld'].map((n) => join(HOSTS_DIR, 'rpm', `${n}.spec`));
  const rootfsHash = hashFiles(
    // Only what the rootfs installs from the repo (chrony, firewalld use these two stand-ins).
    [
      join(SCRIPTS_DIR, 'build-rootfs.sh'),
      join(SCRIPTS_DIR, 'customize-rootfs.sh'),
      ...baseSpecs,
      join(HOSTS_DIR, 'standin/standin.py'),
      join(HOSTS_DIR, 'standin/cli-stub.sh'),
    ],
    [aptHash, release()],
  );
  const build: Build = {
    id: createHash('sha256').update(`${aptHash}/${repoHash}/${rootfsHash}`).digest('hex').slice(0, 16),
    rootfs: join(CACHE_DIR, 'rootfs'),
    repo: join(CACHE_DIR, 'repo'),
    apt: join(CACHE_DIR, 'apt'),
  };
  const steps: { dir: string; hash: string; what: string; script: string; args: string[] }[] = [
    { dir: build.apt, hash: aptHash, what: 'apt repo', script: 'build-apt.sh', args: [build.apt] },
    { dir: build.repo, hash: repoHash, what: 'yum repo of test RPMs', script: 'build-rpms.sh', args: [build.repo] },
    {
      dir: build.rootfs,
      hash: rootfsHash,
      what: 'Debian 12 rootfs (mmdebstrap, about 30 s)',
      script: 'build-rootfs.sh',
      args: [build.rootfs, build.repo, build.apt],
    },
  ];
  const stale = steps.filter((s) => stamp(s.dir) !== s.hash || !existsSync(s.dir));
  if (stale.length === 0) return build;
  await beforeRebuild();
  for (const step of stale) {
    const started = Date.now();
    log(`building ${step.what}...`);
    const args = [join(SCRIPTS_DIR, step.script), ...step.args];
    const result = await run('bash', args);
    if (result.code !== 0 && /apt-get download/.test(result.stderr)) {
      // A fresh machine may have no package lists yet: etcd's .debs come from Debian's archive.
      log('apt-get download failed: running apt-get update and retrying');
      await run('apt-get', ['update'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      await runOk(`building the ${step.what} (scripts/${step.script})`, 'bash', args);
    } else if (result.code !== 0) {
      const tail = result.stderr.trim().split('\n').slice(-25).join('\n');
      throw new Error(`test hosts: building the ${step.what} failed: bash ${args.join(' ')} exited ${result.code}\n${tail}`);
    }
    writeFileSync(`${step.dir}.hash`, step.hash + '\n');
    log(`built ${step.what} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return build;
}
