/**
 * `package`: packages present, absent or at the latest version, with yum/dnf (decided from `rpm -q`) or
 * apt (decided from `dpkg-query`); the manager detected on the host or chosen; all names in one
 * transaction. Idempotent: a package already in the wanted state is left alone. After an apply the
 * probe runs again, so a manager that exits 0 without installing still fails the task.
 *
 * Version pins: `etcd-3.4.23` / `etcd-3.4.23-1.el7` for yum and dnf, `hw-hello=1.0-1` for apt
 * (see {@link parsePackageSpec}). `state: 'latest'` costs one more command inside the probe: the
 * manager's update check (`yum -q check-update`, `apt-get -s install`), which loads repository metadata.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TaskFailedError, tail } from '../errors.ts';
import { defineTaskType } from '../play/define.ts';
import { packageProbe, type PackageState } from '../probes/package-query.ts';
import { formatVersion, managerArgument, parsePackageSpec, versionMatches, type PackageFamily, type PackageSpec } from '../probes/package-spec.ts';
import { shellJoin } from '../transport/quote.ts';
import type { Diff, HostHandle, Plan, TaskContext, TaskType } from './contract.ts';
import { Args } from './schema-types.ts';

// A package name, optionally with a version pin; never an option (no leading '-') nor shell text.
const PackageName = Type.String({ pattern: '^[A-Za-z0-9_+][A-Za-z0-9_+.:~=@-]*$', description: "a package name such as 'etcd', 'etcd-3.4.23' (rpm) or 'hw-hello=1.0-1' (apt)" });

/** Arguments of the `package` task. */
export const PackageArgsSchema = Args({
  /** One package or several (installed in one transaction). Version pins: `etcd-3.4.23` (rpm), `pkg=1.2` (apt). */
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
  /** Installed names to bring to the latest version. */
  update: string[];
  /** Names to remove. */
  remove: string[];
}

const namesOf = (args: PackageArgs): string[] => (Array.isArray(args.name) ? args.name : [args.name]);
const familyOf = (manager: PackageState['manager']): PackageFamily => (manager === 'apt' ? 'deb' : 'rpm');
const label = (args: PackageArgs) => namesOf(args).join(', ');

/** Record what is installed after an apply, for later task types (`package:installed:NAME` → version). */
function remember(memory: Map<string, unknown>, state: PackageState, specs: PackageSpec[]): void {
  for (const s of specs) {
    const found = state.installed[s.name];
    if (found?.length) memory.set(`package:installed:${s.name}`, formatVersion(found[0]));
    else memory.delete(`package:installed:${s.name}`);
  }
}

/**
 * The names to ask the package database about. Before the probe the family is unknown, and a name such
 * as `gcc-12` is a plain Debian name but an rpm pin (`gcc`, version 12): ask about every reading.
 */
function queryNames(args: PackageArgs, manager: PackageArgs['manager']): string[] {
  const names = new Set<string>();
  for (const n of namesOf(args)) {
    names.add(parsePackageSpec(n, 'deb').name);
    if (manager !== 'apt') {
      names.add(n);
      names.add(parsePackageSpec(n, 'rpm').name);
    }
  }
  return [...names];
}

/** Read a spec for a family; an rpm "pin" whose whole text is an installed package's name is that name. */
function specFor(text: string, family: PackageFamily, state: PackageState): PackageSpec {
  const spec = parsePackageSpec(text, family);
  if (family === 'rpm' && spec.version !== undefined && !text.includes('=') && state.installed[text]) return { spec: text, name: text };
  return spec;
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
    const state = args.state ?? 'present';
    // With 'auto' an rpm-style pin is only known to be one after the probe (see planPackage).
    const pinned = names.filter((n) => n.includes('=') || ((args.manager === 'yum' || args.manager === 'dnf') && parsePackageSpec(n, 'rpm').version !== undefined));
    if (state !== 'present' && pinned.length) return `state "${state}" takes names without versions (got ${pinned.join(', ')}); pin versions with state "present"`;
    if (args.manager === 'apt' && names.some((n) => n.endsWith('='))) return 'an apt pin needs a version after "="';
    return undefined;
  },
  probe(args) {
    const aptNames = namesOf(args).map((n) => parsePackageSpec(n, 'deb').name);
    return packageProbe(queryNames(args, args.manager), args.manager ?? 'auto', { checkUpdates: args.state === 'latest', aptNames });
  },
  plan(args, state, ctx) {
    const plan = planPackage(args, state, ctx);
    if (ctx.check && plan.status === 'change') {
      for (const s of plan.data?.install ?? []) ctx.memory.set(`package:predicted:${parsePackageSpec(s, familyOf(state.manager)).name}`, true);
    }
    return plan;
  },
  async apply(args, plan, host, ctx) {
    const data = plan.data!;
    const family = familyOf(data.manager);
    const outputs: { stdout: string; stderr: string; rc: number } = { stdout: '', stderr: '', rc: 0 };
    for (const command of applyCommands(data)) {
      // LANG=C: managerMessage() picks the manager's English error lines.
      const r = await host.exec(`export LANG=C LC_ALL=C; ${command}`);
      outputs.stdout += r.stdout;
      outputs.stderr += r.stderr;
      outputs.rc = r.code;
      if (r.code !== 0) {
        throw new TaskFailedError(`${host.name}: package ${label(args)}: ${data.manager} failed (exit ${r.code}): ${managerMessage(r.stdout, r.stderr)}`, { host: host.name, command, code: r.code, stderr: r.stderr });
      }
    }
    // Verify from the package database: a manager that exits 0 without doing the work must fail.
    const after = await probeAgain(args, data.manager, host);
    remember(ctx.memory, after, namesOf(args).map((n) => specFor(n, family, after)));
    const verdict = planPackage({ ...args, manager: data.manager, state: args.state === 'absent' ? 'absent' : 'present' }, after, { check: false, earlierChangePredicted: false });
    // An update is verified by the version having moved away from the one the plan saw.
    const stale = data.update.filter((n) => plan.diff?.some((d) => d.kind === 'state' && d.key === n && (after.installed[n] ?? []).map(formatVersion).join(', ') === d.before));
    if (verdict.status !== 'ok' || stale.length) {
      const why = verdict.status === 'change' ? verdict.summary : verdict.status === 'ok' ? `update ${stale.join(', ')}` : verdict.reason;
      throw new TaskFailedError(`${host.name}: package ${label(args)}: ${data.manager} exited 0 but the packages are not as wanted (still to do: ${why}); manager output: ${tail(outputs.stdout, 3) || '(none)'}`, { host: host.name, code: 0, stderr: outputs.stderr });
    }
    return outputs;
  },
};

