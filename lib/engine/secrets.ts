/**
 * Which values are secrets: variables named like passwords (from any source), and the values of a
 * `sensitive` task that can carry a secret (its content, command, line...), but not the ones that only
 * say where or what (its path, owner, mode, state), so later output is not masked beyond recognition.
 */

/** A variable named like a password: `*_password`, `*_pass`, `password`, `*_passwd` (any case). */
export const isSecretName = (name: string): boolean => /(^|_)(pass|password|passwd)$/i.test(name);

/** Every value held under a password-like name anywhere inside `vars` (nested mappings included). */
export function secretVarValues(vars: unknown, depth = 0): unknown[] {
  if (!vars || typeof vars !== 'object' || depth > 20) return [];
  const out: unknown[] = [];
  for (const [k, v] of Object.entries(vars as Record<string, unknown>)) {
    // A getter may compute a value from other variables; reading it here could fail or be slow.
    const desc = Object.getOwnPropertyDescriptor(vars, k);
    if (desc && !('value' in desc)) continue;
    if (isSecretName(k) && (typeof v === 'string' || typeof v === 'number')) out.push(v);
    else if (v && typeof v === 'object') out.push(...secretVarValues(v, depth + 1));
  }
  return out;
}

/**
 * Arguments that locate or describe the managed object rather than carry data: a sensitive task's values
 * under these names are shown (and not masked elsewhere). Everything else of a sensitive task is secret.
 */
const NOT_SECRET = new Set([
  'path',
  'dest',
  'state',
  'owner',
  'group',
  'mode',
  'name',
  'target',
  'backup',
  'validate',
  'chdir',
  'creates',
  'removes',
  'enabled',
  'masked',
  'daemonReload',
  'key',
  'port',
  'host',
  'timeout',
  'delay',
  'src',
  'insertAfter',
  'insertBefore',
  'marker',
  'markerBegin',
  'markerEnd',
  'create',
  'reload',
  'file',
  'manager',
  'executable',
  'interval',
  'firstMatch',
  'backrefs',
  'ifExists',
  'changedWhen',
  'failedWhen',
]);

/** The values of a sensitive task's arguments that must be masked wherever they show up. */
export function sensitiveArgValues(args: unknown): unknown[] {
  if (!args || typeof args !== 'object' || Array.isArray(args)) return [args];
  const out: unknown[] = [];
  for (const [k, v] of Object.entries(args as Record<string, unknown>)) {
    if (NOT_SECRET.has(k) || typeof v === 'boolean') continue;
    // An argv's first word is the program (`mysql`), not a secret; nor are option names (`--batch`) and short
    // plain words (`-u root`): masking those would blank later output. A word with digits or symbols
    // (`-pS3cret`) or a long one may be a secret.
    if (k === 'cmd' && Array.isArray(v))
      out.push(...v.slice(1).filter((w) => typeof w !== 'string' || (!/^--?[A-Za-z][A-Za-z-]*$/.test(w) && (w.length >= 6 || /[^A-Za-z]/.test(w)))));
    else out.push(v);
  }
  return out;
}

/** The values of a task type's always-secret arguments (`secretArgs`), whether or not the task is sensitive. */
export function secretArgValues(secretArgs: readonly string[] | undefined, args: unknown): unknown[] {
  if (!secretArgs?.length || !args || typeof args !== 'object') return [];
  return secretArgs
    .map((k) => (args as Record<string, unknown>)[k])
    .filter((v) => typeof v === 'string' || typeof v === 'number' || (v !== null && typeof v === 'object'));
}
