/**
 * systemd unit probe: one `systemctl show -p ...` for load, active, unit-file and reload state.
 * `systemctl show` answers for a unit that does not exist too (LoadState=not-found), so the probe never
 * fails for a missing unit; the plan decides what a missing unit means.
 */
import { quote } from '../transport/quote.ts';
import type { Probe } from '../core/task-contract.ts';
import type { ExecResult } from '../core/transport-types.ts';

/** What systemd says about one unit. */
export interface UnitState {
  /** False when the host does not run systemd (no /run/systemd/system). */
  systemd: boolean;
  /** The unit's name as systemd knows it (`etcd.service`). */
  id: string;
  /** `loaded`, `not-found`, `masked`, `bad-setting`, `error`, ... */
  loadState: string;
  /** `active`, `inactive`, `failed`, `activating`, `deactivating`, `reloading`. */
  activeState: string;
  /** `running`, `dead`, `exited`, `failed`, ... */
  subState: string;
  /** `enabled`, `disabled`, `static`, `masked`, `indirect`, `generated`, ... or '' when unknown. */
  unitFileState: string;
  /** Whether the unit supports `systemctl reload`. */
  canReload: boolean;
  /** Whether the unit file changed on disk since systemd last loaded it. */
  needDaemonReload: boolean;
}

const PROPERTIES = ['Id', 'LoadState', 'ActiveState', 'SubState', 'UnitFileState', 'CanReload', 'NeedDaemonReload'];

/** Known unit suffixes; any other name gets `.service`. */
const SUFFIXES = /\.(service|socket|timer|target|mount|automount|swap|path|slice|scope|device)$/;

/** The unit name systemd expects: `etcd` → `etcd.service`, `docker.socket` stays. */
export function unitName(name: string): string {
  return SUFFIXES.test(name) ? name : `${name}.service`;
}

/** The `systemctl show` command for one or more units. */
function showCommand(units: readonly string[]): string {
  return [
    '[ -d /run/systemd/system ] || { echo systemd=no; exit 0; }',
    `systemctl show -p ${PROPERTIES.join(',')} -- ${units.map(quote).join(' ')}`,
  ].join('\n');
}

/** Several units in one `systemctl show`: its output has one block per unit, in order, between blank lines. */
export const unitShowMerge = {
  kind: 'systemctl-show',
  command: showCommand,
  split(result: ExecResult, units: readonly string[]): ExecResult[] | undefined {
    if (/^systemd=no$/m.test(result.stdout) || result.code !== 0) return units.map(() => result);
    const blocks = result.stdout.replace(/\n+$/, '').split(/\n\n/);
    if (blocks.length !== units.length) return undefined;
    return blocks.map((b) => ({ code: 0, stdout: `${b}\n`, stderr: '' }));
  },
};

/** Build the probe for a unit (name with its suffix, see {@link unitName}). */
export function unitProbe(unit: string): Probe<UnitState> {
  return { command: showCommand([unit]), parse: (r) => parseUnitShow(r, unit), merge: { ...unitShowMerge, item: unit }, local: true };
}

/** Pure parser of `systemctl show -p ...` output (`Key=value` lines). */
export function parseUnitShow(result: ExecResult, unit: string): UnitState {
  if (/^systemd=no$/m.test(result.stdout)) {
    return { systemd: false, id: unit, loadState: '', activeState: '', subState: '', unitFileState: '', canReload: false, needDaemonReload: false };
  }
  if (result.code !== 0) throw new Error(`systemctl show ${unit} failed (exit ${result.code}): ${(result.stderr || result.stdout).trim()}`);
  const kv: Record<string, string> = {};
  for (const line of result.stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) kv[line.slice(0, eq)] = line.slice(eq + 1);
  }
  if (kv.LoadState === undefined || kv.ActiveState === undefined)
    throw new Error(`systemctl show ${unit}: unexpected output: ${result.stdout.slice(0, 200)}`);
  return {
    systemd: true,
    id: kv.Id || unit,
    loadState: kv.LoadState,
    activeState: kv.ActiveState,
    subState: kv.SubState ?? '',
    unitFileState: kv.UnitFileState ?? '',
    canReload: kv.CanReload === 'yes',
    needDaemonReload: kv.NeedDaemonReload === 'yes',
  };
}
