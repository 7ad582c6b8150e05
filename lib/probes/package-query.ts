/**
 * Package probe: detects the manager (when asked to), then reads what is installed from the package
 * database itself (`rpm`, `dpkg-query`), never from a manager's wording. A name counts as installed the
 * way yum, dnf and apt count it: a package of that name (rpm also reads versioned and arch-qualified
 * names such as `etcd-3.3.11` or `glibc.i686`), else an installed package that provides it (virtual
 * provides, the provides an obsoleting package carries, file paths such as `/usr/bin/curl`). Globs are
 * matched against every installed package. With `checkUpdates` (state `latest`) it also asks the manager
 * whether newer versions exist: `yum/dnf -q check-update` (exit 100 = updates, obsoletes listed apart)
 * or `apt-get -s install` (a simulation). All of it is one shell script, one round trip.
 */
import { quote } from '../transport/quote.ts';
import type { Probe } from '../core/task-contract.ts';
import type { ExecResult } from '../core/transport-types.ts';
import { packageMerge } from './package-merge.ts';
import { globMatches, isGlob, type InstalledPackage } from './package-spec.ts';

/** A manager as the task names it; `auto` detects dnf, then yum, then apt-get on the host. */
export type PackageManagerChoice = 'auto' | 'dnf' | 'yum' | 'apt';

/** How the package database answered one queried name (rpm family). */
export interface PackageQueryResult {
  /**
   * `name`: packages of that name (`rpm -q`, which also reads `name-version`, `name.arch`);
   * `provides`: packages that provide it (`rpm -q --whatprovides`: virtual provides, files);
   * `glob`: packages matching the pattern; `none`: nothing installed answers it.
   */
  how: 'name' | 'provides' | 'glob' | 'none';
  packages: InstalledPackage[];
}

/** What the probe found. */
export interface PackageState {
  /** The manager in use; `none` when `auto` found none, or when the chosen one is not on the host. */
  manager: 'dnf' | 'yum' | 'apt' | 'none';
  /** Set when the manager was chosen explicitly and its command is missing on the host. */
  missingManager?: string;
  /** Installed packages by name (several entries for multi-arch or install-only packages). */
  installed: Record<string, InstalledPackage[]>;
  /** rpm family: the answer for each queried text (a name, a pin, a path, a glob). */
  queries?: Record<string, PackageQueryResult>;
  /** apt: installed packages that provide virtual packages, with the names they provide. */
  provides?: { package: InstalledPackage; names: string[] }[];
  /** With `checkUpdates`: installed package name → newer version the manager would install. */
  updates?: Record<string, string>;
  /** With `checkUpdates` (rpm): installed package name → the package that obsoletes it (`name version`). */
  obsoletedBy?: Record<string, string>;
  /** With `checkUpdates`: the manager's own message when the update check itself failed. */
  updateError?: string;
}

const RPM_QF = 'rpm\\t%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n';
const DPKG_F = 'dpkg\\t${Package}\\t${Version}\\t${db:Status-Status}\\n';
const DPKG_PROVIDES_F = 'prov\\t${Package}\\t${Version}\\t${db:Status-Status}\\t${Provides}\\n';

/**
 * Build the probe for some names. `names` are the texts to ask rpm about (names, pins, paths, globs) and
 * the names to ask dpkg about; `aptNames` (default `names`) are asked of dpkg and of apt's update check.
 * `checkUpdates` adds the manager's update check (a metadata load: ~0.3–1 s with dnf) for the installed
 * packages that answer `names` with yum/dnf, for `aptNames` with apt.
 */
