/**
 * Package preview probe (check mode only): what packages that are not installed yet would bring, read
 * without changing the host. The manager downloads them (and what they pull in) into a temporary folder
 * (`dnf|yum install --downloadonly --downloaddir`), rpm reads each one (`rpm -qp --dump` for files with
 * mode/owner/group/digest, `--scripts` for users, groups and unit handling, `rpm2cpio | cpio` for the
 * content of config files and units), the host's systemd presets are read too, and the folder is removed.
 *
 * Packages whose checksum the controller already read in this run are only named, not read again
 * ({@link PreviewCache}): hosts with the same repository answer share one reading.
 */
import { quote, shellJoin } from '../transport/quote.ts';
import type { Probe } from '../core/task-contract.ts';
import type { ExecResult } from '../core/transport-types.ts';

/** One path a package ships, as `rpm -qp --dump` describes it (plus content for config files and units). */
export interface PreviewFile {
  path: string;
  type: 'file' | 'directory' | 'link' | 'other';
  /** Four octal digits, e.g. `0644`. */
  mode: string;
  owner: string;
  group: string;
  size: number;
  /** SHA-256 of the content: from the extracted file, or rpm's digest when the package uses SHA-256. */
  sha256?: string;
  /** Link target. */
  target?: string;
  /** `%config` file. */
  config: boolean;
  /** Content, for config files and systemd units (when rpm2cpio and cpio are on the host). */
  content?: Buffer;
}

/** What one package will bring. */
export interface PreviewPackage {
  name: string;
  /** `epoch:version-release`. */
  evr: string;
  arch: string;
  /** SHA-256 of the package file: the cache key with name, version and arch. */
  sha256: string;
  files: PreviewFile[];
  /** Output of `rpm -qp --scripts`. */
  scripts: string;
}

/** One line of a systemd preset file: first match (files in name order) wins. */
export interface PresetRule {
  file: string;
  action: 'enable' | 'disable';
  pattern: string;
}

/** The parsed answer of the host (packages already known to the controller are named in `cached`). */
export interface PackagePreviewResult {
  /** False when the host cannot preview (no rpm, or an apt host): `reason` says why. */
  supported: boolean;
  reason?: string;
  packages: PreviewPackage[];
  /** Cache keys of packages the host downloaded but did not read again (the controller has them). */
  cached: string[];
  presets: PresetRule[];
}

/** Controller-side memory of packages already read in this run, by {@link previewKey}. */
export type PreviewCache = Map<string, PreviewPackage>;

/** The cache key: name, version, arch and the package file's checksum. */
export const previewKey = (p: Pick<PreviewPackage, 'name' | 'evr' | 'arch' | 'sha256'>): string => `${p.name}-${p.evr}.${p.arch}@${p.sha256}`;

// Where systemd reads presets, most important first (/lib is /usr/lib on merged-/usr hosts).
const PRESET_DIRS = '/etc/systemd/system-preset /run/systemd/system-preset /usr/lib/systemd/system-preset /lib/systemd/system-preset';

/** Largest config file or unit whose content is read. */
const CONTENT_LIMIT = 256 * 1024;

// Where packages put systemd units (RHEL/CentOS use /usr/lib, Debian-derived hosts /lib too): an awk regex.
const UNIT_DIRS_AWK = '^\\/(usr\\/)?lib\\/systemd\\/system\\/|^\\/etc\\/systemd\\/system\\/';

/**
 * The read part of the probe: for every `*.rpm` in "$t/d", a header with name, evr, arch and checksum;
 * unless the checksum is in `known`: the dump, the scripts and the content of config files and units.
 * Exported so fixtures can be recorded from real package files.
 */
