/**
 * The predicted host (check mode only): what earlier predicted changes on a host will have put there —
 * files, units, users and groups that packages not yet installed will bring (from the package preview
 * probe), and files that guarded commands will create. Later tasks' plans read their probed state through
 * this overlay, so a file a package ships is diffed against the package's own copy and a unit it ships
 * is "enable + start" instead of "may change". Kept in the host's run memory; all functions are pure
 * apart from recording into that memory.
 */
import { createHash } from 'node:crypto';
import type { FileState } from '../probes/file-stat.ts';
import {
  previewKey,
  type PackagePreviewResult,
  type PresetRule,
  type PreviewCache,
  type PreviewFile,
  type PreviewPackage,
} from '../probes/package-preview.ts';
import type { UnitState } from '../probes/systemd-unit.ts';
import type { HostMemory, SharedMemory } from '../core/run-memory.ts';

/** A path as it will be after the predicted changes. `mode`/`owner`/`group` undefined: unknown. */
export interface PredictedFile {
  type: 'file' | 'directory' | 'link' | 'other' | 'absent';
  mode?: string;
  owner?: string;
  group?: string;
  size?: number;
  sha256?: string;
  content?: Buffer;
  target?: string;
  /** What brings it, for messages: `package kubernetes-master`, `command openssl ...`. */
  source: string;
  /**
   * Written by an earlier task of this check run (file, line, block): it replaces what the host has, as
   * the real run's earlier write would. Other entries only fill in paths the host does not have yet.
   */
  written?: boolean;
}

/** A unit as it will be right after its package is installed. */
export interface PredictedUnit {
  /** `enabled`, `disabled` or `static`. */
  unitFileState: string;
  /** `active` when the package's scripts start it, else `inactive`. */
  activeState: 'active' | 'inactive';
  canReload: boolean;
  source: string;
}

/** The overlay of one host. */
export interface PredictedHost {
  files: Map<string, PredictedFile>;
  units: Map<string, PredictedUnit>;
  users: Set<string>;
  groups: Set<string>;
  /** Why some predicted change could not be previewed (later tasks stay "may change" with this reason). */
  unknown: string[];
}

declare module '../core/run-memory.ts' {
  interface HostMemory {
    /** Check mode: the host as earlier predicted changes will leave it. */
    predicted?: PredictedHost;
  }
  interface SharedMemory {
    /** Check mode: package readings of this run, by {@link previewKey}. */
    packagePreviews?: PreviewCache;
  }
}

/** The host's overlay, created empty on first use (in the host's run memory). */
export function predictedHost(memory: HostMemory): PredictedHost {
  return (memory.predicted ??= { files: new Map(), units: new Map(), users: new Set(), groups: new Set(), unknown: [] });
}

/** The run-wide cache of package readings (shared by every host of the run). */
export function previewCache(shared: SharedMemory): PreviewCache {
  return (shared.packagePreviews ??= new Map());
}

/** Users and groups that package scripts create (`useradd`, `groupadd`, and `-g GROUP`) or sysusers.d lines declare. */
export function accountsFromScripts(scripts: string, files: readonly PreviewFile[] = []): { users: string[]; groups: string[] } {
  const users = new Set<string>();
  const groups = new Set<string>();
  for (const line of scripts.split('\n')) {
    for (const m of line.matchAll(/\b(useradd|groupadd|adduser|addgroup)\b([^;&|]*)/g)) {
      const words = m[2].trim().split(/\s+/).filter(Boolean);
      const name = words.at(-1);
      if (!name || name.startsWith('-') || !/^[a-z_][a-z0-9_.-]*\$?$/i.test(name)) continue;
      if (m[1] === 'useradd' || m[1] === 'adduser') {
        users.add(name);
        const g = words.indexOf('-g');
        if (g >= 0 && words[g + 1]) groups.add(words[g + 1]);
        else if (!words.includes('-N')) groups.add(name);
      } else groups.add(name);
    }
  }
  for (const f of files) {
    if (!/^\/usr\/lib\/sysusers\.d\/.*\.conf$/.test(f.path) || !f.content) continue;
    for (const line of f.content.toString('utf8').split('\n')) {
      const m = /^\s*([ug])\s+(\S+)/.exec(line);
      if (!m) continue;
      if (m[1] === 'u') {
        users.add(m[2]);
        groups.add(m[2]);
      } else groups.add(m[2]);
    }
  }
  return { users: [...users], groups: [...groups] };
}

