/**
 * Package specs as playbooks write them, and how an installed version answers a version pin.
 *
 * Version pins:
 * - rpm managers (yum, dnf): yum's own syntax `name-version` or `name-version-release`
 *   (`etcd-3.3.11`, `etcd-3.3.11-2.el7.centos`, with an optional epoch `docker-2:1.13.1`). The part after the
 *   last `-` that starts with a digit is the version, so `java-1.8.0-openjdk` stays a plain name.
 * - apt: apt's own syntax `name=version` (`hw-hello=1.0-1`), matched exactly as apt does.
 * - `name=version` is also accepted for rpm managers (handy with `manager: 'auto'`) and passed on as
 *   `name-version`.
 *
 * rpm family only: arch-qualified names (`glibc.i686`, `etcd-3.3.11-2.el7.centos.x86_64`), file paths
 * (`/usr/bin/curl`) and globs (`kernel-devel-*`), matched as yum matches them (see {@link globMatches}).
 */
import { fnmatchRegExp } from '../core/fnmatch.ts';

/** The package family a manager works on. */
export type PackageFamily = 'rpm' | 'deb';

/** One requested package: its name and an optional version pin. */
export interface PackageSpec {
  /** The spec as written in the playbook. */
  spec: string;
  /** The package name (what `rpm -q` / `dpkg-query` know it by). */
  name: string;
  /** The pinned version as written (`3.4.23`, `3.4.23-1.el7`, `1:2.0-3`), if any. */
  version?: string;
}

/** One installed package as rpm or dpkg reports it. */
export interface InstalledPackage {
  name: string;
  /** Epoch, when the package has one (rpm `%{EPOCH}` other than `(none)`; dpkg's `N:` prefix). */
  epoch?: string;
  /** Upstream version (rpm `%{VERSION}`); for dpkg the whole version string without epoch. */
  version: string;
  /** rpm `%{RELEASE}`; unset for dpkg. */
  release?: string;
  arch?: string;
}

// name-version[-release]: version and release start with a digit; an epoch may lead the version.
const RPM_PIN = /^(.+?)-((?:\d+:)?\d[^-]*?)(?:-(\d[^-]*))?$/;

/** Parse a package spec for a package family. Pure. */
export function parsePackageSpec(spec: string, family: PackageFamily): PackageSpec {
  // A glob or a path is matched as a whole (kernel-devel-3* is a pattern, not a pin).
  if (isGlob(spec) || spec.startsWith('/')) return { spec, name: spec };
  const eq = spec.indexOf('=');
  if (eq > 0) return { spec, name: spec.slice(0, eq), version: spec.slice(eq + 1) };
  if (family === 'rpm') {
    const m = RPM_PIN.exec(spec);
    if (m) return { spec, name: m[1], version: m[3] === undefined ? m[2] : `${m[2]}-${m[3]}` };
  }
  return { spec, name: spec };
}

/** The argument a manager's install command gets for a spec: `etcd-3.3.11` for yum, `pkg=1.2` for apt. */
export function managerArgument(spec: PackageSpec, family: PackageFamily): string {
  if (spec.version === undefined) return spec.name;
  return family === 'rpm' ? `${spec.name}-${spec.version}` : `${spec.name}=${spec.version}`;
}

/** An installed version as people read it: `3.4.23-1.el7`, `2:1.13.1-53.el7`, `1.0-1`. */
export function formatVersion(p: InstalledPackage): string {
  const epoch = p.epoch && p.epoch !== '0' ? `${p.epoch}:` : '';
  return `${epoch}${p.version}${p.release === undefined ? '' : `-${p.release}`}`;
}

/**
 * Whether an installed package satisfies a pin. rpm: the pin is a version (`3.4.23`), version-release
 * (`3.4.23-1.el7`), either with an optional epoch. dpkg: the pin equals the full version, as apt wants it.
 */
export function versionMatches(p: InstalledPackage, pin: string, family: PackageFamily): boolean {
  if (family === 'deb') return pin === formatVersion(p) || (p.epoch === undefined && pin === `0:${p.version}`);
  const colon = pin.indexOf(':');
  const epoch = colon > 0 ? pin.slice(0, colon) : undefined;
  const rest = colon > 0 ? pin.slice(colon + 1) : pin;
  if (epoch !== undefined && epoch !== (p.epoch ?? '0')) return false;
  return rest === p.version || rest === `${p.version}-${p.release}`;
}

/** Whether a spec is a glob (`kernel-devel-*`, `hw-glob-?`, `lib[ab]*`), as yum and dnf read `*?[`. */
export function isGlob(spec: string): boolean {
  return /[*?[]/.test(spec);
}

/**
 * Whether an installed rpm package matches a glob the way yum and dnf match one: against its name,
 * `name.arch`, `name-version`, `name-version-release`, `name-version-release.arch` and the epoch forms.
 */
export function globMatches(glob: string, p: InstalledPackage): boolean {
  const re = fnmatchRegExp(glob);
  const e = p.epoch ?? '0';
  const forms = [
    p.name,
    `${p.name}.${p.arch}`,
    `${p.name}-${p.version}`,
    `${p.name}-${p.version}-${p.release}`,
    `${p.name}-${p.version}-${p.release}.${p.arch}`,
    `${p.name}-${e}:${p.version}-${p.release}.${p.arch}`,
    `${e}:${p.name}-${p.version}-${p.release}.${p.arch}`,
  ];
  return forms.some((f) => re.test(f));
}

/** The package as the manager names one installed package: `name-[epoch:]version-release.arch`. */
export function nevra(p: InstalledPackage): string {
  return `${p.name}-${formatVersion(p)}${p.arch ? `.${p.arch}` : ''}`;
}
