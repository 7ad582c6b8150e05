/**
 * Transports: the contract, the SSH and local implementations, the POSIX quote, and a factory that
 * picks one from a host's connection settings.
 */
import { LocalTransport } from './local.ts';
import { SshTransport } from './ssh.ts';
import type { Transport } from '../core/transport-types.ts';
import type { JumpPool } from './jump.ts';
import type { SshConfig } from './ssh-config.ts';

export type { BecomeOptions, ExecOptions, ExecResult, Transport, TransportStats } from '../core/transport-types.ts';
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
  /** Bastion chain from `ansible_ssh_common_args` / `ansible_ssh_extra_args` (`-J`, `-o ProxyJump=`). */
  proxyJump?: string;
}

/** Run-wide SSH settings from the command line. */
export interface TransportFactoryOptions {
  /** `--known-hosts FILE`; default `~/.ssh/known_hosts`. */
  knownHostsFile?: string;
  /** `--accept-new-host-keys`: record unknown host keys instead of refusing them. */
  acceptNewHostKeys?: boolean;
  /** Connect + handshake + authentication deadline; default 10000 ms. */
  connectTimeoutMs?: number;
  /** `~/.ssh/config` (or `--ssh-config FILE`): applied where the inventory does not say otherwise. */
  sshConfig?: SshConfig;
  /** The run's shared bastion connections; required for ProxyJump. */
  jumps?: JumpPool;
}

/** The transport for one host: local when `local` is set (`ansible_connection=local`), SSH otherwise. */
export function createTransport(name: string, connection: ConnectionSettings, options: TransportFactoryOptions = {}): Transport {
  const become = { become: connection.become, becomeUser: connection.becomeUser, becomePassword: connection.becomePassword };
  if (connection.local) return new LocalTransport({ name, ...become });
  // As Ansible calls OpenSSH: inventory variables are command-line options, the SSH config fills the rest.
  const cfg = options.sshConfig?.lookup(connection.address) ?? {};
  const proxyJump = connection.proxyJump ?? cfg.proxyJump;
  const hopTransport = (hop: { user?: string; host: string; port?: number }, via: SshTransport | undefined, hopName: string) => {
    const h = options.sshConfig?.lookup(hop.host) ?? {};
    return new SshTransport({
      name: hopName,
      address: h.hostName ?? hop.host,
      port: hop.port ?? h.port,
      user: hop.user ?? h.user,
      keyFile: h.identityFiles?.[0] ?? connection.keyFile,
      knownHostsFile: options.knownHostsFile ?? h.userKnownHostsFile,
      acceptNewHostKeys: options.acceptNewHostKeys,
      connectTimeoutMs: options.connectTimeoutMs ?? h.connectTimeoutMs,
      via,
    });
  };
  if (proxyJump && !options.jumps) throw new Error(`${name}: ProxyJump ${proxyJump} needs a JumpPool in the transport options`);
  return new SshTransport({
    name,
    address: cfg.hostName ?? connection.address,
    // ansible_port defaults to 22 before it gets here: an SSH config Port applies to an unset (22) port.
    port: connection.port !== undefined && connection.port !== 22 ? connection.port : (cfg.port ?? connection.port),
    user: connection.user ?? cfg.user,
    keyFile: connection.keyFile ?? cfg.identityFiles?.[0],
    password: connection.password,
    ...(cfg.identitiesOnly ? { agent: false as const } : {}),
    ...become,
    knownHostsFile: options.knownHostsFile ?? cfg.userKnownHostsFile,
    acceptNewHostKeys: options.acceptNewHostKeys,
    connectTimeoutMs: options.connectTimeoutMs ?? cfg.connectTimeoutMs,
    ...(cfg.serverAliveIntervalMs !== undefined ? { keepaliveIntervalMs: cfg.serverAliveIntervalMs } : {}),
    via: proxyJump ? options.jumps!.get(proxyJump, hopTransport) : undefined,
  });
}
