/**
 * `--detailed-exitcode`: a distinct exit code when hosts are not converged, for scheduled drift checks.
 * 0 / 2 / 4 / 5 keep their meaning; 3 is only returned when the run itself succeeded.
 */
import type { HostCounts } from '../core/run-events.ts';

/** Exit code of `--detailed-exitcode` when a check found pending changes (or a real run made some). */
export const EXIT_PENDING_CHANGES = 3;

/**
 * The exit code with `--detailed-exitcode`: {@link EXIT_PENDING_CHANGES} when the run's own code is 0 and
 * at least one host reported a change (`changed` or `may change` in check mode), else the run's code.
 */
export function detailedExitCode(exitCode: number, recap: Record<string, Pick<HostCounts, 'changed'>>): number {
  if (exitCode !== 0) return exitCode;
  return Object.values(recap).some((c) => c.changed > 0) ? EXIT_PENDING_CHANGES : 0;
}
