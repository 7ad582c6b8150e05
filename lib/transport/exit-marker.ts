/**
 * An in-band copy of the exit status. OpenSSH occasionally closes a channel without sending
 * `exit-status` (seen here about once in a few hundred short commands on a busy host, with complete
 * output). So every command runs in a subshell and the outer shell prints the status on stderr as a last,
 * marked line; the transport strips that line and uses it when the protocol's status is missing.
 * The outer shell also prints its process id first (a marked line), so that an interrupted run can end
 * the command's whole process group from another channel.
 */

const MARK = '\x1ehostwright-exit:';
const PID_MARK = '\x1ehostwright-pid:';

/**
 * Wrap a command line so that its exit status is also printed, marked, as stderr's last line.
 *
 * The command runs as a waited-for background job (its stdin passed on through fd 3), so that a TERM or
 * HUP for the outer shell is handled at once: the trap passes TERM to the whole process group, which
 * sshd made for this session, so no child of the command outlives an interrupted run.
 */
export function withExitMarker(line: string): string {
  return [
    `trap 'trap "" TERM HUP; kill -TERM 0 2>/dev/null' TERM HUP`,
    `printf '\\036hostwright-pid:%d\\n' "$$" >&2`,
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

/** The process id the wrapper printed first on stderr (the session's process group), once it is there. */
export function markedPid(stderr: string): number | undefined {
  const m = /^\x1ehostwright-pid:(\d+)\n/.exec(stderr);
  return m ? Number(m[1]) : undefined;
}

/** Remove the markers from stderr; returns the cleaned stderr and the marked status, if present. */
export function takeExitMarker(raw: string): { stderr: string; code?: number } {
  const stderr = raw.startsWith(PID_MARK) ? raw.slice(raw.indexOf('\n') + 1) : raw;
  const at = stderr.lastIndexOf(MARK);
  if (at < 0) return { stderr };
  const m = /^(\d+)\n?$/.exec(stderr.slice(at + MARK.length));
  if (!m) return { stderr };
  return { stderr: stderr.slice(0, at), code: Number(m[1]) };
}
