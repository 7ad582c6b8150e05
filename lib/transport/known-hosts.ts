/**
 * known_hosts handling for the SSH transport: parse OpenSSH's file (plain and hashed `|1|salt|hash`
 * host fields, `[host]:port`, wildcards, negation, `@revoked`), decide whether a presented host key is
 * known, unknown or changed, and append newly accepted keys. Fingerprints follow OpenSSH: `SHA256:` and
 * unpadded base64 of the key blob's SHA-256.
 */
import { createHash, createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** One key line of a known_hosts file. */
export interface KnownHostEntry {
  /** 1-based line number, for messages that tell the user which line to remove. */
  line: number;
  /** `@revoked` or `@cert-authority` when the line carries a marker. */
  marker?: string;
  /** The raw host field (comma-separated patterns or one hashed `|1|salt|hash` token). */
  hosts: string;
  /** Key type as written, e.g. `ssh-ed25519`. */
  keyType: string;
  /** The decoded public key blob (SSH wire format). */
  key: Buffer;
}

/** What the known_hosts file says about one presented key. */
export type HostKeyVerdict =
  | { status: 'known' }
  | { status: 'unknown' }
  | { status: 'changed'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry };

/** The name a host is recorded under: `host` on port 22, `[host]:port` otherwise (as OpenSSH writes it). */
export function hostToken(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** OpenSSH's fingerprint of a key blob: `SHA256:` + base64 of its SHA-256 without `=` padding. */
export function fingerprint(key: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
}

/** The key type written inside a key blob (its first SSH string), e.g. `ssh-ed25519`. */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const length = key.readUInt32BE(0);
  return key.subarray(4, 4 + length).toString('latin1');
}

/** Parse the text of a known_hosts file; comments, blank and malformed lines are skipped. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === '' || fields[0].startsWith('#')) return;
    const marker = fields[0].startsWith('@') ? fields.shift() : undefined;
    const [hosts, keyType, base64] = fields;
    if (!hosts || !keyType || !base64) return;
    const key = Buffer.from(base64, 'base64');
    if (key.length === 0) return;
    entries.push({ line: index + 1, marker, hosts, keyType, key });
  });
  return entries;
}

/** Match one OpenSSH host pattern (`*` and `?` wildcards) against a host token, case-insensitively. */
function globMatch(pattern: string, token: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i').test(token);
}

/** Whether an entry's host field names `token` (a value from {@link hostToken}). */
export function entryMatches(hosts: string, token: string): boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (!salt || !hash) return false;
    const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(token).digest('base64');
    return digest === hash;
  }
  let matched = false;
  for (const pattern of hosts.split(',')) {
    if (pattern.startsWith('!')) {
      if (globMatch(pattern.slice(1), token)) return false;
    } else if (globMatch(pattern, token)) matched = true;
  }
  return matched;
}

/** The entries (without `@cert-authority` lines, which hostwright does not support) that name `token`. */
export function entriesFor(entries: readonly KnownHostEntry[], token: string): KnownHostEntry[] {
  return entries.filter((e) => e.marker !== '@cert-authority' && entryMatches(e.hosts, token));
}

/**
 * Judge a presented key. A host with recorded keys whose presented key matches none of them is
 * `changed`, whatever its type: the transport asks the server for the recorded types first, so a
 * server that offers another type is treated like one whose key changed.
 */
export function verifyHostKey(entries: readonly KnownHostEntry[], token: string, key: Buffer): HostKeyVerdict {
  const mine = entriesFor(entries, token);
  const revoked = mine.find((e) => e.marker === '@revoked' && e.key.equals(key));
  if (revoked) return { status: 'revoked', entry: revoked };
  const live = mine.filter((e) => e.marker === undefined);
  if (live.some((e) => e.key.equals(key))) return { status: 'known' };
  const sameType = live.find((e) => e.keyType === keyTypeOf(key));
  if (sameType ?? live[0]) return { status: 'changed', entry: sameType ?? live[0] };
  return { status: 'unknown' };
}

/** Read and parse a known_hosts file; a missing file is an empty one. */
export async function readKnownHosts(file: string): Promise<KnownHostEntry[]> {
  try {
    return parseKnownHosts(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Append `token keytype base64` to a known_hosts file (creating it and its folder, mode 0600/0700). */
export async function appendKnownHost(file: string, token: string, key: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  let existing = '';
  try {
    existing = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  await appendFile(file, `${separator}${token} ${keyTypeOf(key)} ${key.toString('base64')}\n`, { mode: 0o600 });
}

/** ssh2's host key algorithm names for a known_hosts key type (RSA keys sign with several). */
function algorithmsFor(keyType: string): string[] {
  return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType];
}

const DEFAULT_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/**
 * Host key algorithms in the order to offer them: the types already recorded for this host first, as
 * OpenSSH does, so a server with several host keys presents the one we know.
 */
export function preferredHostKeyAlgorithms(entries: readonly KnownHostEntry[], token: string): string[] {
  const known = entriesFor(entries, token)
    .filter((e) => e.marker === undefined)
    .flatMap((e) => algorithmsFor(e.keyType))
    .filter((a) => DEFAULT_HOST_KEY_ALGORITHMS.includes(a));
  return [...new Set([...known, ...DEFAULT_HOST_KEY_ALGORITHMS])];
}
