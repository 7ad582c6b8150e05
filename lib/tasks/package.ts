/**
 * `package`: packages present, absent or at the latest version, with yum/dnf (decided from rpm) or apt
 * (decided from dpkg-query); the manager detected on the host or chosen; all names in one transaction.
 * Idempotent: a package already in the wanted state is left alone. After an apply the probe runs again,
 * so a manager that exits 0 without doing what was asked still fails the task.
 *
 * A name counts as installed as the manager counts it: an installed package of that name, or one that
 * provides it (a virtual provide, the provide an obsoleting package carries, a file path such as
 * `/usr/bin/curl`; apt: a virtual package). `absent` removes the packages that answer the name; the plan
 * names them (`python-rhsm-certificates: provided by subscription-manager-rhsm-certificates-1.24.51-1.el7.centos`).
 * rpm names may be versioned (`etcd-3.3.11`, `etcd-3.3.11-2.el7.centos`), arch-qualified (`glibc.i686`)
 * or globs (`kernel-devel-*`: ok when an installed package matches); `hw-hello=1.0-1` pins for apt (see
 * {@link parsePackageSpec}). Package groups (`@core`) are refused. `state: 'latest'` costs one more command
 * inside the probe: the manager's update check (`yum -q check-update`, `apt-get -s install`), which loads
 * repository metadata; an installed package that a repository package obsoletes is replaced.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TaskFailedError, tail } from '../core/errors.ts';
import { defineTaskType } from '../core/define-task-type.ts';
import { packageProbe, type PackageQueryResult, type PackageState } from '../probes/package-query.ts';
import {
  formatVersion,
  isGlob,
  managerArgument,
  nevra,
  parsePackageSpec,
  versionMatches,
  type InstalledPackage,
  type PackageFamily,
  type PackageSpec,
} from '../probes/package-spec.ts';
import { shellJoin } from '../transport/quote.ts';
import type { ApplyStep } from '../core/apply-steps.ts';
import type { Diff, Plan, TaskContext, TaskType } from '../core/task-contract.ts';
import type { HostMemory } from '../core/run-memory.ts';
import { packagePreview } from './package-preview.ts';
import { Args } from './schema-types.ts';

// A package name, optionally with a version pin, an arch, a path or a glob; never an option (no leading
// '-'); always quoted into commands. A leading '@' (a group) passes here and is refused by check().
const PackageName = Type.String({
  pattern: '^[A-Za-z0-9_+/@*?[][A-Za-z0-9_+.:~=@/*?\\[\\]-]*$',
  description: "a package name such as 'etcd', 'etcd-3.3.11' or 'glibc.i686' (rpm), '/usr/bin/curl', 'kernel-devel-*' or 'hw-hello=1.0-1' (apt)",
});

/** Arguments of the `package` task. */
export const PackageArgsSchema = Args({
  /** One name or several (one transaction): `etcd`, `etcd-3.3.11`, `glibc.i686`, `/usr/bin/curl`, `kernel-devel-*` (rpm), `pkg=1.2` (apt). */
  name: Type.Union([PackageName, Type.Array(PackageName, { minItems: 1 })]),
  /** `present` (default), `absent` or `latest`. */
  state: Type.Optional(Type.Union([Type.Literal('present'), Type.Literal('absent'), Type.Literal('latest')])),
  /** `auto` (default: dnf, then yum, then apt-get, whichever the host has), `yum`, `dnf` or `apt`. */
  manager: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('yum'), Type.Literal('dnf'), Type.Literal('apt')])),
});

/** Arguments of the `package` task. */
export type PackageArgs = Static<typeof PackageArgsSchema>;

/** What apply needs: the manager and the arguments of each transaction. */
export interface PackagePlanData {
  manager: 'dnf' | 'yum' | 'apt';
  /** Manager arguments to install (pins in the manager's syntax). */
  install: string[];
  /** Installed packages (their own names) to bring to the latest version. */
  update: string[];
  /** Installed packages to remove: a name as asked, else the exact packages that answer it (`name-version-release.arch`). */
  remove: string[];
  /** For `update`: each package's versions before, so that the apply can see them move. */
  updateFrom?: Record<string, string>;
}

