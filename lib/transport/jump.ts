/**
 * Bastion hosts (ProxyJump): one SSH connection per bastion for the whole run, shared by every host
 * behind it; a chain `a,b` reaches `b` through `a`. Each hop's host key is checked against known_hosts
 * like any host's.
 */
import { parseJumpHop } from './ssh-config.ts';
import type { SshTransport } from './ssh.ts';

/** One hop of a chain, as ProxyJump names it. */
export type JumpHop = ReturnType<typeof parseJumpHop>;

/** The bastion connections of one run. */
export class JumpPool {
  readonly #hops = new Map<string, SshTransport>();

  /**
   * The last hop of `chain` (`[user@]host[:port]`, comma-separated), opened lazily; `make` builds a
   * hop's transport, tunnelled through the previous hop when there is one.
   */
  get(chain: string, make: (hop: JumpHop, via: SshTransport | undefined, name: string) => SshTransport): SshTransport {
    let via: SshTransport | undefined;
    let key = '';
    for (const raw of chain.split(',')) {
      const hop = raw.trim();
      key = key ? `${key},${hop}` : hop;
      let transport = this.#hops.get(key);
      if (!transport) {
        transport = make(parseJumpHop(hop), via, `bastion ${hop}`);
        this.#hops.set(key, transport);
      }
      via = transport;
    }
    return via!;
  }

  /** Close every bastion connection, the farthest hops first. */
  async closeAll(): Promise<void> {
    for (const t of [...this.#hops.values()].reverse()) await t.close();
    this.#hops.clear();
  }
}
