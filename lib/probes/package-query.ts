/**
 * Package probe: detects the manager (when asked to), then reads what is installed from the package
 * database itself (`rpm -q`, `dpkg-query -W`), never from a manager's wording. With `checkUpdates`
 * (state `latest`) it also asks the manager whether newer versions exist: `yum/dnf -q check-update`
 * (exit 100 = updates) or `apt-get -s install` (a simulation). All of it is one shell script, one round trip.
 */
import { quote } from '../transport/quote.ts';
import type { Probe } from '../tasks/contract.ts';
import type { ExecResult } from '../transport/types.ts';
import type { InstalledPackage } from './package-spec.ts';

/** A manager as the task names it; `auto` detects dnf, then yum, then apt-get on the host. */
export type PackageManagerChoice = 'auto' | 'dnf' | 'yum' | 'apt';

/** What the package probe found. */
export interface PackageState {
  /** The manager in use; `none` when `auto` found none, or when the chosen one is not on the host. */
  manager: 'dnf' | 'yum' | 'apt' | 'none';
  /** Set when the manager was chosen explicitly and its command is missing on the host. */
  missingManager?: string;
  /** Installed packages by name (several entries for multi-arch or install-only packages). */
  installed: Record<string, InstalledPackage[]>;
  /** With `checkUpdates`: name → newer version the manager would install. */
  updates?: Record<string, string>;
  /** With `checkUpdates`: the manager's own message when the update check itself failed. */
  updateError?: string;
}

const RPM_QF = 'rpm\\t%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n';
const DPKG_F = 'dpkg\\t${Package}\\t${Version}\\t${db:Status-Status}\\n';

/**
 * Build the probe for some package names. `names` are plain names (pins stripped);
 * `checkUpdates` adds the manager's update check (costs a metadata load: ~0.3–1 s with dnf), for the
 * installed ones among `names` with yum/dnf, for `aptNames` (default `names`) with apt.
 */
export function packageProbe(names: readonly string[], manager: PackageManagerChoice, options: { checkUpdates?: boolean; aptNames?: readonly string[] } = {}): Probe<PackageState> {
  const list = names.map(quote).join(' ');
  const aptList = (options.aptNames ?? names).map(quote).join(' ');
  const command = [
    `m=${quote(manager)}`,
    'if [ "$m" = auto ]; then m=none; for c in dnf yum apt-get; do if command -v $c >/dev/null 2>&1; then m=$c; break; fi; done',
    'else c=$m; [ "$c" = apt ] && c=apt-get; command -v $c >/dev/null 2>&1 || { echo "missing=$c"; m=none; }; fi',
    '[ "$m" = apt-get ] && m=apt',
    'echo "manager=$m"',
    'case $m in',
    'dnf|yum)',
    `  q=$(rpm -q --qf '${RPM_QF}' -- ${list} 2>&1)`,
    // The parser keeps only the "rpm<TAB>" lines: no grep needed on the host.
    '  printf "%s\\n" "$q"',
    options.checkUpdates
      ? '  i=$(printf "%s\\n" "$q" | grep "^rpm	" | cut -f2 | sort -u)\n' +
        '  if [ -n "$i" ]; then echo ---check-update---; $m -q check-update $i 2>&1; echo "check-update-rc=$?"; fi ;;'
      : '  ;;',
    'apt)',
    `  dpkg-query -W -f='${DPKG_F}' -- ${list} 2>/dev/null`,
    options.checkUpdates ? `  echo ---simulate---; apt-get -s -q install -- ${aptList} 2>&1; echo "simulate-rc=$?" ;;` : '  ;;',
    'esac',
    'true',
  ].join('\n');
  // Installed packages are this host's own state; available updates depend on repositories (not local).
  return { command, parse: parsePackageProbe, local: !options.checkUpdates };
}