async function probeAgain(args: PackageArgs, manager: PackagePlanData['manager'], host: HostHandle): Promise<PackageState> {
  const probe = packageProbe(queryNames(args, manager), manager);
  return probe.parse(await host.exec(`export LANG=C LC_ALL=C\n${probe.command}`));
}

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
  const err = tail(stderr.split('\n').filter((l) => !/^(WARNING: apt does not have a stable CLI|\s*$)/.test(l)).join('\n'));
  return [...notes, err].filter(Boolean).join('\n') || tail(stdout) || '(no output)';
}

/** Pure plan of the `package` task (exported for fixture tests). */
export function planPackage(args: PackageArgs, state: PackageState, ctx: Pick<TaskContext, 'check' | 'earlierChangePredicted'>): Plan<PackagePlanData> {
  if (state.manager === 'none') {
    if (state.missingManager) return { status: 'failed', reason: `${state.missingManager} is not installed on this host; choose another manager or 'auto'` };
    return { status: 'failed', reason: 'no supported package manager on this host (looked for dnf, yum, apt-get)' };
  }
  const family = familyOf(state.manager);
  const want = args.state ?? 'present';
  const specs = namesOf(args).map((n) => specFor(n, family, state));
  const pinned = specs.filter((s) => s.version !== undefined);
  if (want !== 'present' && pinned.length) return { status: 'failed', reason: `state "${want}" takes names without versions (got ${pinned.map((s) => s.spec).join(', ')}); pin versions with state "present"` };
  if (want === 'latest' && state.updateError !== undefined) {
    if (ctx.check && ctx.earlierChangePredicted) return { status: 'may-change', reason: `cannot check for updates yet (an earlier task may change the repositories): ${firstLine(state.updateError)}` };
    return { status: 'failed', reason: `${state.manager} could not check for updates: ${tail(state.updateError, 3)}` };
  }
  const data: PackagePlanData = { manager: state.manager, install: [], update: [], remove: [] };
  const diff: Diff[] = [];
  const okParts: string[] = [];
  for (const spec of specs) {
    const found = state.installed[spec.name] ?? [];
    const current = found.length ? [...new Set(found.map(formatVersion))].join(', ') : 'absent';
    if (want === 'absent') {
      if (!found.length) okParts.push(spec.name);
      else {
        data.remove.push(spec.name);
        diff.push({ kind: 'state', key: spec.name, before: current, after: 'absent' });
      }
      continue;
    }
    if (!found.length) {
      data.install.push(managerArgument(spec, family));
      const after = spec.version ?? state.updates?.[spec.name] ?? (want === 'latest' ? 'latest' : 'present');
      diff.push({ kind: 'state', key: spec.name, before: 'absent', after });
      continue;
    }
    if (spec.version !== undefined && !found.some((p) => versionMatches(p, spec.version!, family))) {
      data.install.push(managerArgument(spec, family));
      diff.push({ kind: 'state', key: spec.name, before: current, after: spec.version });
      continue;
    }
    const newer = want === 'latest' ? state.updates?.[spec.name] : undefined;
    if (newer !== undefined) {
      data.update.push(spec.name);
      diff.push({ kind: 'state', key: spec.name, before: current, after: newer });
      continue;
    }
    okParts.push(`${spec.name} ${current}`);
  }
  if (!diff.length) {
    const verb = want === 'absent' ? (okParts.length > 1 ? 'are absent' : 'is absent') : okParts.length > 1 ? 'are installed' : 'is installed';
    return { status: 'ok', reason: `${okParts.join(', ')} ${verb}${want === 'latest' ? ' (no update available)' : ''}` };
  }
  const summary = [
    data.install.length ? `install ${data.install.join(', ')}` : '',
    data.update.length ? `update ${data.update.join(', ')}` : '',
    data.remove.length ? `remove ${data.remove.join(', ')}` : '',
  ].filter(Boolean).join('; ');
  return { status: 'change', summary: `${summary} (${state.manager})`, diff, data };
}

const firstLine = (text: string) => text.trim().split('\n')[0];

/**
 * `pkg({ name: ['etcd', 'flannel'] })`: packages present (default), absent or latest. Named `pkg`
 * because `package` is a reserved word.
 */
export const pkg = defineTaskType(packageType);