/** `systemctl preset` semantics: the first rule (files in name order) whose glob matches decides; none: enable. */
export function presetAction(unit: string, rules: readonly PresetRule[]): 'enable' | 'disable' {
  for (const r of rules) if (globMatch(r.pattern, unit)) return r.action;
  return 'enable';
}

function globMatch(pattern: string, text: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(text);
}

/**
 * A unit a package ships, right after the install: enabled only when the package's scripts enable it
 * (`systemctl enable`) or apply its preset (`systemctl preset`, the `%systemd_post` macro) and the host's
 * presets enable it; started only when the scripts start it. No `[Install]` section: static. Undefined
 * when the scripts do something else with the unit that cannot be read (left "may change").
 */
export function unitAfterInstall(
  file: PreviewFile,
  pkg: Pick<PreviewPackage, 'name' | 'scripts'>,
  presets: readonly PresetRule[],
): PredictedUnit | undefined {
  const unit = file.path.slice(file.path.lastIndexOf('/') + 1);
  const text = file.content?.toString('utf8');
  if (text === undefined) return undefined;
  const installable = /^\[Install\][^[]*^\s*(WantedBy|RequiredBy|Alias|Also|UpheldBy)\s*=/ms.test(text);
  const scripts = pkg.scripts;
  const mentions = (verbs: string) =>
    new RegExp(`systemctl\\b[^\\n;|&]*\\b(${verbs})\\b[^\\n;|&]*(${escapeRegExp(unit)}|${escapeRegExp(unit.replace(/\.service$/, ''))}\\b)`).test(
      scripts,
    );
  const presetAll = /systemctl\b[^\n;|&]*\bpreset-all\b/.test(scripts);
  let unitFileState = installable ? 'disabled' : 'static';
  if (installable && (mentions('preset') || presetAll)) unitFileState = presetAction(unit, presets) === 'enable' ? 'enabled' : 'disabled';
  if (installable && mentions('enable|reenable')) unitFileState = 'enabled';
  if (mentions('mask|link|disable')) return undefined;
  const started = mentions('start|restart|try-restart|reload-or-restart') || (mentions('enable') && /--now\b/.test(scripts));
  return { unitFileState, activeState: started ? 'active' : 'inactive', canReload: /^\s*ExecReload\s*=/m.test(text), source: `package ${pkg.name}` };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Record a preview into the overlay: resolve cached packages from the run's cache, store new readings
 * in it, and add every package's files, units, users and groups. Returns the packages read or reused.
 */
export function recordPreview(
  predicted: PredictedHost,
  result: PackagePreviewResult,
  cache: PreviewCache,
  install: readonly string[],
): PreviewPackage[] {
  if (!result.supported) {
    predicted.unknown.push(`${result.reason ?? 'cannot preview packages'} (${install.join(', ')})`);
    return [];
  }
  const packages = [...result.packages];
  for (const p of result.packages) cache.set(previewKey(p), p);
  for (const key of result.cached) {
    const p = cache.get(key);
    if (p) packages.push(p);
    else predicted.unknown.push(`package ${key} was not read (cache entry missing)`);
  }
  for (const pkg of packages) {
    const source = `package ${pkg.name}`;
    for (const f of pkg.files) {
      // A directory several packages own (or that exists already) keeps the first record.
      if (f.type === 'directory' && predicted.files.has(f.path)) continue;
      predicted.files.set(f.path, {
        type: f.type,
        mode: f.mode,
        owner: f.owner,
        group: f.group,
        size: f.size,
        sha256: f.sha256,
        content: f.content,
        target: f.target,
        source,
      });
      if (
        f.type === 'file' &&
        /^\/(usr\/)?lib\/systemd\/system\/[^/]+\.(service|socket|timer|path)$|^\/etc\/systemd\/system\/[^/]+\.(service|socket|timer|path)$/.test(
          f.path,
        ) &&
        !f.path.includes('@.')
      ) {
        const unit = unitAfterInstall(f, pkg, result.presets);
        const name = f.path.slice(f.path.lastIndexOf('/') + 1);
        if (unit) predicted.units.set(name, unit);
        else predicted.unknown.push(`${name} from ${source}: its state after the install cannot be read from the package`);
      }
    }
    const accounts = accountsFromScripts(pkg.scripts, pkg.files);
    for (const u of accounts.users) predicted.users.add(u);
    for (const g of accounts.groups) predicted.groups.add(g);
  }
  return packages;
}

/** Record that a guarded command will create `path` (content and mode unknown; owner the user it runs as). */
export function recordCreated(predicted: PredictedHost, path: string, runAs: string | undefined, source: string): void {
  if (predicted.files.has(path)) return;
  predicted.files.set(path, { type: 'file', owner: runAs, group: runAs === 'root' ? 'root' : undefined, source });
}

/**
 * Record what an earlier task of this check run writes to a path (content and attributes), so the next
 * task on the same path plans against it, as in the real run (a loop adding lines to one file).
 */
export function recordWritten(predicted: PredictedHost, path: string, state: Omit<PredictedFile, 'source' | 'written'>, source: string): void {
  const known = state.content ? { sha256: createHash('sha256').update(state.content).digest('hex'), size: state.content.length } : {};
  predicted.files.set(path, { ...state, ...known, source, written: true });
}

/**
 * A file probe's state seen through the overlay: what an earlier task of this run writes replaces the
 * host's answer; a path absent on the host that a predicted change brings becomes that path; a missing
 * parent directory that a predicted change brings exists. Anything else is the host's answer.
 */
export function overlayFile(state: FileState, predicted: PredictedHost | undefined, path: string): FileState & { predicted?: PredictedFile } {
  if (!predicted) return state;
  const w = predicted.files.get(path);
  if (w?.written) {
    if (w.type === 'absent') return { type: 'absent', parentExists: true };
    // A symlinked path keeps resolving to the same file (line and block edit the link's target).
    return {
      type: w.type,
      mode: w.mode,
      owner: w.owner,
      group: w.group,
      size: w.size,
      sha256: w.sha256,
      content: w.content,
      target: w.target,
      parentExists: true,
      ...(state.resolved ? { resolved: state.resolved } : {}),
      ...(w.mode === undefined || w.owner === undefined || w.group === undefined ? { predicted: w } : {}),
    };
  }
  if (state.type !== 'absent') return state;
  const p = predicted.files.get(path);
  if (p && p.type !== 'absent')
    return {
      type: p.type,
      mode: p.mode,
      owner: p.owner,
      group: p.group,
      size: p.size,
      sha256: p.sha256,
      content: p.content,
      target: p.target,
      parentExists: true,
      predicted: p,
    };
  if (!state.parentExists) {
    const parent = path.replace(/\/[^/]*$/, '') || '/';
    const prefix = parent.endsWith('/') ? parent : `${parent}/`;
    for (const [other, f] of predicted.files)
      if (other === parent ? f.type === 'directory' : other.startsWith(prefix) && f.type !== 'absent') return { ...state, parentExists: true };
  }
  return state;
}

/** A unit probe's state seen through the overlay: a unit the host does not know yet that a package ships. */
export function overlayUnit(state: UnitState, predicted: PredictedHost | undefined, unit: string): UnitState {
  if (!predicted || state.loadState !== 'not-found') return state;
  const p = predicted.units.get(unit);
  if (!p) return state;
  return {
    ...state,
    loadState: 'loaded',
    activeState: p.activeState,
    subState: p.activeState === 'active' ? 'running' : 'dead',
    unitFileState: p.unitFileState,
    canReload: p.canReload,
    needDaemonReload: false,
  };
}

/** The overlay in a task's memory, only in check mode (never consulted in a real run). */
export function overlayOf(ctx: { check: boolean; memory?: HostMemory }): PredictedHost | undefined {
  return ctx.check ? ctx.memory?.predicted : undefined;
}

/** A "may change" plan with the reasons why earlier predicted changes could not be previewed added. */
export function withUnknown<P extends { status: string }>(plan: P, predicted: PredictedHost | undefined): P {
  if (plan.status !== 'may-change' || !predicted?.unknown.length) return plan;
  const p = plan as unknown as { reason: string };
  return { ...plan, reason: `${p.reason}; not previewed: ${predicted.unknown.join('; ')}` };
}