/** Pure parser of the probe's output. */
export function parsePackageProbe(result: ExecResult): PackageState {
  const [head, check] = splitOnce(result.stdout, /^---(?:check-update|simulate)---$/m);
  const state: PackageState = { manager: 'none', installed: {} };
  for (const line of head.split('\n')) {
    if (line.startsWith('manager=')) state.manager = line.slice(8) as PackageState['manager'];
    else if (line.startsWith('missing=')) state.missingManager = line.slice(8);
    else if (line.startsWith('rpm\t')) add(state, parseRpmLine(line));
    else if (line.startsWith('dpkg\t')) {
      const p = parseDpkgLine(line);
      if (p) add(state, p);
    }
  }
  if (!['dnf', 'yum', 'apt', 'none'].includes(state.manager)) throw new Error(`package probe: unexpected output: ${result.stdout.slice(0, 200)}`);
  if (check !== undefined) {
    const parsed = state.manager === 'apt' ? parseAptSimulate(check) : parseCheckUpdate(check);
    state.updates = parsed.updates;
    if (parsed.error !== undefined) state.updateError = parsed.error;
  }
  return state;
}

function splitOnce(text: string, re: RegExp): [string, string | undefined] {
  const m = re.exec(text);
  if (!m) return [text, undefined];
  return [text.slice(0, m.index), text.slice(m.index + m[0].length + 1)];
}

function add(state: PackageState, p: InstalledPackage): void {
  const list = (state.installed[p.name] ??= []);
  // One package can answer two queried names (`etcd` and `etcd-3.4.23`): keep it once.
  if (!list.some((q) => JSON.stringify(q) === JSON.stringify(p))) list.push(p);
}

/** Parse one `rpm\tNAME\tEPOCH\tVERSION\tRELEASE\tARCH` line. */
export function parseRpmLine(line: string): InstalledPackage {
  const [, name, epoch, version, release, arch] = line.split('\t');
  return { name, ...(epoch && epoch !== '(none)' ? { epoch } : {}), version, release, arch };
}

/** Parse one `dpkg\tPACKAGE\tVERSION\tSTATUS` line; undefined unless the package is really installed. */
export function parseDpkgLine(line: string): InstalledPackage | undefined {
  const [, name, full, status] = line.split('\t');
  // config-files (removed, config left), not-installed, half-installed ... are not "installed".
  if (status !== 'installed' || !full) return undefined;
  const m = /^(\d+):(.*)$/.exec(full);
  return m ? { name, epoch: m[1], version: m[2] } : { name, version: full };
}

/**
 * Parse `yum/dnf -q check-update NAMES` output followed by `check-update-rc=N`: exit 100 lists updates
 * as `name.arch  version-release  repo`, exit 0 means none, anything else is the manager's error.
 */
export function parseCheckUpdate(text: string): { updates: Record<string, string>; error?: string } {
  const rc = Number(/^check-update-rc=(\d+)$/m.exec(text)?.[1] ?? NaN);
  const body = text.replace(/^check-update-rc=\d+\n?/m, '');
  const updates: Record<string, string> = {};
  if (rc === 0) return { updates };
  if (rc !== 100) return { updates, error: body.trim() || `check-update exited ${Number.isNaN(rc) ? '?' : rc}` };
  for (const line of body.split('\n')) {
    if (/^Obsoleting Packages/i.test(line)) break;
    const m = /^(\S+)\.([^.\s]+)\s+(\S+)\s+(\S+)\s*$/.exec(line);
    if (m) updates[m[1]] = m[3];
  }
  return { updates };
}

/**
 * Parse `apt-get -s install NAMES` output followed by `simulate-rc=N`. `Inst name [old] (new ...)` lines
 * are upgrades (or new installs); a non-zero exit is apt's error (`E: Unable to locate package x`).
 */
export function parseAptSimulate(text: string): { updates: Record<string, string>; error?: string } {
  const rc = Number(/^simulate-rc=(\d+)$/m.exec(text)?.[1] ?? NaN);
  const body = text.replace(/^simulate-rc=\d+\n?/m, '');
  const updates: Record<string, string> = {};
  if (rc !== 0) {
    const errors = body.split('\n').filter((l) => /^E: /.test(l));
    return { updates, error: (errors.length ? errors.join('\n') : body.trim()) || `apt-get exited ${Number.isNaN(rc) ? '?' : rc}` };
  }
  for (const line of body.split('\n')) {
    const m = /^Inst (\S+) (?:\[[^\]]*\] )?\((\S+)/.exec(line);
    if (m) updates[m[1].replace(/:[a-z0-9]+$/, '')] = m[2];
  }
  return { updates };
}
