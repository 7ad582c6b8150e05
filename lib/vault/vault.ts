/**
 * The vault passwords of one run and what they decrypted. Every decrypted value is remembered as a
 * secret (the runner masks it in every event) and inline `!vault` values keep their vault text, so an
 * inventory listing can print them as `ansible-inventory` does (`{"__ansible_vault": "..."}`).
 */
import { ValidationError } from '../core/errors.ts';
import { VaultFormatError, decryptBody, parseEnvelope } from './cipher.ts';
import type { VaultSecret } from './secrets.ts';

const HOW = 'pass --vault-password-file FILE, --vault-id LABEL@FILE or --ask-vault-pass';

/** Vault passwords and the values they decrypted. */
export class Vault {
  /** Decrypted values (the runner registers them with its redactor). */
  readonly revealed: unknown[] = [];
  /** Inline values: decrypted text → the vault text it came from. */
  readonly inline = new Map<string, string>();
  readonly secrets: readonly VaultSecret[];
  /**
   * Leave inline values that cannot be decrypted as their vault text instead of failing (listings:
   * `ansible-inventory --list` prints them without a password). Whole encrypted files still fail.
   */
  readonly keepLocked: boolean;

  constructor(secrets: readonly VaultSecret[] = [], options: { keepLocked?: boolean } = {}) {
    this.secrets = secrets;
    this.keepLocked = Boolean(options.keepLocked);
  }

  /**
   * Decrypt a vault text with the password of its vault id first, then every other one (Ansible's
   * default, vault_id_match off). `where` names the file (and line) in errors.
   */
  decrypt(text: string, where: string): { plaintext: Buffer; id: string } {
    let envelope;
    try {
      envelope = parseEnvelope(text);
    } catch (error) {
      throw new ValidationError(`${where}: ${(error as Error).message}`, { source: where });
    }
    if (this.secrets.length === 0)
      throw new ValidationError(`${where}: encrypted with ansible-vault, but no vault password was given: ${HOW}`, { source: where });
    const ordered = [...this.secrets.filter((s) => s.id === envelope.id), ...this.secrets.filter((s) => s.id !== envelope.id)];
    try {
      for (const secret of ordered) {
        const plaintext = decryptBody(envelope.body, secret.password);
        if (plaintext) return { plaintext, id: secret.id };
      }
    } catch (error) {
      if (error instanceof VaultFormatError)
        throw new ValidationError(`${where}: ${error.message} (is the file cut or edited by hand?)`, { source: where });
      throw error;
    }
    const ids = [...new Set(this.secrets.map((s) => s.id))].join(', ');
    const named =
      envelope.id && !this.secrets.some((s) => s.id === envelope.id)
        ? ` It is encrypted with vault id "${envelope.id}", which no --vault-id names.`
        : '';
    throw new ValidationError(
      `${where}: wrong vault password: none of the given passwords (vault ids: ${ids}) decrypts it.${named} ${HOW.replace('pass ', 'Pass the right one with ')}`,
      { source: where },
    );
  }

  /** Decrypt a whole encrypted file's text (vars file, `-e @file`, inventory). */
  decryptFile(text: string, file: string): string {
    return this.decrypt(text, file).plaintext.toString('utf8');
  }

  /** Decrypt an inline `!vault |` value at `line` of `file`, remembering it as a secret. */
  decryptInline(text: string, file: string, line: number | undefined): string {
    const where = line === undefined ? file : `${file} (line ${line})`;
    if (this.keepLocked && this.secrets.length === 0) {
      this.inline.set(text, text);
      return text;
    }
    const value = this.decrypt(text, where).plaintext.toString('utf8');
    this.revealed.push(value);
    this.inline.set(value, text);
    return value;
  }

  /** Remember the values of a decrypted file as secrets: its strings (numbers and booleans are not masked). */
  reveal(data: unknown): void {
    const walk = (v: unknown): void => {
      if (typeof v === 'string') this.revealed.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object' && !(v instanceof Date)) Object.values(v).forEach(walk);
    };
    walk(data);
  }
}
