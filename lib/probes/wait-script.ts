/**
 * The `wait` probe and loop: one shell script that tries a TCP port (bash `/dev/tcp`), an HTTP URL (curl,
 * 2xx and an optional body substring) or a command (exit 0), either once (the probe) or in a loop on the
 * host until it answers or the timeout passes (the apply: one round trip, not one per try).
 */
import { quote } from '../transport/quote.ts';
import type { Probe } from '../core/task-contract.ts';
import type { ExecResult } from '../core/transport-types.ts';

/** What to wait for: exactly one of a port, a URL or a command. */
export type WaitTarget =
  | { kind: 'port'; host: string; port: number }
  | { kind: 'url'; url: string; expect?: string }
  | { kind: 'command'; command: string };

/** The outcome of one try or of a whole wait loop. */
export interface WaitState {
  /** Whether the target answered. */
  answered: boolean;
  /** Tries made. */
  tries: number;
  /** Seconds spent (whole seconds, as measured on the host). */
  elapsed: number;
  /** What the last try saw: an error message, an HTTP status, a command's output tail. Empty on success. */
  last: string;
}

/** Shortest single try, in seconds (also the probe's only try). */
const TRY_MIN = 5;
/** Longest single try for a port or URL, in seconds, so that a filtered port cannot eat the timeout. */
const TRY_LIMIT = 10;

/** The shell function `try_once`: returns 0 when the target answers, else prints what it saw. */
function tryOnce(target: WaitTarget): string {
  switch (target.kind) {
    case 'port':
      return [
        'try_once() {',
        '  command -v bash >/dev/null 2>&1 || { echo "bash is not installed on the host (needed for /dev/tcp)"; return 2; }',
        `  out=$(timeout "$1" bash -c 'exec 3<>"/dev/tcp/$0/$1"' ${quote(target.host)} ${target.port} 2>&1)`,
        '  r=$?',
        '  [ "$r" -eq 0 ] && return 0',
        '  [ "$r" -eq 124 ] && { echo "connect timed out after $1 s"; return 1; }',
        `  printf '%s\\n' "$out" | tail -n 1 | sed 's/^.*: //'`,
        '  return 1',
        '}',
      ].join('\n');
    case 'url':
      return [
        'try_once() {',
        '  command -v curl >/dev/null 2>&1 || { echo "curl is not installed on the host"; return 2; }',
        `  code=$(curl -gsS -o "$body" -w '%{http_code}' --max-time "$1" ${quote(target.url)} 2>"$errf")`,
        '  case "$code" in',
        `    2??) ${target.expect === undefined ? 'return 0' : `grep -qF -- ${quote(target.expect)} "$body" && return 0; printf 'HTTP %s, but the body does not contain %s\\n' "$code" ${quote(target.expect)}; return 1`} ;;`,
        '    000) tail -n 1 "$errf"; return 1 ;;',
        '    *) echo "HTTP $code"; return 1 ;;',
        '  esac',
        '}',
      ].join('\n');
    case 'command':
      return [
        'try_once() {',
        `  out=$(timeout "$1" /bin/sh -c ${quote(target.command)} </dev/null 2>&1)`,
        '  r=$?',
        '  [ "$r" -eq 0 ] && return 0',
        '  [ "$r" -eq 124 ] && { echo "timed out"; return 1; }',
        '  echo "exit $r${out:+: }$(printf "%s" "$out" | tail -n 3 | tr "\\n" " ")"',
        '  return 1',
        '}',
      ].join('\n');
  }
}

/**
 * The script: tries until the target answers or `timeout` seconds passed, sleeping `interval` between
 * tries. `timeout` 0 means exactly one try (the probe). It prints `answered=`, `tries=`, `elapsed=` and
 * `last=` lines and always exits 0 (the result is in the output).
 */
export function waitScript(target: WaitTarget, options: { timeout: number; interval: number }): string {
  const commandLimit = target.kind === 'command';
  return [
    'body=$(mktemp) && errf=$(mktemp) || exit 1',
    'trap \'rm -f -- "$body" "$errf"\' EXIT',
    tryOnce(target),
    'start=$(date +%s)',
    `deadline=$(( start + ${Math.ceil(options.timeout)} ))`,
    'tries=0',
    'while :; do',
    '  tries=$(( tries + 1 ))',
    '  left=$(( deadline - $(date +%s) ))',
    `  [ "$left" -lt ${TRY_MIN} ] && left=${TRY_MIN}`,
    commandLimit ? '' : `  [ "$left" -gt ${TRY_LIMIT} ] && left=${TRY_LIMIT}`,
    '  last=$(try_once "$left") && { answered=yes; last=; break; }',
    '  [ "$(date +%s)" -ge "$deadline" ] && { answered=no; break; }',
    `  sleep ${quote(String(options.interval))}`,
    'done',
    'echo "answered=$answered"',
    'echo "tries=$tries"',
    'echo "elapsed=$(( $(date +%s) - start ))"',
    'printf "last=%s\\n" "$(printf "%s" "$last" | tr "\\n" " ")"',
  ]
    .filter(Boolean)
    .join('\n');
}

/** Pure parser of the script's output. */
export function parseWait(result: ExecResult): WaitState {
  if (result.code !== 0) throw new Error(`wait script failed (exit ${result.code}): ${result.stderr.trim()}`);
  const v: Record<string, string> = {};
  for (const line of result.stdout.split('\n')) {
    const m = /^(answered|tries|elapsed|last)=(.*)$/.exec(line);
    if (m) v[m[1]] = m[2];
  }
  if (v.answered !== 'yes' && v.answered !== 'no') throw new Error(`wait script printed no result: ${JSON.stringify(result.stdout.slice(0, 200))}`);
  return { answered: v.answered === 'yes', tries: Number(v.tries ?? 0), elapsed: Number(v.elapsed ?? 0), last: (v.last ?? '').trim() };
}

/** The probe: one try. */
export function waitProbe(target: WaitTarget): Probe<WaitState> {
  return { command: waitScript(target, { timeout: 0, interval: 0 }), parse: parseWait };
}