export function packageProbe(
  names: readonly string[],
  manager: PackageManagerChoice,
  options: { checkUpdates?: boolean; aptNames?: readonly string[] } = {},
): Probe<PackageState> {
  const plain = names.filter((n) => !isGlob(n));
  const globs = names.filter(isGlob);
  const aptNames = (options.aptNames ?? names).filter((n) => !isGlob(n) && !n.startsWith('/'));
  const aptList = aptNames.map(quote).join(' ');
  const command = [
    `m=${quote(manager)}`,
    'if [ "$m" = auto ]; then m=none; for c in dnf yum apt-get; do if command -v $c >/dev/null 2>&1; then m=$c; break; fi; done',
    'else c=$m; [ "$c" = apt ] && c=apt-get; command -v $c >/dev/null 2>&1 || { echo "missing=$c"; m=none; }; fi',
    '[ "$m" = apt-get ] && m=apt',
    'echo "manager=$m"',
    'case $m in',
    'dnf|yum)',
    // set -f: globs are passed on as patterns, never expanded against the working directory.
    `  set -f; f='${RPM_QF}'; i=`,
    // One rpm call per name keeps every answer next to its question; rpm -q first (names, pins,
    // name.arch), then --whatprovides (virtual provides, obsoleting packages' provides, file paths).
    `  for n in ${plain.map(quote).join(' ')}; do`,
    '    if o=$(rpm -q --qf "$f" -- "$n" 2>/dev/null); then h=name',
    '    elif o=$(rpm -q --whatprovides --qf "$f" -- "$n" 2>/dev/null); then h=provides',
    '    else h=none; o=; fi',
    '    printf "query\\t%s\\t%s\\n" "$h" "$n"; [ -n "$o" ] && printf "%s\\n" "$o"',
    // The installed names only feed the update check: two processes per name saved without it.
    ...(options.checkUpdates ? ['    i="$i $(printf "%s\\n" "$o" | cut -f2)"'] : []),
    '  done',
    ...(globs.length
      ? [
          `  for n in ${globs.map(quote).join(' ')}; do printf "query\\tglob\\t%s\\n" "$n"; done`,
          '  echo ---installed---',
          '  rpm -qa --qf "$f"',
          '  echo ---end-installed---',
        ]
      : []),
    options.checkUpdates
      ? // Globs go to check-update as patterns (the manager matches them as it does for install).
        `  i=$(printf "%s\\n" $i ${globs.map(quote).join(' ')} | sort -u)\n` +
        '  if [ -n "$i" ]; then echo ---check-update---; $m -q check-update $i 2>&1; echo "check-update-rc=$?"; fi ;;'
      : '  ;;',
    'apt)',
    aptList ? `  dpkg-query -W -f='${DPKG_F}' -- ${aptList} 2>/dev/null` : '  :',
    // Virtual packages: installed packages that provide something (a few dozen lines on a minimal host).
    `  dpkg-query -W -f='${DPKG_PROVIDES_F}' 2>/dev/null | grep -v '\t$'`,
    options.checkUpdates && aptList ? `  echo ---simulate---; apt-get -s -q install -- ${aptList} 2>&1; echo "simulate-rc=$?" ;;` : '  ;;',
    'esac',
    'true',
  ].join('\n');
  // Installed packages are this host's own state; available updates depend on repositories (not local).
  // Probes that only read the database merge: one `rpm -q` for every name of a batch (package-merge.ts).
  const merge = !options.checkUpdates && !globs.length && plain.length ? packageMerge(manager, plain, command, RPM_QF) : undefined;
  return { command, parse: parsePackageProbe, local: !options.checkUpdates, ...(merge ? { merge } : {}) };
}

