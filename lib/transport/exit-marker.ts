/**
 * An in-band copy of the exit status. OpenSSH occasionally closes a channel without sending
 * `exit-status` (seen here about once in a few hundred short commands on a busy host, with complete
 * output). So every command runs in a subshell and the outer shell prints the status on stderr as a last,
 * marked line; the transport strips that line and uses it when the protocol's status is missing.
 */

const MARK = '\x1ehostwright-exit:';

/**
 * Wrap a command line so that its exit status is also printed, marked, as stderr's last line.
 *
 * The command runs as a waited-for background job (its stdin passed on through fd 3), so that a TERM or
 * HUP for the outer shell (an SSH `signal` request when a run is interrupted) is handled at once: the
 * trap passes TERM to the whole process group, which sshd made for this session, so no child of the
 * command outlives the channel.
 */
export function withExitMarker(line: string): string {
  return [
    `trap 'trap "" TERM HUP; kill -TERM 0 2>/dev/null' TERM HUP`,
    'exec 3<&0',
    `(\n${line}\n) <&3 3<&- &`,
    'hw_c=$!',
    'exec 3<&-',
    'wait "$hw_c"',
    'hw_rc=$?',
    `printf '\\036hostwright-exit:%d\\n' "$hw_rc" >&2`,
    'exit "$hw_rc"',
  ].join('\n');
}

/** Remove the marker from stderr; returns the cleaned stderr and the marked status, if present. */
export function takeExitMarker(stderr: string): { stderr: string; code?: number } {
  const at = stderr.lastIndexOf(MARK);
  if (at < 0) return { stderr };
  const m = /^(\d+)\n?$/.exec(stderr.slice(at + MARK.length));
  if (!m) return { stderr };
  return { stderr: stderr.slice(0, at), code: Number(m[1]) };
}
