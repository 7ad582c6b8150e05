/**
 * A cross-process lock for the harness (build, start, stop): a directory created with mkdir, holding
 * the owner's pid; a lock whose owner died is taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR } from './paths.ts';
import { alive, sleep } from './proc.ts';

const LOCK_DIR = join(CACHE_DIR, 'lock');
let depth = 0;

/** Runs `fn` while holding the harness lock (re-entrant within one process). */
export async function withLock<T>(fn: () => Promise<T>, timeoutMs = 15 * 60_000): Promise<T> {
  if (depth > 0) {
    depth++;
    try {
      return await fn();
    } finally {
      depth--;
    }
  }
  mkdirSync(CACHE_DIR, { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(join(LOCK_DIR, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner = 0;
      try {
        owner = Number(readFileSync(join(LOCK_DIR, 'pid'), 'utf8'));
      } catch {
        /* being written */
      }
      if (owner && !alive(owner)) {
        rmSync(LOCK_DIR, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`test hosts: ${LOCK_DIR} is held by pid ${owner || '?'} for too long`);
      await sleep(200);
    }
  }
  depth = 1;
  try {
    return await fn();
  } finally {
    depth = 0;
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}
