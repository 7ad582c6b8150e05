/**
 * Quote one value for a POSIX shell (sh, dash, bash): the only way hostwright puts a value into shell text.
 * Single quotes keep every byte literal; an embedded single quote becomes `'\''`.
 * Safe characters are left bare so that commands stay readable in logs.
 */
export function quote(value: string | number): string {
  const text = String(value);
  if (text === '') return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) return text;
  return "'" + text.replace(/'/g, "'\\''") + "'";
}

/** Quote every argument and join them with spaces: `shellJoin(['ls', '-l', "it's"])`. */
export function shellJoin(args: readonly (string | number)[]): string {
  return args.map(quote).join(' ');
}
