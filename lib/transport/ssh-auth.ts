/**
 * SSH authentication for the SSH transport: which methods to try, in OpenSSH's order (agent, key files,
 * password), and the words that explain a failure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AuthMethod } from 'ssh2';

/** ssh2's module, loaded on first connect (it costs ~70 ms of start-up that --list-hosts, --help and a
 * bad inventory should not pay). */
export type Ssh2 = typeof import('ssh2');
let loaded: Promise<Ssh2> | undefined;
/** Load ssh2 once. */
export const loadSsh2 = (): Promise<Ssh2> => (loaded ??= import('ssh2').then((m) => (m as unknown as { default: Ssh2 }).default));
import { UnreachableError } from '../core/errors.ts';

/** Credentials an SSH transport may use. */
export interface SshCredentials {
  user: string;
  /** Private key file; without one, `~/.ssh/id_ed25519`, `id_ecdsa` and `id_rsa` are tried when present. */
  keyFile?: string;
  /** Passphrase of an encrypted key file. */
  passphrase?: string;
  password?: string;
  /** ssh-agent socket path; `false` disables the agent. */
  agent?: string | false;
}

/** The authentication attempts to hand to ssh2's `authHandler`, plus a description for error messages. */
export function authMethods(ssh2: Ssh2, host: string, c: SshCredentials): { methods: AuthMethod[]; tried: string[] } {
  const methods: AuthMethod[] = [];
  const tried: string[] = [];
  if (c.agent) {
    methods.push({ type: 'agent', username: c.user, agent: c.agent } as AuthMethod);
    tried.push(`agent ${c.agent}`);
  }
  const keyFiles = c.keyFile ? [c.keyFile] : ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((n) => join(homedir(), '.ssh', n)).filter((f) => existsSync(f));
  for (const file of keyFiles) {
    let text: Buffer;
    try {
      text = readFileSync(file);
    } catch (error) {
      throw new UnreachableError(
        host,
        `cannot read the SSH key file ${file}: ${(error as Error).message}; check the key path (ansible_ssh_private_key_file / keyFile)`,
        { cause: error },
      );
    }
    const parsed = ssh2.utils.parseKey(text, c.passphrase);
    if (parsed instanceof Error) {
      // A default key we cannot use is skipped; a key the user named is an error they must fix.
      if (c.keyFile) throw new UnreachableError(host, `cannot use the SSH key file ${file}: ${parsed.message}`, { cause: parsed });
      continue;
    }
    methods.push({ type: 'publickey', username: c.user, key: text, passphrase: c.passphrase } as AuthMethod);
    tried.push(`key ${file}`);
  }
  if (c.password !== undefined) {
    methods.push({ type: 'password', username: c.user, password: c.password } as AuthMethod);
    tried.push('password');
  }
  return { methods, tried };
}

/** Explain an ssh2 connection error in words a user can act on. */
export function describeConnectError(
  error: Error & { level?: string; code?: string },
  where: string,
  user: string,
  tried: string[],
  timeoutMs: number,
): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return `connection refused at ${where}: is sshd running and listening on that port?`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no route to ${where}: check the address and the network`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve the address of ${where}: check ansible_host / address`;
    case 'ECONNRESET':
      return `connection reset by ${where} during the handshake`;
  }
  if (error.level === 'client-timeout') return `no SSH handshake with ${where} within ${timeoutMs} ms: is the host up and the port right?`;
  if (error.level === 'client-authentication') {
    const methods = tried.length ? tried.join(', ') : 'nothing: no key file, agent or password was available';
    return `authentication as ${user} failed at ${where} (tried ${methods}); check the user, key and authorized_keys`;
  }
  return `SSH connection to ${where} failed: ${error.message}`;
}