const namesOf = (args: PackageArgs): string[] => (Array.isArray(args.name) ? args.name : [args.name]);
const familyOf = (manager: PackageState['manager']): PackageFamily => (manager === 'apt' ? 'deb' : 'rpm');
const label = (args: PackageArgs) => namesOf(args).join(', ');

declare module '../core/run-memory.ts' {
  interface HostMemory {
    /** Packages an apply of this run installed (name → version) or found gone (no entry). */
    installedPackages?: Map<string, string>;
    /** Check mode: packages an earlier task of this run was predicted to install. */
    predictedPackages?: Set<string>;
  }
}

/** Record what is installed after an apply, for later task types (name → version). */
function remember(memory: HostMemory, state: PackageState, texts: string[]): void {
  const family = familyOf(state.manager);
  for (const text of texts) {
    const spec = specFor(text, family, state);
    const found = answer(text, spec, family, state).packages;
    if (found.length) (memory.installedPackages ??= new Map()).set(spec.name, formatVersion(found[0]));
    else memory.installedPackages?.delete(spec.name);
  }
}

/** The text rpm is asked about for a spec: as written, except `name=version` which becomes `name-version`. */
const rpmText = (text: string): string => (text.includes('=') ? managerArgument(parsePackageSpec(text, 'rpm'), 'rpm') : text);

/**
 * The names to ask the package database about. Before the probe the family is unknown, and a name such
 * as `gcc-12` is a plain Debian name but an rpm pin (`gcc`, version 12): ask about every reading. The
 * bare name of an rpm pin is asked too, for the version the plan shows as "before".
 */
function queryNames(args: PackageArgs, manager: PackageArgs['manager']): string[] {
  const names = new Set<string>();
  for (const n of namesOf(args)) {
    if (manager === 'apt' || !isGlob(n)) names.add(parsePackageSpec(n, 'deb').name);
    if (manager !== 'apt') {
      names.add(rpmText(n));
      names.add(parsePackageSpec(n, 'rpm').name);
    }
  }
  return [...names];
}

/** Read a spec for a family; an rpm "pin" whose whole text is an installed package's name is that name. */
function specFor(text: string, family: PackageFamily, state: PackageState): PackageSpec {
  const spec = parsePackageSpec(text, family);
  if (
    family === 'rpm' &&
    spec.version !== undefined &&
    !text.includes('=') &&
    (state.installed[text] || state.queries?.[text]?.packages.some((p) => p.name === text))
  )
    return { spec: text, name: text };
  return spec;
}

/** What answers a spec on the host: packages of its name, packages providing it, packages matching a glob. */
function answer(text: string, spec: PackageSpec, family: PackageFamily, state: PackageState): PackageQueryResult {
  if (family === 'rpm') {
    const q = state.queries?.[rpmText(text)];
    if (q && q.how !== 'none') return q;
    // A pin rpm did not read as a label (an epoch: docker-2:1.13.1) is matched here.
    const pinned = spec.version === undefined ? [] : (state.installed[spec.name] ?? []).filter((p) => versionMatches(p, spec.version!, family));
    if (pinned.length) return { how: 'name', packages: pinned };
    if (spec.version === undefined && state.installed[spec.name]?.length && !q) return { how: 'name', packages: state.installed[spec.name] };
    return { how: 'none', packages: [] };
  }
  const own = state.installed[spec.name] ?? [];
  if (own.length) {
    const packages = spec.version === undefined ? own : own.filter((p) => versionMatches(p, spec.version!, family));
    return { how: packages.length ? 'name' : 'none', packages };
  }
  // apt: a virtual package counts as installed when an installed package provides it.
  if (spec.version !== undefined) return { how: 'none', packages: [] };
  const providers = (state.provides ?? []).filter((p) => p.names.includes(spec.name)).map((p) => p.package);
  return { how: providers.length ? 'provides' : 'none', packages: providers };
}

/** `name-version-release` of each package, for "provided by ..." and "matched by ...". */
const packageList = (list: InstalledPackage[]) => [...new Set(list.map((p) => `${p.name}-${formatVersion(p)}`))].join(', ');

/** The versions of the packages of one name, as the plan shows them: `3.3.11-2.el7.centos` or `absent`. */
const versionsOf = (list: InstalledPackage[]) => (list.length ? [...new Set(list.map(formatVersion))].join(', ') : 'absent');