export function previewReadScript(known: readonly string[]): string {
  const skip = known.length ? `case ${quote(` ${known.join(' ')} `)} in *" $s "*) echo cached=1; continue;; esac` : '';
  return [
    'for f in "$t"/d/*.rpm; do',
    '  [ -f "$f" ] || continue',
    '  s=$(sha256sum < "$f"); s=${s%% *}',
    `  echo "=== package sha256=$s"`,
    `  rpm -qp --nosignature --nodigest --qf 'name=%{NAME}\\nevr=%|EPOCH?{%{EPOCH}}:{0}|:%{VERSION}-%{RELEASE}\\narch=%{ARCH}\\n' "$f" || exit 3`,
    `  ${skip}`,
    '  echo "--- dump"',
    '  rpm -qp --nosignature --nodigest --dump "$f" || exit 3',
    '  echo "--- scripts"',
    '  rpm -qp --nosignature --nodigest --scripts "$f"',
    '  echo "--- content"',
    '  if command -v rpm2cpio >/dev/null && command -v cpio >/dev/null; then',
    '    rm -rf "$t/x"; mkdir "$t/x"',
    `    rpm -qp --nosignature --nodigest --dump "$f" | awk '$8 == 1 || $1 ~ /${UNIT_DIRS_AWK}/ { if ($5 ~ /^0?100/ && $2 <= ${CONTENT_LIMIT}) print "." $1 }' > "$t/want"`,
    '    if [ -s "$t/want" ]; then',
    '      (cd "$t/x" && rpm2cpio "$f" | cpio -idm --quiet -E "$t/want" 2>/dev/null)',
    '      while IFS= read -r p; do [ -f "$t/x/$p" ] || continue; printf "content=%s " "${p#.}"; base64 -w0 < "$t/x/$p"; echo; done < "$t/want"',
    '    fi',
    '  else echo "nocontent=rpm2cpio or cpio is missing"',
    '  fi',
    'done',
  ].join('\n');
}

/**
 * Build the probe for packages a check-mode plan would install. `known` are cache keys' checksums the
 * controller already read (those packages are only named in the answer).
 */
export function packagePreviewProbe(
  install: readonly string[],
  manager: 'dnf' | 'yum' | 'apt',
  known: readonly string[] = [],
): Probe<PackagePreviewResult> {
  if (manager === 'apt') return { command: 'echo preview=unsupported apt', parse: parsePackagePreview, local: true };
  const command = [
    'command -v rpm >/dev/null || { echo "preview=unsupported rpm is missing"; exit 0; }',
    't=$(mktemp -d "${TMPDIR:-/tmp}/hostwright-preview.XXXXXX") || exit 3',
    `trap 'rm -rf -- "$t"' EXIT`,
    'mkdir "$t/d"',
    // Downloads only: nothing is installed; the manager resolves what the install would pull in.
    `if ! ${manager} -q -y install --downloadonly --downloaddir="$t/d" -- ${shellJoin(install)} > "$t/log" 2>&1; then echo "preview=failed"; tail -n 5 "$t/log" >&2; exit 0; fi`,
    'echo preview=ok',
    previewReadScript(known),
    'echo "=== presets"',
    `for d in ${PRESET_DIRS}; do for p in "$d"/*.preset; do [ -f "$p" ] && printf "preset %s %s\\n" "\${p##*/}" "$d"; done; done`,
    `for d in ${PRESET_DIRS}; do for p in "$d"/*.preset; do [ -f "$p" ] || continue; awk -v f="$d/\${p##*/}" '$1 == "enable" || $1 == "disable" { print "rule", f, $1, $2 }' "$p"; done; done`,
    'true',
  ].join('\n');
  return { command, parse: parsePackagePreview, local: true };
}

const fileType = (mode: number): PreviewFile['type'] => {
  const kind = mode & 0o170000;
  return kind === 0o100000 ? 'file' : kind === 0o040000 ? 'directory' : kind === 0o120000 ? 'link' : 'other';
};

/**
 * One `rpm --dump` line: `path size mtime digest mode owner group isconfig isdoc rdev symlink`. The path
 * may hold spaces, so the ten fields are taken from the end (a link target with spaces is not supported).
 */
