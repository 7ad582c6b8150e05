/**
 * The TCP connection of an SSH transport, started before ssh2 is loaded: loading ssh2 (~60 ms of
 * CommonJS modules on the first connect of a run) then overlaps the TCP handshake and the host's
 * banner instead of preceding them. The socket is handed to ssh2's Client (its `sock` option).
 */
import { connect, type Socket } from 'node:net';

/** A TCP connection being opened, with what happened to it before ssh2 took it over. */
export interface EarlySocket {
  /** The socket (connecting or connected), already in no-delay mode. */
  readonly socket: Socket;
  /**
   * Resolves once the connect call has reached the system (Node issues it on the next tick for an IP
   * address): loading ssh2 before that, synchronous CommonJS, would hold it back.
   */
  readonly issued: Promise<void>;
  /**
   * The socket for ssh2's `sock` option when it is still usable, else undefined (it failed or closed
   * before ssh2 was ready: ssh2 then opens its own connection and reports its failure in its own words).
   */
  take(): Socket | undefined;
}

/** Start connecting to `host:port` now. */
export function earlySocket(host: string, port: number): EarlySocket {
  const socket = connect({ host, port });
  // Nagle's algorithm adds ~40 ms to every small request/response exchange (measured).
  socket.setNoDelay(true);
  let failed = false;
  // Until ssh2 attaches its own listeners, an error (connection refused) must not go unhandled.
  const onError = (): void => {
    failed = true;
  };
  const onClose = (): void => {
    failed = true;
  };
  socket.on('error', onError);
  socket.on('close', onClose);
  // Queued after Node's own next-tick connect, so it runs after it.
  const issued = new Promise<void>((resolve) => process.nextTick(resolve));
  return {
    socket,
    issued,
    take() {
      socket.off('error', onError);
      socket.off('close', onClose);
      if (failed || socket.destroyed) {
        socket.destroy();
        return undefined;
      }
      return socket;
    },
  };
}
