/**
 * An in-band copy of the exit status. OpenSSH occasionally closes a channel without sending
 * `exit-status` (seen here about once in a few hundred short commands on a busy host, with complete
 * output). So every command runs in a subshell and the outer shell prints the status on stderr as a last,
 * marked line; the transport strips that line and uses it when the protocol's status is missing.
 */

const MARK = '\x1ehostwright-exit:';

/** Wrap a command line so that its exit status is also printed, marked, as stderr's last line. */
export function withExitMarker(line: string): string {
  return `(\n${line}\n)\nhw_rc=$?\nprintf '\\036hostwright-exit:%d\\n' "$hw_rc" >&2\nexit "$hw_rc"`;
}

/** Remove the marker from stderr; returns the cleaned stderr and the marked status, if present. */
export function takeExitMarker(stderr: string): { stderr: string; code?: number } {
  const at = stderr.lastIndexOf(MARK);
  if (at < 0) return { stderr };
  const m = /^(\d+)\n?$/.exec(stderr.slice(at + MARK.length));
  if (!m) return { stderr };
  return { stderr: stderr.slice(0, at), code: Number(m[1]) };
}
