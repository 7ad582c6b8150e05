/**
 * `put` for every transport: stream the bytes to `cat > PATH` over stdin, then `chmod` when asked.
 * One command, one round trip; the caller writes a temp file and renames it for atomicity.
 */
import { TaskFailedError } from '../errors.ts';
import { quote } from './quote.ts';
import type { Transport } from './types.ts';

/** Options of {@link Transport.put}. */
export type PutOptions = NonNullable<Parameters<Transport['put']>[2]>;

/** Write `content` to `path` through `transport.exec`; throws a {@link TaskFailedError} naming the path. */
export async function putWithCat(transport: Pick<Transport, 'name' | 'exec'>, path: string, content: string | Buffer, options: PutOptions = {}): Promise<void> {
  const chmod = options.mode === undefined ? '' : ` && chmod ${quote(options.mode)} ${quote(path)}`;
  const command = `cat > ${quote(path)}${chmod}`;
  const result = await transport.exec(command, { stdin: content, become: options.become });
  if (result.code !== 0) {
    const stderr = result.stderr.trim();
    throw new TaskFailedError(`${transport.name}: cannot write ${path} (exit ${result.code})${stderr ? `: ${stderr}` : ''}`, {
      host: transport.name,
      command,
      code: result.code,
      stderr: result.stderr,
    });
  }
}
