/** Reading a file on the controller: why a path cannot serve as a file's content, in words for an error message. */
import { accessSync, constants, statSync } from 'node:fs';

/** Why a local file cannot be read as a file's content, or undefined when it can. */
export function localFileProblem(path: string): string | undefined {
  try {
    const st = statSync(path);
    if (st.isDirectory()) return 'is a folder, not a file (give a file; folders are not copied)';
    if (!st.isFile()) return 'is not a regular file';
    accessSync(path, constants.R_OK);
    return undefined;
  } catch (error) {
    return localFileReason(error);
  }
}

/** An fs error in words: "does not exist on this machine", "is not readable (permission denied)". */
export function localFileReason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'does not exist on this machine';
  if (e.code === 'EACCES') return 'is not readable (permission denied)';
  return e.message;
}
