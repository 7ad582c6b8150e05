/**
 * `put` for every transport: stream the bytes over stdin into a temporary file beside the target, check
 * their size and SHA-256, then rename it over the target (one command, one round trip). An interrupted
 * upload leaves the target as it was and removes the temporary file.
 */
import { TaskFailedError } from '../core/errors.ts';
import { checkedCatLines, contentDigest } from './content-check.ts';
import { quote } from './quote.ts';
import type { Transport } from '../core/transport-types.ts';

/** Options of {@link Transport.put}. */
export type PutOptions = NonNullable<Parameters<Transport['put']>[2]>;

/** The shell command of a put: checked temporary file, mode (given, else the old file's, else 0644), rename. */
export function putCommand(path: string, content: string | Buffer, options: Pick<PutOptions, 'mode'> = {}): string {
  return [
    `p=${quote(path)}`,
    't=',
    'trap \'[ -z "$t" ] || rm -f -- "$t"\' EXIT',
    "trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 141' PIPE; trap 'exit 143' TERM",
    't=$(mktemp "$(dirname -- "$p")/.hostwright.XXXXXX") || exit 1',
    ...checkedCatLines('t', contentDigest(content), path),
    options.mode === undefined
      ? 'if [ -e "$p" ]; then chmod --reference="$p" "$t"; else chmod 0644 "$t"; fi || exit 1'
      : `chmod ${quote(options.mode)} "$t" || exit 1`,
    'mv -f -- "$t" "$p" || exit 1',
    'trap - EXIT HUP INT PIPE TERM',
  ].join('\n');
}

/** Write `content` to `path` through `transport.exec`; throws a {@link TaskFailedError} naming the path. */
export async function putWithCat(
  transport: Pick<Transport, 'name' | 'exec'>,
  path: string,
  content: string | Buffer,
  options: PutOptions = {},
): Promise<void> {
  const command = putCommand(path, content, options);
  const result = await transport.exec(command, { stdin: content, become: options.become });
  if (result.code !== 0) {
    const stderr = result.stderr.trim();
    throw new TaskFailedError(`${transport.name}: cannot write ${path} (exit ${result.code})${stderr ? `: ${stderr}` : ''}`, {
      host: transport.name,
      command: `put ${path}`,
      code: result.code,
      stderr: result.stderr,
    });
  }
}
