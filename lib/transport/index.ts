/**
 * Transports: the contract, the SSH and local implementations, the POSIX quote, and a factory that
 * picks one from a host's connection settings.
 */
import { LocalTransport } from './local.ts';
import { SshTransport } from './ssh.ts';
import type { Transport } from './types.ts';

export type { BecomeOptions, ExecOptions, ExecResult, Transport, TransportStats } from './types.ts';
export { quote, shellJoin } from './quote.ts';
export { SshTransport } from './ssh.ts';
export type { SshTransportOptions } from './ssh.ts';
export { LocalTransport } from './local.ts';
export type { LocalTransportOptions } from './local.ts';
export { fingerprint } from './known-hosts.ts';

/** A host's connection settings, as the inventory resolves them (`ansible_host`, `ansible_user`, ...). */
export interface ConnectionSettings {
  /** Address or DNS name (`ansible_host`). */
  address: string;
  /** `ansible_port`; default 22. */
  port?: number;
  /** `ansible_user`; default `root`. */
  user?: string;
  /** `ansible_ssh_private_key_file`. */
  keyFile?: string;
  /** `ansible_password`. */
  password?: string;
  /** `ansible_become`: run every command through sudo unless a call says otherwise. */
  become?: boolean;
  /** `ansible_become_user`; default `root`. */
  becomeUser?: string;
  /** `ansible_become_password`. */
  becomePassword?: string;
  /** `ansible_connection=local`: run on this machine instead of over SSH. */
  local?: boolean;
}

/** Run-wide SSH settings from the command line. */
export interface TransportFactoryOptions {
  /** `--known-hosts FILE`; default `~/.ssh/known_hosts`. */
  knownHostsFile?: string;
  /** `--accept-new-host-keys`: record unknown host keys instead of refusing them. */
  acceptNewHostKeys?: boolean;
  /** Connect + handshake + authentication deadline; default 10000 ms. */
  connectTimeoutMs?: number;
}

/** The transport for one host: local when `local` is set (`ansible_connection=local`), SSH otherwise. */
export function createTransport(name: string, connection: ConnectionSettings, options: TransportFactoryOptions = {}): Transport {
  const become = { become: connection.become, becomeUser: connection.becomeUser, becomePassword: connection.becomePassword };
  if (connection.local) return new LocalTransport({ name, ...become });
  return new SshTransport({
    name,
    address: connection.address,
    port: connection.port,
    user: connection.user,
    keyFile: connection.keyFile,
    password: connection.password,
    ...become,
    knownHostsFile: options.knownHostsFile,
    acceptNewHostKeys: options.acceptNewHostKeys,
    connectTimeoutMs: options.connectTimeoutMs,
  });
}
