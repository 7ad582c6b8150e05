/**
 * The ansible-vault file format, formats 1.1 and 1.2 with the AES256 cipher, as Ansible writes it:
 *
 * - envelope: a header `$ANSIBLE_VAULT;1.1;AES256` (1.2 adds `;LABEL`, the vault id), then the body in
 *   lines of 80 characters;
 * - body: hex of `hex(salt) \n hex(hmac) \n hex(ciphertext)`;
 * - keys: PBKDF2-HMAC-SHA256 of the password and the 32-byte salt, 10000 iterations, 80 bytes: the AES
 *   key, the HMAC key and the CTR counter block;
 * - ciphertext: AES-256-CTR of the PKCS#7-padded plaintext; hmac: HMAC-SHA256 of the ciphertext.
 */
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/** The first bytes of every vault text. */
export const VAULT_HEADER = '$ANSIBLE_VAULT';

/** Why a vault text could not be read or decrypted. */
export class VaultFormatError extends Error {
  override name = 'VaultFormatError';
}

/** A parsed envelope: format version, cipher, vault id (1.2 only) and the hex body. */
export interface VaultEnvelope {
  version: string;
  cipher: string;
  /** The label of a 1.2 envelope; undefined for 1.1. */
  id?: string;
  body: string;
}

/** Whether a text (or the start of a file) is ansible-vault data. */
export function isVaultText(text: string): boolean {
  return text.startsWith(VAULT_HEADER);
}

/** Split a vault text into header fields and body, as Ansible's parse_vaulttext_envelope. */
export function parseEnvelope(text: string): VaultEnvelope {
  const lines = text.trim().split(/\r?\n/);
  const header = lines[0].trim().split(';');
  if (header[0] !== VAULT_HEADER || header.length < 3) throw new VaultFormatError(`not a vault header: "${lines[0].slice(0, 60)}"`);
  const [, version, cipher, id] = header.map((h) => h.trim());
  if (version !== '1.1' && version !== '1.2') throw new VaultFormatError(`unsupported vault format ${version} (1.1 and 1.2 are read)`);
  if (cipher !== 'AES256') throw new VaultFormatError(`unsupported vault cipher ${cipher} (only AES256 is read, as by current Ansible)`);
  return {
    version,
    cipher,
    id: id || undefined,
    body: lines
      .slice(1)
      .map((l) => l.trim())
      .join(''),
  };
}

const hexOrFail = (hex: string, what: string): Buffer => {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new VaultFormatError(`damaged vault data: ${what} is not hexadecimal`);
  return Buffer.from(hex, 'hex');
};

/** The AES key, HMAC key and counter block derived from a password and salt. */
function deriveKeys(password: Buffer, salt: Buffer): { aesKey: Buffer; hmacKey: Buffer; iv: Buffer } {
  const derived = pbkdf2Sync(password, salt, 10000, 80, 'sha256');
  return { aesKey: derived.subarray(0, 32), hmacKey: derived.subarray(32, 64), iv: derived.subarray(64, 80) };
}

/** The salt, hmac and ciphertext inside an envelope's body. */
function splitBody(body: string): { salt: Buffer; hmac: Buffer; ciphertext: Buffer } {
  const inner = hexOrFail(body, 'the body').toString('latin1').split('\n');
  if (inner.length !== 3) throw new VaultFormatError('damaged vault data: expected salt, hmac and ciphertext');
  return { salt: hexOrFail(inner[0], 'the salt'), hmac: hexOrFail(inner[1], 'the hmac'), ciphertext: hexOrFail(inner[2], 'the ciphertext') };
}

/**
 * Decrypt an envelope's body with one password. Returns undefined when the password does not match
 * (the HMAC differs); throws {@link VaultFormatError} when the data is damaged.
 */
export function decryptBody(body: string, password: Buffer): Buffer | undefined {
  const { salt, hmac, ciphertext } = splitBody(body);
  const { aesKey, hmacKey, iv } = deriveKeys(password, salt);
  const expected = createHmac('sha256', hmacKey).update(ciphertext).digest();
  if (hmac.length !== expected.length || !timingSafeEqual(hmac, expected)) return undefined;
  const decipher = createDecipheriv('aes-256-ctr', aesKey, iv);
  const padded = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  const pad = padded.length ? padded[padded.length - 1] : 0;
  if (pad < 1 || pad > 16 || pad > padded.length || !padded.subarray(padded.length - pad).every((b) => b === pad)) {
    throw new VaultFormatError('damaged vault data: bad padding after decryption');
  }
  return padded.subarray(0, padded.length - pad);
}

/**
 * Encrypt `plaintext` into a vault text as ansible-vault writes it: format 1.1, or 1.2 when `id` is
 * given and is not `default`. Ends with a newline.
 */
export function encryptVault(plaintext: Buffer | string, password: Buffer, id?: string, salt: Buffer = randomBytes(32)): string {
  const data = Buffer.isBuffer(plaintext) ? plaintext : Buffer.from(plaintext, 'utf8');
  const pad = 16 - (data.length % 16);
  const padded = Buffer.concat([data, Buffer.alloc(pad, pad)]);
  const { aesKey, hmacKey, iv } = deriveKeys(password, salt);
  const cipher = createCipheriv('aes-256-ctr', aesKey, iv);
  const ciphertext = Buffer.concat([cipher.update(padded), cipher.final()]);
  const hmac = createHmac('sha256', hmacKey).update(ciphertext).digest();
  const body = Buffer.from(`${salt.toString('hex')}\n${hmac.toString('hex')}\n${ciphertext.toString('hex')}`, 'latin1').toString('hex');
  const labelled = id !== undefined && id !== '' && id !== 'default';
  const header = labelled ? `${VAULT_HEADER};1.2;AES256;${id}` : `${VAULT_HEADER};1.1;AES256`;
  const lines = [header];
  for (let i = 0; i < body.length; i += 80) lines.push(body.slice(i, i + 80));
  return lines.join('\n') + '\n';
}
