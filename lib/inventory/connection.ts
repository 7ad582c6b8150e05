/**
 * How to reach a host, from its variables. Ansible's names and hostwright's own names mean the same;
 * when both are set, hostwright's name wins, then Ansible's current name, then its old `ssh_` alias.
 *
 * | setting          | hostwright           | Ansible                                                   |
 * |------------------|----------------------|-----------------------------------------------------------|
 * | address          | `hw_host`            | `ansible_host`, `ansible_ssh_host` (default: the host name) |
 * | port             | `hw_port`            | `ansible_port`, `ansible_ssh_port` (default 22)           |
 * | user             | `hw_user`            | `ansible_user`, `ansible_ssh_user`                        |
 * | key file         | `hw_key_file`        | `ansible_ssh_private_key_file`, `ansible_private_key_file` |
 * | password         | `hw_password`        | `ansible_password`, `ansible_ssh_pass`, `ansible_ssh_password` |
 * | become           | `hw_become`          | `ansible_become`                                          |
 * | become user      | `hw_become_user`     | `ansible_become_user`                                     |
 * | become password  | `hw_become_password` | `ansible_become_password`, `ansible_become_pass`          |
 * | connection       | `hw_connection`      | `ansible_connection` (`local` runs on the controller)     |
 */
import { ValidationError } from '../core/errors.ts';
import type { ConnectionSettings } from '../transport/index.ts';
import { FALSE_WORDS, TRUE_WORDS, fitsKind, type VarKind } from './schema.ts';

/** Connection settings of one host, resolved from its variables (the transport's settings, all resolved). */
export interface ConnectionVars extends ConnectionSettings {
  /** SSH port (default 22). */
  port: number;
  /** `ssh` (default), `local`, or whatever `ansible_connection` names. */
  connection: string;
  /** True when the connection is `local`: run on the controller itself. */
  local: boolean;
}

const NAMES = {
  address: ['hw_host', 'ansible_host', 'ansible_ssh_host'],
  port: ['hw_port', 'ansible_port', 'ansible_ssh_port'],
  user: ['hw_user', 'ansible_user', 'ansible_ssh_user'],
  keyFile: ['hw_key_file', 'ansible_ssh_private_key_file', 'ansible_private_key_file'],
  password: ['hw_password', 'ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password'],
  become: ['hw_become', 'ansible_become'],
  becomeUser: ['hw_become_user', 'ansible_become_user'],
  becomePassword: ['hw_become_password', 'ansible_become_password', 'ansible_become_pass'],
  connection: ['hw_connection', 'ansible_connection'],
} as const;

/** Connection types: SSH (Ansible's `ssh`, `smart` and `paramiko` all mean SSH here) or the controller itself. */
const CONNECTIONS = ['ssh', 'smart', 'paramiko', 'local'];

const KINDS: Record<keyof typeof NAMES, VarKind> = {
  address: 'host',
  port: 'port',
  user: 'string',
  keyFile: 'string',
  password: 'secret',
  become: 'bool',
  becomeUser: 'string',
  becomePassword: 'secret',
  connection: 'string',
};

/** Ansible's `boolean()`: true/false, yes/no, on/off, 1/0, y/n, t/f (any case). */
export function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  const s = String(value).trim().toLowerCase();
  if (TRUE_WORDS.includes(s)) return true;
  if (FALSE_WORDS.includes(s)) return false;
  throw new Error(`"${String(value)}" is not a boolean`);
}

/**
 * Resolve connection settings from a host's merged variables. `host` is the inventory name (the
 * default address; `vars.inventory_hostname` is used when `host` is not given). Values must already
 * be templated; a wrong type throws a ValidationError naming the host and the variable.
 */
export function connectionVars(vars: Record<string, unknown>, host?: string): ConnectionVars {
  const name = host ?? (typeof vars.inventory_hostname === 'string' ? vars.inventory_hostname : undefined);
  const pick = (key: keyof typeof NAMES): unknown => {
    for (const n of NAMES[key]) {
      const v = vars[n];
      if (v === undefined || v === null) continue;
      const template = typeof v === 'string' && v.includes('{{');
      if (template || !fitsKind(KINDS[key], v)) {
        // Never echo a password back.
        const shown = KINDS[key] === 'secret' ? '' : ` (got ${JSON.stringify(v)})`;
        const what = template ? `is not templated yet${shown}` : `must be ${describe(KINDS[key])}${shown}`;
        throw new ValidationError(`${name ?? 'host'}: ${n} ${what}`, { source: name, path: n });
      }
      return v;
    }
    return undefined;
  };
  const address = pick('address') ?? name;
  if (typeof address !== 'string') throw new ValidationError('connectionVars: no address: give the host name or set ansible_host', {});
  const connection = String(pick('connection') ?? 'ssh');
  if (!CONNECTIONS.includes(connection)) {
    const n = NAMES.connection.find((k) => vars[k] !== undefined && vars[k] !== null);
    throw new ValidationError(
      `${name ?? 'host'}: ${n} "${connection}" is not a connection hostwright has: use ${CONNECTIONS.map((c) => `"${c}"`).join(' or ')}`,
      { source: name, path: n },
    );
  }
  const str = (v: unknown) => (v === undefined ? undefined : String(v));
  const become = pick('become');
  const out: ConnectionVars = {
    address,
    port: Number(pick('port') ?? 22),
    connection,
    local: connection === 'local',
  };
  const optional = {
    user: str(pick('user')),
    keyFile: str(pick('keyFile')),
    password: str(pick('password')),
    becomeUser: str(pick('becomeUser')),
    becomePassword: str(pick('becomePassword')),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  if (become !== undefined) out.become = toBoolean(become);
  return out;
}

function describe(kind: VarKind): string {
  return {
    port: 'an integer from 1 to 65535',
    host: 'a host name or IP address',
    string: 'a non-empty string',
    bool: 'a boolean (true/false, yes/no)',
    secret: 'a string',
    integer: 'an integer',
  }[kind];
}
