/**
 * The validators compiled at build time (scripts/build-validators.ts, ajv standalone code) decide and
 * report exactly as the ones compiled at run time: generated here from the sources, loaded from a
 * temporary file, and compared on valid and invalid fixtures.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { generateValidators, type GeneratedValidators } from '../../scripts/build-validators.ts';
import { compileInventoryValidators } from '../../lib/inventory/schema-defs.ts';
import { schemaKey, TASK_AJV_OPTIONS } from '../../lib/core/validate-args.ts';
import { fileType } from '../../lib/tasks/file.ts';
import { packageType } from '../../lib/tasks/package.ts';
import { sysctlType } from '../../lib/tasks/sysctl.ts';
import { serviceType } from '../../lib/tasks/service.ts';
import { commandType } from '../../lib/tasks/command.ts';

const REPO = new URL('../..', import.meta.url).pathname;
// ajv resolves from the repository (the temporary modules' own require would not find it).
const requireHere = createRequire(import.meta.url);

let generated: GeneratedValidators;
let dir: string;
const load = async (name: string, code: string): Promise<Record<string, ValidateFunction>> => {
  const path = join(dir, name);
  writeFileSync(
    path,
    code
      .replace('createRequire(import.meta.url)', `createRequire(${JSON.stringify(import.meta.url)})`)
      .replace("from './var-kinds.js'", `from ${JSON.stringify(pathToFileURL(join(REPO, 'lib/inventory/var-kinds.ts')).href)}`),
  );
  return import(pathToFileURL(path).href);
};
const shape = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? []).map((e) => ({ keyword: e.keyword, instancePath: e.instancePath, message: e.message, params: e.params }));

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hw-validators-'));
  generated = await generateValidators(REPO, '.ts');
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('every task type of lib/tasks is compiled, and the code needs only ajv runtime files', () => {
  for (const name of ['file', 'line', 'sysctl', 'package', 'service', 'command', 'shell', 'wait', 'copy', 'user'])
    assert.ok(generated.types.includes(name), `${name} compiled`);
  const requires = Object.values(generated.taskValidators).flatMap((code) => [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
  assert.ok(requires.length > 0, 'the validators use ajv runtime helpers');
  assert.ok(
    requires.every((r) => r.startsWith('ajv/dist/runtime/')),
    `only runtime helpers: ${requires.join(', ')}`,
  );
});

test('task argument validators: same verdicts and errors as compiled at run time', async () => {
  // One CommonJS module per schema, evaluated with this file's require (ajv's runtime files).
  const validator = (key: string): ValidateFunction => {
    const module = { exports: {} as ValidateFunction };
    new Function('module', 'exports', 'require', generated.taskValidators[key])(module, module.exports, requireHere);
    return module.exports;
  };
  assert.match(generated.tasks, /export function precompiledValidator/);
  const ajv = new (requireHere('ajv') as typeof import('ajv')).Ajv(TASK_AJV_OPTIONS);
  const cases: [{ schema: object; name: string }, unknown][] = [
    [fileType, { path: '/etc/x', state: 'directory', mode: '0755' }],
    [fileType, { path: '/etc/x', state: 'sideways' }],
    [fileType, { path: '/etc/x', colour: 'red' }],
    [fileType, { state: 'file' }],
    [packageType, { name: ['etcd', 'flannel'], state: 'present' }],
    [packageType, { name: 7 }],
    [sysctlType, { key: 'net.ipv4.ip_forward', value: '1' }],
    [sysctlType, { key: 'net.ipv4.ip_forward', value: { no: 1 } }],
    [serviceType, { name: 'etcd', state: 'started', enabled: true }],
    [serviceType, { name: 'etcd', enabled: 'sure' }],
    [commandType, { cmd: 'true' }],
    [commandType, { cmd: 'true', creates: 5 }],
  ];
  let invalid = 0;
  for (const [type, args] of cases) {
    assert.ok(generated.taskValidators[schemaKey(type.schema as never)], `${type.name} has a build-time validator`);
    const built = validator(schemaKey(type.schema as never));
    assert.type(built, 'function', `${type.name} has a build-time validator`);
    const runtime = ajv.compile(type.schema);
    const ok = built(args);
    assert.is(ok, runtime(args), `${type.name} ${JSON.stringify(args)}: same verdict`);
    assert.equal(shape(built.errors), shape(runtime.errors), `${type.name} ${JSON.stringify(args)}: same errors`);
    if (!ok) invalid++;
  }
  assert.ok(invalid >= 6, 'the invalid fixtures are refused');
});

test('inventory validators: same verdicts and errors as compiled at run time (hwVar keyword included)', async () => {
  const mod = await load('inventory.mjs', generated.inventory);
  const runtime = compileInventoryValidators();
  const inventories: unknown[] = [
    { all: { hosts: { a: { ansible_host: '10.0.0.1', ansible_port: 22 } }, children: { web: { hosts: { b: null } } } } },
    { all: { hosts: { a: { ansible_port: 70000 } } } },
    { all: { hosts: { a: { ansible_become: 'sure' } } } },
    { all: { hosts: { a: { ansible_port: '{{ port }}' } } } },
    { all: { colour: 'red' } },
    { all: { hosts: 5 } },
    { _meta: { hostvars: { a: { hw_host: '' } } } },
  ];
  let invalid = 0;
  for (const inv of inventories) {
    const ok = mod.inventory(inv);
    assert.is(ok, runtime.inventory(inv), `${JSON.stringify(inv)}: same verdict`);
    assert.equal(shape(mod.inventory.errors), shape(runtime.inventory.errors), `${JSON.stringify(inv)}: same errors`);
    if (!ok) invalid++;
  }
  assert.is(invalid, 5);
  for (const vars of [{ ansible_port: 'x' }, { ansible_user: 'root' }, null]) {
    assert.is(mod.varsMap(vars), runtime.varsMap(vars));
    assert.equal(shape(mod.varsMap.errors), shape(runtime.varsMap.errors));
  }
  const bad = mod.inventory({ all: { hosts: { a: { ansible_port: 0 } } } });
  assert.is(bad, false);
  assert.is(mod.inventory.errors?.[0].message, 'must be an integer from 1 to 65535', 'the kind message of the hwVar keyword');
});

test.run();
