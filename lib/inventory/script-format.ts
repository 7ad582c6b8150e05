/**
 * Executable inventory scripts, as Ansible's `script` inventory plugin runs them: `SCRIPT --list`
 * prints a JSON mapping of groups (`hosts` list, `vars`, `children`; a group without those keys is a
 * host of the same name with those variables) and `_meta.hostvars`; without `_meta.hostvars`, each
 * host's variables come from `SCRIPT --host NAME`. A script that fails or prints anything but a JSON
 * mapping is refused, naming the script and its stderr.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { ValidationError } from '../core/errors.ts';
import { type InventoryBuilder, InventoryShapeError } from './builder.ts';

/** Whether Ansible would run `file` as an inventory script (it is executable). */
export function isInventoryScript(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Run the script with `args`; its parsed JSON, or a ValidationError naming the script and stderr. */
function runScript(script: string, args: string[], allowEmpty: boolean): unknown {
  const shown = `${script} ${args.join(' ')}`;
  const r = spawnSync(script, args, { encoding: 'utf8', maxBuffer: 256 << 20, timeout: 300_000 });
  const stderr = (r.stderr ?? '').trim();
  const tail = stderr ? `\nstderr: ${stderr.split('\n').slice(-10).join('\n')}` : '';
  if (r.error) throw new ValidationError(`inventory script ${shown}: cannot run it (${r.error.message})${tail}`, { source: script });
  if (r.status !== 0)
    throw new ValidationError(`inventory script ${shown} failed (${r.signal ? `signal ${r.signal}` : `exit ${r.status}`})${tail}`, {
      source: script,
    });
  if (allowEmpty && r.stdout.trim() === '') return {};
  try {
    return JSON.parse(r.stdout);
  } catch (error) {
    throw new ValidationError(`inventory script ${shown}: its output is not JSON (${(error as Error).message})${tail}`, { source: script });
  }
}

/** Run an inventory script and add its groups, hosts and variables to `builder`. */
export function applyInventoryScript(script: string, builder: InventoryBuilder): void {
  const data = runScript(script, ['--list'], false);
  if (!isMapping(data))
    throw new ValidationError(
      `inventory script ${script} --list: must print a JSON mapping of groups, got ${Array.isArray(data) ? 'a list' : typeof data}`,
      { source: script },
    );
  const bad = (what: string) => new ValidationError(`inventory script ${script} --list: ${what}`, { source: script });
  const hosts: string[] = [];
  let metaVars: Record<string, unknown> | undefined;
  for (const [name, raw] of Object.entries(data)) {
    if (name === '_meta') {
      if (isMapping(raw) && 'hostvars' in raw) metaVars = isMapping(raw.hostvars) ? raw.hostvars : {};
      continue;
    }
    builder.addGroup(name);
    let body: Record<string, unknown> = isMapping(raw) ? raw : { hosts: raw };
    if (isMapping(raw) && !('hosts' in raw || 'vars' in raw || 'children' in raw)) body = { hosts: [name], vars: raw };
    if ('hosts' in body) {
      if (!Array.isArray(body.hosts)) throw bad(`group "${name}": hosts must be a list, got ${JSON.stringify(body.hosts)}`);
      for (const h of body.hosts) {
        const host = String(h);
        if (!hosts.includes(host)) hosts.push(host);
        builder.addHost(host, script, name);
      }
    }
    if ('vars' in body) {
      if (!isMapping(body.vars)) throw bad(`group "${name}": vars must be a mapping, got ${JSON.stringify(body.vars)}`);
      for (const [k, v] of Object.entries(body.vars)) builder.setGroupVar(name, k, v, script);
    }
    for (const child of Array.isArray(body.children) ? body.children : []) {
      builder.addGroup(String(child));
      try {
        builder.addChild(name, String(child));
      } catch (error) {
        if (error instanceof InventoryShapeError) throw bad(`group "${name}": ${error.message}`);
        throw error;
      }
    }
  }
  for (const host of hosts) {
    const vars = metaVars === undefined ? runScript(script, ['--host', host], true) : (metaVars[host] ?? {});
    if (!isMapping(vars)) throw bad(`variables of host "${host}" must be a mapping, got ${JSON.stringify(vars)}`);
    for (const [k, v] of Object.entries(vars)) builder.setHostVar(host, k, v, script);
  }
}