/** How a found answer reads in a plan: `etcd 3.3.11-2.el7.centos` or `X: provided by P-1.0-1`. */
function describe(text: string, spec: PackageSpec, found: PackageQueryResult): { plain: boolean; text: string } {
  if (found.how === 'name') return { plain: true, text: `${spec.name} ${versionsOf(found.packages)}` };
  return { plain: false, text: `${text}: ${found.how === 'glob' ? 'matched' : 'provided'} by ${packageList(found.packages)}` };
}

/** The `package` task type. */
export const packageType: TaskType<typeof PackageArgsSchema, PackageState, PackagePlanData> = {
  name: 'package',
  description: 'Install, remove or upgrade packages with yum/dnf or apt (decided from rpm -q / dpkg-query).',
  schema: PackageArgsSchema,
  supportsDiff: true,
  check(args) {
    const names = namesOf(args);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) return `package "${dup}" is listed twice`;
    const group = names.find((n) => n.startsWith('@'));
    if (group)
      return `package groups are not supported (got ${group}): list the group's packages (yum groupinfo ${group.slice(1)} shows them) or install the group with a command task`;
    const state = args.state ?? 'present';
    // With 'auto' an rpm-style pin is only known to be one after the probe (see planPackage).
    const pinned = names.filter(
      (n) => n.includes('=') || ((args.manager === 'yum' || args.manager === 'dnf') && parsePackageSpec(n, 'rpm').version !== undefined),
    );
    if (state !== 'present' && pinned.length)
      return `state "${state}" takes names without versions (got ${pinned.join(', ')}); pin versions with state "present"`;
    if (args.manager === 'apt' && names.some((n) => n.endsWith('='))) return 'an apt pin needs a version after "="';
    const rpmOnly = names.filter((n) => isGlob(n) || n.startsWith('/'));
    if (args.manager === 'apt' && rpmOnly.length)
      return `apt takes package names (got ${rpmOnly.join(', ')}); globs and file paths are for yum and dnf`;
    if (rpmOnly.some((n) => n.includes('='))) return `a glob or a path takes no version (got ${rpmOnly.join(', ')})`;
    return undefined;
  },
  probe(args) {
    const aptNames = namesOf(args)
      .filter((n) => !isGlob(n) && !n.startsWith('/'))
      .map((n) => parsePackageSpec(n, 'deb').name);
    return packageProbe(queryNames(args, args.manager), args.manager ?? 'auto', { checkUpdates: args.state === 'latest', aptNames });
  },
  plan(args, state, ctx) {
    const plan = planPackage(args, state, ctx);
    if (ctx.check && plan.status === 'change') {
      for (const text of namesOf(args)) {
        const spec = specFor(text, familyOf(state.manager), state);
        if (plan.data?.install.includes(managerArgument(spec, familyOf(state.manager)))) (ctx.memory.predictedPackages ??= new Set()).add(spec.name);
      }
    }
    return plan;
  },
  preview(_args, plan, ctx) {
    // Check mode: what the packages to install (and what they pull in) will bring, for later tasks.
    const data = plan.data;
    if (!data?.install.length) return undefined;
    return packagePreview(data.install, data.manager, ctx);
  },
  steps(args, plan) {
    const data = plan.data!;
    // LANG=C: managerMessage() picks the manager's English error lines.
    const steps: ApplyStep[] = applyCommands(data).map((command, i) => ({
      id: `manager${i + 1}`,
      kind: 'exec',
      label: command,
      command: `export LANG=C LC_ALL=C; ${command}`,
    }));
    // Verify from the package database, in the manager's terms (names, provides, globs): a manager that
    // exits 0 without doing the work must fail. The probe's parser judges its exit code.
    const probe = verifyProbe(args, data.manager);
    steps.push({
      id: 'verify',
      kind: 'exec',
      label: `read the package database again (${data.manager === 'apt' ? 'dpkg-query' : 'rpm -q'})`,
      command: `export LANG=C LC_ALL=C\n${probe.command}`,
      okCodes: 'any',
    });
    return steps;
  },
  outcome(args, plan, results, ctx) {
    const data = plan.data!;
    const outputs: { stdout: string; stderr: string; rc: number } = { stdout: '', stderr: '', rc: 0 };
    for (const [i, command] of applyCommands(data).entries()) {
      const r = results.get(`manager${i + 1}`);
      if (!r) break;
      outputs.stdout += r.stdout;
      outputs.stderr += r.stderr;
      outputs.rc = r.code;
      if (r.code !== 0) {
        throw new TaskFailedError(
          `${ctx.host}: package ${label(args)}: ${data.manager} failed (exit ${r.code}): ${managerMessage(r.stdout, r.stderr)}`,
          { host: ctx.host, command, code: r.code, stderr: r.stderr },
        );
      }
    }
    const after = verifyProbe(args, data.manager).parse(results.get('verify')!);
    if (ctx.memory) remember(ctx.memory, after, namesOf(args));
    const verdict = planPackage({ ...args, manager: data.manager, state: args.state === 'absent' ? 'absent' : 'present' }, after, {
      check: false,
      earlierChangePredicted: false,
    });
    // An update is verified by the package's versions having moved (or the package replaced by its obsoleter).
    const stale = data.update.filter((n) => data.updateFrom?.[n] !== undefined && versionsOf(after.installed[n] ?? []) === data.updateFrom[n]);
    if (verdict.status !== 'ok' || stale.length) {
      const why = verdict.status === 'change' ? verdict.summary : verdict.status === 'ok' ? `update ${stale.join(', ')}` : verdict.reason;
      throw new TaskFailedError(
        `${ctx.host}: package ${label(args)}: ${data.manager} exited 0 but the packages are not as wanted (still to do: ${why}); manager output: ${tail(outputs.stdout, 3) || '(none)'}`,
        { host: ctx.host, code: 0, stderr: outputs.stderr },
      );
    }
    return outputs;
  },
};

