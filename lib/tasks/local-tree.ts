/**
 * The controller side of `copy`: a local file or directory read into the same shape the host probe
 * gives (relative path → type, mode, size, SHA-256), and a tar stream of chosen files of it made with the
 * controller's `tar`. Symlinks in the source are followed, as Ansible's copy does by default.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TreeEntry } from '../probes/copy-tree.ts';

/** A local entry: what the plan compares with the host. */
export type LocalEntry = Pick<TreeEntry, 'type' | 'mode' | 'size' | 'sha256'>;

/** Read a local file or directory tree (following symlinks). Throws with the path on any problem. */
export function readLocalTree(root: string): Record<string, LocalEntry> {
  const out: Record<string, LocalEntry> = {};
  const walk = (abs: string, rel: string) => {
    const st = statSync(abs);
    const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
    if (st.isDirectory()) {
      out[rel] = { type: 'd', mode, size: 0 };
      for (const name of readdirSync(abs).sort()) walk(join(abs, name), rel === '' ? name : `${rel}/${name}`);
    } else if (st.isFile()) {
      out[rel] = { type: 'f', mode, size: st.size, sha256: createHash('sha256').update(readFileSync(abs)).digest('hex') };
    } else {
      throw new Error(`${abs} is neither a file nor a folder`);
    }
  };
  walk(root, '');
  return out;
}

/** A tar stream (bytes) of `files` (relative paths) under `root`, made with the controller's tar. */
export function localTar(root: string, files: readonly string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // --dereference: a followed symlink is sent as the file it points to, as it was listed.
    const child = spawn('tar', ['--dereference', '--null', '-C', root, '-T', '-', '-cf', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`tar of ${root} failed (exit ${code}): ${stderr.trim()}`))));
    child.stdin.end(files.map((f) => `./${f}\0`).join(''));
  });
}
