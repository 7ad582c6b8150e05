/**
 * The kinds of value the well-known inventory variables must hold, and the test of a value against its
 * kind. Kept apart from the schemas so that the validators compiled at build time can import the test.
 */

/** What kind of value a well-known variable must hold. */
export type VarKind = 'port' | 'host' | 'string' | 'bool' | 'secret' | 'integer';

/** Connection and inventory variables with a fixed type, Ansible's names next to hostwright's. */
export const TYPED_VARS: Record<string, VarKind> = {
  ansible_host: 'host',
  ansible_ssh_host: 'host',
  hw_host: 'host',
  ansible_port: 'port',
  ansible_ssh_port: 'port',
  hw_port: 'port',
  ansible_user: 'string',
  ansible_ssh_user: 'string',
  hw_user: 'string',
  ansible_ssh_private_key_file: 'string',
  ansible_private_key_file: 'string',
  hw_key_file: 'string',
  ansible_password: 'secret',
  ansible_ssh_pass: 'secret',
  ansible_ssh_password: 'secret',
  hw_password: 'secret',
  ansible_become: 'bool',
  hw_become: 'bool',
  ansible_become_user: 'string',
  hw_become_user: 'string',
  ansible_become_password: 'secret',
  ansible_become_pass: 'secret',
  hw_become_password: 'secret',
  ansible_connection: 'string',
  hw_connection: 'string',
  ansible_group_priority: 'integer',
};

/** What a value of each kind must be, as said in an error. */
export const MESSAGES: Record<VarKind, string> = {
  port: 'must be an integer from 1 to 65535',
  host: 'must be a host name or IP address (a non-empty string)',
  string: 'must be a non-empty string',
  bool: 'must be a boolean (true/false, yes/no)',
  secret: 'must be a string',
  integer: 'must be an integer',
};

/** Words Ansible's `boolean()` accepts (compared lowercase). */
export const TRUE_WORDS = ['yes', 'on', '1', 'true', 'y', 't'];
/** Words Ansible's `boolean()` accepts as false (compared lowercase). */
export const FALSE_WORDS = ['no', 'off', '0', 'false', 'n', 'f', ''];

// A value still to be templated ("{{ port }}") is checked after templating, not here.
const isTemplate = (v: unknown) => typeof v === 'string' && v.includes('{{');

/** Whether `value` fits `kind`. */
export function fitsKind(kind: VarKind, value: unknown): boolean {
  if (isTemplate(value)) return true;
  switch (kind) {
    case 'port': {
      const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
      return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
    }
    case 'host':
    case 'string':
      return typeof value === 'string' && value.trim() !== '';
    case 'bool':
      return (
        typeof value === 'boolean' ||
        value === 0 ||
        value === 1 ||
        (typeof value === 'string' && [...TRUE_WORDS, ...FALSE_WORDS].includes(value.trim().toLowerCase()))
      );
    case 'secret':
      return typeof value === 'string' || typeof value === 'number';
    case 'integer':
      return (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value));
  }
}
