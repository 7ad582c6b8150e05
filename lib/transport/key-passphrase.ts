/**
 * Encrypted private keys: the passphrase is asked once per key file on the terminal (as ssh does) and
 * shared by every host using that key; without a terminal the key is refused with what to do instead.
 */
import { readFileSync } from 'node:fs';
import { UnreachableError } from '../core/errors.ts';
import { ttyPrompt } from '../vault/prompt.ts';
import { loadSsh2 } from './ssh-auth.ts';

const asked = new Map<string, Promise<string>>();

/**
 * The passphrase of `keyFile` when it is encrypted (asked on the terminal, once per file per process),
 * or undefined when it is not encrypted or cannot be read (the key loader reports that).
 */
export async function keyPassphrase(host: string, keyFile: string): Promise<string | undefined> {
  let text: Buffer;
  try {
    text = readFileSync(keyFile);
  } catch {
    return undefined;
  }
  const ssh2 = await loadSsh2();
  const plain = ssh2.utils.parseKey(text);
  if (!(plain instanceof Error) || !/encrypted|passphrase/i.test(plain.message)) return undefined;
  let pending = asked.get(keyFile);
  if (!pending) {
    const prompt = ttyPrompt();
    if (!prompt) {
      throw new UnreachableError(
        host,
        `the SSH key file ${keyFile} is encrypted and there is no terminal to ask its passphrase: load it into ssh-agent (ssh-add ${keyFile}) or run from a terminal`,
      );
    }
    // One prompt at a time: hosts sharing a key wait for the same answer.
    pending = prompt(`Enter passphrase for key '${keyFile}': `);
    asked.set(keyFile, pending);
  }
  const passphrase = await pending;
  if (ssh2.utils.parseKey(text, passphrase) instanceof Error) {
    asked.delete(keyFile);
    throw new UnreachableError(host, `wrong passphrase for the SSH key file ${keyFile}`);
  }
  return passphrase;
}
