/**
 * Atomic file replacement: the new bytes go to a temporary file in the same directory (stdin), are checked
 * against the size and SHA-256 the controller meant to send, get their mode and owner, are validated, and
 * only then renamed over the real file. A failure at any point, an interrupted upload or a signal removes
 * the temporary file and leaves the old file as it was.
 */
import { checkedCatLines, contentDigest } from '../transport/content-check.ts';
import { quote } from '../transport/quote.ts';
import { validateCommandText } from './validate-command.ts';

/** Options of {@link atomicWriteCommand}. */
export interface AtomicWriteOptions {
  /**
   * The exact bytes that will be sent on stdin: the host renames the temporary file only when what it
   * received has their size and SHA-256 (an interrupted upload otherwise looks like a complete one).
   */
  content: string | Buffer;
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

/** A shell command that reads the new content (`options.content`) on stdin and replaces `path` atomically. */
export function atomicWriteCommand(path: string, options: AtomicWriteOptions): string {
  const p = quote(path);
  const steps = [
    `p=${p}`,
    // dirname without a process, except for a path ending in a slash (dirname's own rules then).
    'case $p in */) d=$(dirname -- "$p") ;; */*) d=${p%/*}; d=${d:-/} ;; *) d=. ;; esac',
    // Temporary files of writes that a host crash interrupted (older than 10 minutes) are not kept forever;
    // `find` runs only when the folder has any (the glob is the shell's own).
    'for hw_s in "$d"/.hostwright.??????; do [ -e "$hw_s" ] && find "$d" -maxdepth 1 -name ".hostwright.??????" -type f -mmin +10 -delete 2>/dev/null; break; done',
    // The traps are set before the temporary file exists; a signal (channel closed, Ctrl-C) removes it too.
    't=',
    'trap \'[ -z "$t" ] || rm -f -- "$t"\' EXIT',
    "trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 141' PIPE; trap 'exit 143' TERM",
    't=$(mktemp "$d/.hostwright.XXXXXX") || exit 1',
    ...checkedCatLines('t', contentDigest(options.content), path),
    // chown before chmod: chown clears setuid/setgid, so the mode (wanted, or the old file's) comes last.
    options.owner || options.group
      ? `chown ${quote(`${options.owner ?? ''}${options.group ? ':' + options.group : ''}`)} "$t" || exit 1`
      : 'if [ -e "$p" ]; then chown --reference="$p" "$t" || exit 1; fi',
    options.mode
      ? `chmod ${quote(options.mode)} "$t" || exit 1`
      : 'if [ -e "$p" ]; then chmod --reference="$p" "$t"; else chmod 0644 "$t"; fi || exit 1',
  ];
  if (options.validate) {
    steps.push(`${validateCommandText(options.validate, '"$t"')} >&2 || { echo ${quote(`validation failed: ${options.validate}`)} >&2; exit 3; }`);
  }
  if (options.validateScript) {
    steps.push(`( ${options.validateScript} ) >&2 || { echo ${quote(`validation failed: ${options.validateScript}`)} >&2; exit 3; }`);
  }
  if (options.backup) steps.push('if [ -e "$p" ]; then b="$p.$(date +%Y%m%d%H%M%S)~"; cp -p -- "$p" "$b" || exit 1; echo "backup=$b"; fi');
  steps.push('mv -f -- "$t" "$p" || exit 1', 'trap - EXIT HUP INT PIPE TERM');
  return steps.join('\n');
}
