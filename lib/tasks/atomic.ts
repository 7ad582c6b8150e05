/**
 * Atomic file replacement: the new bytes go to a temporary file in the same directory (stdin), get their
 * mode and owner, are validated, and only then renamed over the real file. A failure at any point removes
 * the temporary file and leaves the old file as it was.
 */
import { quote } from '../transport/quote.ts';
import { validateCommandText } from './validate-command.ts';

/** Options of {@link atomicWriteCommand}. */
export interface AtomicWriteOptions {
  /** Octal mode; default: the existing file's mode, else 0644. */
  mode?: string;
  owner?: string;
  group?: string;
  /** Command run on the temporary file before it replaces the real one; `%s` stands for its path (one word, no shell). */
  validate?: string;
  /** hostwright's own shell text (never user input) run on the temporary file `"$t"`, like `validate`. */
  validateScript?: string;
  /** Keep a timestamped copy of the old file (`PATH.YYYYmmddHHMMSS~`), printed as `backup=PATH`. */
  backup?: boolean;
}

/** A shell command that reads the new content on stdin and replaces `path` atomically. */
export function atomicWriteCommand(path: string, options: AtomicWriteOptions = {}): string {
  const p = quote(path);
  const steps = [
    `p=${p}`,
    'd=$(dirname -- "$p")',
    // Temporary files of writes that a host crash interrupted (older than 10 minutes) are not kept forever.
    'find "$d" -maxdepth 1 -name ".hostwright.??????" -type f -mmin +10 -delete 2>/dev/null',
    't=$(mktemp "$d/.hostwright.XXXXXX") || exit 1',
    'trap \'rm -f -- "$t"\' EXIT',
    'cat > "$t" || exit 1',
    // chown before chmod: chown clears setuid/setgid, so the mode (wanted, or the old file's) comes last.
    options.owner || options.group
      ? `chown ${quote(`${options.owner ?? ''}${options.group ? ':' + options.group : ''}`)} "$t" || exit 1`
      : 'if [ -e "$p" ]; then chown --reference="$p" "$t" || exit 1; fi',
    options.mode ? `chmod ${quote(options.mode)} "$t" || exit 1` : 'if [ -e "$p" ]; then chmod --reference="$p" "$t"; else chmod 0644 "$t"; fi || exit 1',
  ];
  if (options.validate) {
    steps.push(`${validateCommandText(options.validate, '"$t"')} >&2 || { echo ${quote(`validation failed: ${options.validate}`)} >&2; exit 3; }`);
  }
  if (options.validateScript) {
    steps.push(`( ${options.validateScript} ) >&2 || { echo ${quote(`validation failed: ${options.validateScript}`)} >&2; exit 3; }`);
  }
  if (options.backup) steps.push('if [ -e "$p" ]; then b="$p.$(date +%Y%m%d%H%M%S)~"; cp -p -- "$p" "$b" || exit 1; echo "backup=$b"; fi');
  steps.push('mv -f -- "$t" "$p" || exit 1', 'trap - EXIT');
  return steps.join('\n');
}