/** The probe that reads the package database after the apply, as the plan's probe did before. */
const verifyProbe = (args: PackageArgs, manager: PackagePlanData['manager']) => packageProbe(queryNames(args, manager), manager);

/** The shell commands of an apply, in order (exported for fixture tests). */
export function applyCommands(data: PackagePlanData): string[] {
  const out: string[] = [];
  if (data.manager === 'apt') {
    const apt = 'DEBIAN_FRONTEND=noninteractive apt-get -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold';
    const install = [...data.install, ...data.update];
    if (install.length) out.push(`${apt} --allow-downgrades install ${shellJoin(install)}`);
    if (data.remove.length) out.push(`${apt} remove ${shellJoin(data.remove)}`);
    return out;
  }
  if (data.install.length) out.push(`${data.manager} -y install ${shellJoin(data.install)}`);
  if (data.update.length) out.push(`${data.manager} -y update ${shellJoin(data.update)}`);
  if (data.remove.length) out.push(`${data.manager} -y remove ${shellJoin(data.remove)}`);
  return out;
}

/** The manager's own words about a failure: stderr's tail, plus yum's "No package ... available" from stdout. */
export function managerMessage(stdout: string, stderr: string): string {
  const notes = stdout.split('\n').filter((l) => /^(No package|No match|Unable to|E: |Error)/.test(l.trim()));
  const err = tail(
    stderr
      .split('\n')
      .filter((l) => !/^(WARNING: apt does not have a stable CLI|\s*$)/.test(l))
      .join('\n'),
  );
  return [...notes, err].filter(Boolean).join('\n') || tail(stdout) || '(no output)';
}

