/**
 * The controller side of `copy`: a local file or directory read into the same shape the host probe
 * gives (relative path → type, mode, size, SHA-256), and a tar stream of chosen files of it made with the
 * controller's `tar`. Symlinks in the source are followed, as Ansible's copy does by default.
 */
import { spawnSync } from 'node:child_process';
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

/**
 * A tar stream (bytes) of `files` (relative paths) under `root`, made with the controller's tar. The
 * stream is reproducible (no controller owner, mode or time in it: the host sets owner and mode of every
 * file it unpacks and dates it when unpacked), so the same files give the same apply step.
 */
export function localTar(root: string, files: readonly string[]): Buffer {
  // --dereference: a followed symlink is sent as the file it points to, as it was listed.
  const r = spawnSync(
    'tar',
    [
      '--dereference',
      '--format=gnu',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '--mode=0600',
      '--mtime=@0',
      '--null',
      '-C',
      root,
      '-T',
      '-',
      '-cf',
      '-',
    ],
    { input: files.map((f) => `./${f}\0`).join(''), maxBuffer: Infinity },
  );
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`tar of ${root} failed (exit ${r.status}): ${r.stderr.toString().trim()}`);
  return r.stdout;
}
