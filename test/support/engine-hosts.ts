/**
 * Test helper for the engine's end-to-end suites (test/e2e/engine-*.test.ts): this suite's own test
 * hosts (`eng1`..`eng3`, never the default cluster that other suites use), inventory objects written by
 * the test itself (root or the sudo-only `deploy` user, custom groups), and a stream that records what
 * a reporter writes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testHosts, type TestHosts } from '../hosts/index.ts';

/** The engine suites' own hosts. The e2e files run one at a time, so they share these. */
export const ENGINE_HOSTS = ['eng1', 'eng2', 'eng3'] as const;

/** Password with which `deploy` may sudo on every test host. */
export const DEPLOY_SUDO_PASSWORD = 'deploy-sudo';

/** Connection variables per host, beyond address and key (e.g. `ansible_user`, `ansible_become`). */
export type HostExtras = Record<string, Record<string, unknown>>;

/** Started (or reused) engine hosts plus helpers bound to them. */
export interface EngineHosts extends TestHosts {
  /** Address of a host of this set. */
  address(name: string): string;
  /**
   * An Ansible-shaped inventory object: each named host with its address, `root` and the harness key,
   * `extras` merged per host (or for every host under `*`), and optional groups.
   */
  inventory(
    names: readonly string[],
    options?: { extras?: HostExtras; groups?: Record<string, string[]>; vars?: Record<string, unknown> },
  ): Record<string, unknown>;
  /** `sh -c` as root on a host; throws with the output when the command exits non-zero. */
  sh(name: string, command: string): Promise<string>;
}

/** Starts or reuses the engine hosts and returns them with helpers. */
export async function engineHosts(names: readonly string[] = ENGINE_HOSTS): Promise<EngineHosts> {
  const hosts = await testHosts({ names: [...names] });
  const address = (name: string): string => {
    const found = hosts.hosts.find((h) => h.name === name);
    if (!found) throw new Error(`engine hosts: ${name} is not one of ${hosts.hosts.map((h) => h.name).join(', ')}`);
    return found.address;
  };
  return {
    ...hosts,
    address,
    inventory(list, options = {}) {
      const extras = options.extras ?? {};
      const entries = list.map((n) => [
        n,
        { ansible_host: address(n), ansible_user: 'root', ansible_ssh_private_key_file: hosts.keyPath, ...(extras['*'] ?? {}), ...(extras[n] ?? {}) },
      ]);
      const children = Object.fromEntries(
        Object.entries(options.groups ?? {}).map(([g, members]) => [g, { hosts: Object.fromEntries(members.map((m) => [m, null])) }]),
      );
      return {
        all: { hosts: Object.fromEntries(entries), ...(options.vars ? { vars: options.vars } : {}), ...(options.groups ? { children } : {}) },
      };
    },
    async sh(name, command) {
      const r = await hosts.exec(name, command);
      if (r.code !== 0) throw new Error(`${name}: \`${command}\` exited ${r.code}: ${r.stderr || r.stdout}`);
      return r.stdout;
    },
  };
}

/** A writable stream that keeps what is written, for reporters (`isTTY` false: no colour, no progress). */
export function textSink(): NodeJS.WritableStream & { text: () => string; isTTY: false } {
  let text = '';
  return {
    write: (chunk: string | Uint8Array) => ((text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()), true),
    isTTY: false,
    text: () => text,
  } as never;
}

/** A temporary directory on the controller, removed by the returned cleanup function. */
export function scratchDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