/** Pure plan of the `package` task (exported for fixture tests). */
export function planPackage(
  args: PackageArgs,
  state: PackageState,
  ctx: Pick<TaskContext, 'check' | 'earlierChangePredicted'>,
): Plan<PackagePlanData> {
  if (state.manager === 'none') {
    if (state.missingManager)
      return { status: 'failed', reason: `${state.missingManager} is not installed on this host; choose another manager or 'auto'` };
    return { status: 'failed', reason: 'no supported package manager on this host (looked for dnf, yum, apt-get)' };
  }
  const family = familyOf(state.manager);
  const want = args.state ?? 'present';
  const texts = namesOf(args);
  if (family === 'deb') {
    const rpmOnly = texts.filter((n) => isGlob(n) || n.startsWith('/'));
    if (rpmOnly.length)
      return { status: 'failed', reason: `apt takes package names (got ${rpmOnly.join(', ')}); globs and file paths are for yum and dnf` };
  }
  const specs = texts.map((n) => specFor(n, family, state));
  const pinned = specs.filter((s) => s.version !== undefined);
  if (want !== 'present' && pinned.length)
    return {
      status: 'failed',
      reason: `state "${want}" takes names without versions (got ${pinned.map((s) => s.spec).join(', ')}); pin versions with state "present"`,
    };
  if (want === 'latest' && state.updateError !== undefined) {
    if (ctx.check && ctx.earlierChangePredicted)
      return {
        status: 'may-change',
        reason: `cannot check for updates yet (an earlier task may change the repositories): ${firstLine(state.updateError)}`,
      };
    return { status: 'failed', reason: `${state.manager} could not check for updates: ${tail(state.updateError, 3)}` };
  }
  const data: PackagePlanData = { manager: state.manager, install: [], update: [], remove: [] };
  const diff: Diff[] = [];
  const okPlain: string[] = [];
  const okOther: string[] = [];
  for (const spec of specs) {
    const found = answer(spec.spec, spec, family, state);
    const key = found.how === 'name' || found.how === 'none' ? spec.name : spec.spec;
    const current =
      found.how === 'none'
        ? versionsOf(state.installed[spec.name] ?? [])
        : found.how === 'name'
          ? versionsOf(found.packages)
          : `${found.how === 'glob' ? 'matched' : 'provided'} by ${packageList(found.packages)}`;
    if (want === 'absent') {
      if (found.how === 'none') okPlain.push(spec.spec);
      else {
        // As asked when the name is the packages' own; else exactly the packages that answer it.
        // (apt: the providers by name; apt has no name-version-arch form for remove).
        const own = found.how === 'name' && found.packages.every((p) => p.name === spec.spec);
        const args = own ? [spec.spec] : found.packages.map((p) => (family === 'deb' ? p.name : nevra(p)));
        for (const arg of args) if (!data.remove.includes(arg)) data.remove.push(arg);
        diff.push({ kind: 'state', key, before: current, after: 'absent' });
      }
      continue;
    }
    if (found.how === 'none') {
      data.install.push(managerArgument(spec, family));
      const after = spec.version ?? state.updates?.[spec.name] ?? (want === 'latest' ? 'latest' : 'present');
      diff.push({ kind: 'state', key, before: current, after });
      continue;
    }
    // latest: a newer version of a package that answers the name, or a package that obsoletes it.
    const newer =
      want === 'latest' ? found.packages.filter((p) => state.updates?.[p.name] !== undefined || state.obsoletedBy?.[p.name] !== undefined) : [];
    if (newer.length) {
      for (const p of newer) {
        if (data.update.includes(p.name)) continue;
        data.update.push(p.name);
        (data.updateFrom ??= {})[p.name] = versionsOf(state.installed[p.name] ?? [p]);
      }
      const after = [...new Set(newer.map((p) => state.updates?.[p.name] ?? state.obsoletedBy![p.name]))].join(', ');
      diff.push({ kind: 'state', key, before: current, after });
      continue;
    }
    const d = describe(spec.spec, spec, found);
    (d.plain ? okPlain : okOther).push(d.text);
  }
  if (!diff.length) {
    const verb = want === 'absent' ? (okPlain.length > 1 ? 'are absent' : 'is absent') : okPlain.length > 1 ? 'are installed' : 'is installed';
    const parts = [...(okPlain.length ? [`${okPlain.join(', ')} ${verb}`] : []), ...okOther];
    return { status: 'ok', reason: `${parts.join('; ')}${want === 'latest' ? ' (no update available)' : ''}` };
  }
  const summary = [
    data.install.length ? `install ${data.install.join(', ')}` : '',
    data.update.length ? `update ${data.update.join(', ')}` : '',
    data.remove.length ? `remove ${data.remove.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  return { status: 'change', summary: `${summary} (${state.manager})`, diff, data };
}

const firstLine = (text: string) => text.trim().split('\n')[0];

/**
 * `pkg({ name: ['etcd', 'flannel'] })`: packages present (default), absent or latest. Named `pkg`
 * because `package` is a reserved word.
 */
export const pkg = defineTaskType(packageType);