export function parseDumpLine(line: string): PreviewFile | undefined {
  const parts = line.split(' ');
  if (parts.length < 11) return undefined;
  const tail = parts.slice(-10);
  const path = parts.slice(0, -10).join(' ');
  const [size, , digest, modeText, owner, group, isconfig, , , symlink] = tail;
  const mode = parseInt(modeText, 8);
  if (!path.startsWith('/') || Number.isNaN(mode)) return undefined;
  const type = fileType(mode);
  const file: PreviewFile = {
    path,
    type,
    mode: (mode & 0o7777).toString(8).padStart(4, '0'),
    owner,
    group,
    size: Number(size),
    config: isconfig === '1',
  };
  if (type === 'file' && /^[0-9a-f]{64}$/.test(digest)) file.sha256 = digest;
  if (type === 'link' && symlink !== 'X') file.target = symlink;
  return file;
}

/** Pure parser of the preview probe's output (fixture-tested from recorded answers). */
export function parsePackagePreview(result: ExecResult): PackagePreviewResult {
  const out = result.stdout;
  const head = /^preview=(\S+)(?: (.*))?$/m.exec(out);
  if (head && head[1] === 'unsupported')
    return { supported: false, reason: `cannot preview packages on this host: ${head[2] ?? 'unsupported'}`, packages: [], cached: [], presets: [] };
  if (result.code !== 0 || !head || head[1] !== 'ok') {
    const why = (result.stderr.trim() || out.trim()).split('\n').slice(-3).join(' ');
    throw new Error(`package preview failed (exit ${result.code}): ${why || 'no output'}`);
  }
  const packages: PreviewPackage[] = [];
  const cached: string[] = [];
  const presets: PresetRule[] = [];
  const [body, presetText = ''] = out.split('\n=== presets\n');
  for (const block of body.split('\n=== package ').slice(1)) {
    const sha256 = /^sha256=([0-9a-f]{64})/.exec(block)?.[1];
    const field = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(block)?.[1];
    const name = field('name');
    const evr = field('evr');
    const arch = field('arch');
    if (!sha256 || !name || !evr || !arch) throw new Error(`package preview: unreadable package header: ${block.slice(0, 200)}`);
    if (/^cached=1$/m.test(block)) {
      cached.push(previewKey({ name, evr, arch, sha256 }));
      continue;
    }
    const section = (title: string, next: string) => {
      const start = block.indexOf(`\n--- ${title}\n`);
      if (start < 0) return '';
      const from = start + title.length + 6;
      const end = next ? block.indexOf(`\n--- ${next}\n`, from - 1) : -1;
      return block.slice(from, end < 0 ? undefined : end + 1);
    };
    const files = section('dump', 'scripts')
      .split('\n')
      .map(parseDumpLine)
      .filter((f): f is PreviewFile => f !== undefined);
    const byPath = new Map(files.map((f) => [f.path, f]));
    for (const line of section('content', '').split('\n')) {
      const m = /^content=(\/.*?) ([A-Za-z0-9+/=]*)$/.exec(line);
      const f = m && byPath.get(m[1]);
      if (!f) continue;
      f.content = Buffer.from(m![2], 'base64');
    }
    packages.push({ name, evr, arch, sha256, files, scripts: section('scripts', 'content') });
  }
  const order = new Map<string, string>();
  for (const line of presetText.split('\n')) {
    const m = /^preset (\S+) (\S+)$/.exec(line);
    // The first directory holding a file name wins (/etc over /run over /usr/lib).
    if (m && !order.has(m[1])) order.set(m[1], `${m[2]}/${m[1]}`);
  }
  const active = new Set(order.values());
  for (const line of presetText.split('\n')) {
    const m = /^rule (\S+) (enable|disable) (\S+)$/.exec(line);
    if (m && active.has(m[1])) presets.push({ file: m[1], action: m[2] as PresetRule['action'], pattern: m[3] });
  }
  // Files in name order; lines in file order within each file.
  const rank = (file: string) => file.slice(file.lastIndexOf('/') + 1);
  presets.sort((a, b) => (rank(a.file) < rank(b.file) ? -1 : rank(a.file) > rank(b.file) ? 1 : 0));
  return { supported: true, packages, cached, presets };
}
