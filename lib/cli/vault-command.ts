/**
 * `hostwright vault view|decrypt|encrypt|encrypt-string`, compatible with `ansible-vault`: the files
 * and strings it writes are read by ansible-vault and the reverse (same formats 1.1/1.2, AES256).
 */
import { readFileSync, writeFileSync, renameSync, statSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { HostwrightError, ValidationError } from '../core/errors.ts';
import { encryptVault, isVaultText } from '../vault/cipher.ts';
import { vaultSources } from '../vault/options.ts';
import { ttyPrompt } from '../vault/prompt.ts';
import { loadVaultSecrets, type PasswordPrompt, type VaultSecret } from '../vault/secrets.ts';
import { Vault } from '../vault/vault.ts';
import { badInput, EXIT_BAD_INPUT, parseCommandLine } from './parse.ts';
import { vaultUsage } from './help.ts';

const ACTIONS = ['view', 'decrypt', 'encrypt', 'encrypt-string', 'encrypt_string'] as const;

/** Write a file atomically, keeping its mode (ansible-vault rewrites in place). */
function writeInPlace(file: string, data: string | Buffer): void {
  let mode = 0o600;
  try {
    mode = statSync(file).mode & 0o777;
  } catch {
    // A new file: private by default, it may hold a secret.
  }
  const tmp = join(dirname(file), `.${basename(file)}.hw-vault-tmp`);
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, file);
}

/** The secret to encrypt with: `--encrypt-vault-id`, else the first one given (Ansible's choice). */
function encryptSecret(secrets: VaultSecret[], id: string | undefined): VaultSecret {
  if (id === undefined) return secrets[0];
  const found = secrets.find((s) => s.id === id);
  if (!found)
    throw new ValidationError(
      `--encrypt-vault-id ${id}: no vault password has that id (given: ${secrets.map((s) => s.id).join(', ')}); add --vault-id ${id}@FILE`,
      { source: '--encrypt-vault-id' },
    );
  return found;
}

/** Format an `encrypt-string` result as ansible-vault prints it. */
export function vaultStringYaml(vaultText: string, name?: string): string {
  const body = vaultText
    .trimEnd()
    .split('\n')
    .map((l) => `          ${l}`)
    .join('\n');
  return `${name === undefined ? '' : `${name}: `}!vault |\n${body}\n`;
}

/** Run `hostwright vault ...`; return the exit code. */
export async function vaultMain(
  argv: string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  io: { stdin?: () => string; prompt?: PasswordPrompt; env?: NodeJS.ProcessEnv } = {},
): Promise<number> {
  const fail = badInput(err);
  const USAGE = vaultUsage();
  const parsed = parseCommandLine('vault', argv, { helpCommand: 'hostwright vault' });
  if ('error' in parsed) return fail(parsed.error);
  const { values, positionals } = parsed;
  const [action, ...args] = positionals;
  if (values.help || action === undefined) {
    (values.help ? out : err).write(USAGE + '\n');
    return values.help ? 0 : EXIT_BAD_INPUT;
  }
  if (!(ACTIONS as readonly string[]).includes(action))
    return fail(`unknown vault action "${action}"; one of view, decrypt, encrypt, encrypt-string\n${USAGE}`);
  const readStdin = io.stdin ?? (() => readFileSync(0, 'utf8'));
  const prompt = io.prompt ?? ttyPrompt();
  try {
    const sources = vaultSources(values, io.env ?? process.env);
    const encrypting = action.startsWith('encrypt');
    // Like ansible-vault: with no password source given, ask on the terminal (twice for a new one).
    if (!sources.ids?.length && !sources.passwordFiles?.length) sources.ask = true;
    const secrets = await loadVaultSecrets(sources, encrypting && sources.ask && prompt ? confirmTwice(prompt) : prompt);
    if (encrypting) {
      const secret = encryptSecret(secrets, values['encrypt-vault-id']);
      const id = values['encrypt-vault-id'] ?? secret.id;
      if (action === 'encrypt') {
        if (!args.length) return fail('vault encrypt: name the file(s) to encrypt');
        if (values.output !== undefined && args.length > 1) return fail('--output takes one input file');
        for (const file of args) {
          const plain = readFileSync(file);
          if (isVaultText(plain.toString('latin1'))) return fail(`${file}: is already encrypted with ansible-vault`);
          const text = encryptVault(plain, secret.password, id);
          if (values.output === '-') out.write(text);
          else writeInPlace(values.output ?? file, text);
        }
        err.write('Encryption successful\n');
        return 0;
      }
      const names: string[] = values.name ?? [];
      const items: { name?: string; value: string }[] = args.length
        ? args.map((value, i) => ({ name: names[i], value }))
        : [{ name: values['stdin-name'] ?? names[0], value: readStdin() }];
      for (const item of items) out.write(vaultStringYaml(encryptVault(item.value, secret.password, id), item.name));
      err.write('Encryption successful\n');
      return 0;
    }
    if (!args.length) return fail(`vault ${action}: name the file(s)`);
    if (values.output !== undefined && args.length > 1) return fail('--output takes one input file');
    const vault = new Vault(secrets);
    for (const file of args) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        return fail(`${file}: cannot read: ${(error as Error).message}`);
      }
      if (!isVaultText(text)) return fail(`${file}: is not a vault encrypted file (no $ANSIBLE_VAULT header)`);
      const { plaintext } = vault.decrypt(text, file);
      if (action === 'view' || values.output === '-') out.write(plaintext);
      else writeInPlace(values.output ?? file, plaintext);
    }
    if (action === 'decrypt') err.write('Decryption successful\n');
    return 0;
  } catch (error) {
    if (error instanceof HostwrightError) return fail(error.message);
    throw error;
  }
}

/** A prompt asking a new password twice, refusing a mismatch (ansible-vault's "New Vault password"). */
function confirmTwice(prompt: PasswordPrompt): PasswordPrompt {
  return async () => {
    const first = await prompt('New Vault password: ');
    const second = await prompt('Confirm New Vault password: ');
    if (first !== second) throw new ValidationError('vault passwords do not match', { source: '--ask-vault-pass' });
    return first;
  };
}