/** Pure parser of the probe's output. */
export function parsePackageProbe(result: ExecResult): PackageState {
  const [head, check] = splitOnce(result.stdout, /^---(?:check-update|simulate)---$/m);
  const state: PackageState = { manager: 'none', installed: {} };
  let query: PackageQueryResult | undefined;
  // The `rpm -qa` list printed for globs, between ---installed--- and ---end-installed---.
  let inList = false;
  let listed: InstalledPackage[] | undefined;
  for (const line of head.split('\n')) {
    if (line.startsWith('manager=')) state.manager = line.slice(8) as PackageState['manager'];
    else if (line.startsWith('missing=')) state.missingManager = line.slice(8);
    else if (line.startsWith('query\t')) {
      const [, how, text] = line.split('\t');
      if (!['name', 'provides', 'glob', 'none'].includes(how) || text === undefined) throw new Error(`package probe: unexpected line: ${line}`);
      query = { how: how as PackageQueryResult['how'], packages: [] };
      (state.queries ??= {})[text] = query;
    } else if (line === '---installed---') {
      query = undefined;
      inList = true;
      listed = [];
    } else if (line === '---end-installed---') inList = false;
    else if (line.startsWith('rpm\t')) {
      const p = parseRpmLine(line);
      if (inList) listed!.push(p);
      else {
        add(state, p);
        if (query) addUnique(query.packages, p);
      }
    } else if (line.startsWith('dpkg\t')) {
      const p = parseDpkgLine(line);
      if (p) add(state, p);
    } else if (line.startsWith('prov\t')) {
      const [, name, full, status, provides] = line.split('\t');
      const p = parseDpkgLine(`dpkg\t${name}\t${full}\t${status}`);
      if (p && provides) (state.provides ??= []).push({ package: p, names: parseDebProvides(provides) });
    }
  }
  if (!['dnf', 'yum', 'apt', 'none'].includes(state.manager)) throw new Error(`package probe: unexpected output: ${result.stdout.slice(0, 200)}`);
  for (const [text, q] of Object.entries(state.queries ?? {})) {
    if (q.how !== 'glob') continue;
    if (!listed) throw new Error(`package probe: no list of installed packages for the glob ${text}`);
    for (const p of listed)
      if (globMatches(text, p)) {
        addUnique(q.packages, p);
        add(state, p);
      }
    if (!q.packages.length) q.how = 'none';
  }
  if (check !== undefined) {
    const parsed: { updates: Record<string, string>; obsoletedBy?: Record<string, string>; error?: string } =
      state.manager === 'apt' ? parseAptSimulate(check) : parseCheckUpdate(check);
    state.updates = parsed.updates;
    if (parsed.obsoletedBy && Object.keys(parsed.obsoletedBy).length) state.obsoletedBy = parsed.obsoletedBy;
    if (parsed.error !== undefined) state.updateError = parsed.error;
  }
  return state;
}

function splitOnce(text: string, re: RegExp): [string, string | undefined] {
  const m = re.exec(text);
  if (!m) return [text, undefined];
  return [text.slice(0, m.index), text.slice(m.index + m[0].length + 1)];
}

function addUnique(list: InstalledPackage[], p: InstalledPackage): void {
  // One package can answer two queried names (`etcd` and `etcd-3.3.11`): keep it once.
  if (!list.some((q) => JSON.stringify(q) === JSON.stringify(p))) list.push(p);
}

function add(state: PackageState, p: InstalledPackage): void {
  addUnique((state.installed[p.name] ??= []), p);
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

/** The names in a dpkg `Provides:` field: `mail-transport-agent, default-mta (= 4.96), x:any` → names. */
export function parseDebProvides(field: string): string[] {
  return field
    .split(',')
    .map((p) => p.trim().split(/[\s(]/)[0].replace(/:any$/, ''))
    .filter(Boolean);
}

/**
 * Parse `yum/dnf -q check-update NAMES` output followed by `check-update-rc=N`: exit 100 lists updates
 * as `name.arch  version-release  repo`, then (yum 3 and dnf alike) an `Obsoleting Packages` section of
 * `new.arch version repo` lines each followed by the indented installed package it replaces; exit 0
 * means none, anything else is the manager's error.
 */
export function parseCheckUpdate(text: string): { updates: Record<string, string>; obsoletedBy: Record<string, string>; error?: string } {
  const rc = Number(/^check-update-rc=(\d+)$/m.exec(text)?.[1] ?? NaN);
  const body = text.replace(/^check-update-rc=\d+\n?/m, '');
  const updates: Record<string, string> = {};
  const obsoletedBy: Record<string, string> = {};
  if (rc === 0) return { updates, obsoletedBy };
  if (rc !== 100) return { updates, obsoletedBy, error: body.trim() || `check-update exited ${Number.isNaN(rc) ? '?' : rc}` };
  let obsoleting = false;
  let by: string | undefined;
  for (const line of body.split('\n')) {
    if (/^Obsoleting Packages/i.test(line)) {
      obsoleting = true;
      continue;
    }
    const m = /^(\s*)(\S+)\.([^.\s]+)\s+(\S+)\s+(\S+)\s*$/.exec(line);
    if (!m) continue;
    if (!obsoleting) updates[m[2]] = m[4];
    else if (!m[1]) by = `${m[2]} ${m[4]}`;
    else if (by) obsoletedBy[m[2]] = by;
  }
  return { updates, obsoletedBy };
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
