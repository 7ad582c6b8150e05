/**
 * The `hostwright` command run in this process (no child process): its exit code and everything it wrote
 * to stdout and stderr. For tests of the command line that need no separate process (see child.ts for those
 * that do: signals, the real executable).
 */
import { Writable } from 'node:stream';
import { hostwrightMain } from '../../lib/cli/main.ts';

/** Run `hostwright ARGV…` in this process. */
export async function hw(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (add: (s: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        add(String(chunk));
        done();
      },
    });
  const code = await hostwrightMain(
    argv,
    sink((s) => (out += s)),
    sink((s) => (err += s)),
  );
  return { code, out, err };
}
