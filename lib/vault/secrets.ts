/**
 * Vault passwords, from the sources Ansible reads them from: `--vault-id label@source` (several),
 * `--vault-password-file FILE`, `--ask-vault-pass`, and the same from ansible.cfg / environment
 * (`vault_identity_list`, `vault_password_file`). A source is a file (its content, trailing newlines
 * stripped), an executable (its standard output; a `*-client` script gets `--vault-id LABEL`), or
 * `prompt` (asked on the terminal).
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { ValidationError } from '../core/errors.ts';

/** One vault password with its vault id (`default` when none was given). */
export interface VaultSecret {
  id: string;
  password: Buffer;
  /** Where it came from, for messages: a file, a script or `prompt`. */
  source: string;
}

/** How vault passwords were asked for, in Ansible's precedence order. */
export interface VaultSources {
  /** `--vault-id` values (`label@source` or `source`), after those of the config file. */
  ids?: string[];
  /** `--vault-password-file` values (and ANSIBLE_VAULT_PASSWORD_FILE / vault_password_file). */
  passwordFiles?: string[];
  /** `--ask-vault-pass`. */
  ask?: boolean;
}

/** Asks for a password on the terminal; returns it without the newline. */
export type PasswordPrompt = (question: string) => Promise<string>;

/** `label@source` → [label, source]; `source` alone has the label `default`. */
export function splitVaultId(slug: string): { id: string; source: string } {
  const at = slug.indexOf('@');
  if (at < 0) return { id: 'default', source: slug };
  return { id: slug.slice(0, at) || 'default', source: slug.slice(at + 1) };
}

const isExecutable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
};

/** Ansible's script_is_client: `NAME-client` or `NAME-client.EXT` gets `--vault-id LABEL`. */
const isClientScript = (file: string): boolean => basename(file, extname(file)).endsWith('-client');

const stripNewlines = (b: Buffer): Buffer => {
  let start = 0;
  let end = b.length;
  while (start < end && (b[start] === 10 || b[start] === 13)) start++;
  while (end > start && (b[end - 1] === 10 || b[end - 1] === 13)) end--;
  return b.subarray(start, end);
};

/** Read one password from a file or an executable, as Ansible's FileVaultSecret / ScriptVaultSecret. */
export function readPasswordSource(source: string, id: string, what: string): Buffer {
  let stat;
  try {
    stat = statSync(source);
  } catch {
    throw new ValidationError(`${what} ${source}: vault password file not found`, { source });
  }
  if (stat.isDirectory()) throw new ValidationError(`${what} ${source}: is a folder, not a vault password file`, { source });
  let password: Buffer;
  if (isExecutable(source)) {
    const args = isClientScript(source) ? ['--vault-id', id] : [];
    try {
      // stderr goes to the terminal, as in Ansible: a script may ask its own questions there.
      password = stripNewlines(execFileSync(source, args, { stdio: ['inherit', 'pipe', 'pipe'], maxBuffer: 1 << 20 }));
    } catch (error) {
      const e = error as { status?: number; stderr?: Buffer; message: string };
      const stderr = e.stderr?.toString().trim();
      throw new ValidationError(
        `${what} ${source}: vault password script failed (${e.status !== undefined ? `exit ${e.status}` : e.message})${stderr ? `: ${stderr}` : ''}`,
        { source },
      );
    }
    if (!password.length) throw new ValidationError(`${what} ${source}: vault password script printed an empty password`, { source });
  } else {
    // Ansible strips all surrounding whitespace from a password file, then newlines again.
    password = stripNewlines(Buffer.from(readFileSync(source).toString('utf8').trim(), 'utf8'));
    if (!password.length) throw new ValidationError(`${what} ${source}: vault password file is empty`, { source });
  }
  return password;
}

/**
 * Collect the vault passwords in Ansible's order: vault ids, then password files (as `default`), then
 * the `--ask-vault-pass` prompt. Throws a {@link ValidationError} naming the source that failed.
 */
export async function loadVaultSecrets(sources: VaultSources, prompt?: PasswordPrompt): Promise<VaultSecret[]> {
  const slugs = [
    ...(sources.ids ?? []).map((s) => ({ slug: s, what: '--vault-id' })),
    ...(sources.passwordFiles ?? []).map((f) => ({ slug: `default@${f}`, what: '--vault-password-file' })),
    ...(sources.ask ? [{ slug: 'default@prompt', what: '--ask-vault-pass' }] : []),
  ];
  const secrets: VaultSecret[] = [];
  for (const { slug, what } of slugs) {
    const { id, source } = splitVaultId(slug);
    if (source === 'prompt' || source === 'prompt_ask_vault_pass') {
      if (!prompt)
        throw new ValidationError(`${what}: a vault password prompt needs a terminal; use --vault-password-file FILE instead`, { source: what });
      const answer = await prompt(what === '--ask-vault-pass' ? 'Vault password: ' : `Vault password (${id}): `);
      if (!answer) throw new ValidationError(`${what}: empty vault password`, { source: what });
      secrets.push({ id, password: Buffer.from(answer, 'utf8'), source: 'prompt' });
      continue;
    }
    secrets.push({ id, password: readPasswordSource(source, id, what), source });
  }
  return secrets;
}
