/**
 * Checked content transfer: the host keeps bytes sent on stdin only when their size and SHA-256 match
 * what the controller meant to send. An interrupted upload (controller killed, connection cut, Ctrl-C)
 * ends `cat` with a clean end of input and exit 0, so without this check a partial temporary file would
 * be renamed over the target.
 */
import { createHash } from 'node:crypto';

/** Size and SHA-256 (hex) of the bytes to send, known before sending. */
export interface ContentDigest {
  size: number;
  sha256: string;
}

/** The digest of content as it will go over the wire (strings as UTF-8). */
export function contentDigest(content: string | Buffer): ContentDigest {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * Shell lines that copy stdin into the file named by the variable `tmp` and exit 1 (after a message on
 * stderr) unless the result has exactly the expected SHA-256 (the size is in the message). Needs a trap of the caller to
 * remove the file on exit. `sha256sum` is in coreutils and busybox.
 */
export function checkedCatLines(tmp: string, digest: ContentDigest, target: string): string[] {
  const t = `"$${tmp}"`;
  return [
    `cat > ${t} || exit 1`,
    // The hash decides (same SHA-256, same bytes); the size is counted only for the message.
    `hw_h=$(sha256sum < ${t}) && [ "\${hw_h%% *}" = ${digest.sha256} ] || { hw_n=$(wc -c < ${t}); echo "incomplete upload: received \${hw_n:-no} of ${digest.size} bytes or a different SHA-256; ${target.replace(/["\\$`]/g, '\\$&')} left unchanged" >&2; exit 1; }`,
  ];
}
