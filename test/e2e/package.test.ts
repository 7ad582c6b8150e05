/**
 * The npm package as a user gets it: `npm pack` (prepack builds dist/), the tarball installed into a fresh
 * project made from examples/consumer, then that project's TypeScript consumer (type stripping) and
 * JavaScript (ESM) consumer run against real hosts — this machine through the local transport, and the
 * test host `pkg1` over SSH — and the packaged `hostwright` bin runs through its shebang.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { testHosts, type TestHosts } from '../hosts/index.ts';

const HOST = 'pkg1';
const root = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');
const work = mkdtempSync(join(tmpdir(), 'hw-package-'));
const project = join(work, 'consumer');
const out = join(work, 'out');
// Node 24 first on PATH: npm's prepack runs `node scripts/build.ts`, and the bin's shebang finds `node`.
const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}`, NO_COLOR: '1', npm_config_update_notifier: 'false' };
let hosts: TestHosts;
let tarball: string;

function sh(cmd: string, args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, out: stdout, err: stderr }));
  });
}
const node = (args: string[]) => sh(process.execPath, args, project);
const ok = (r: { code: number; out: string; err: string }, what: string) => assert.is(r.code, 0, `${what} failed (${r.code}):\n${r.out}\n${r.err}`);

async function packAndInstall(): Promise<void> {
  const pack = await sh('npm', ['pack', '--json', '--pack-destination', work], root);
  ok(pack, 'npm pack');
  tarball = join(work, JSON.parse(pack.out.slice(pack.out.indexOf('[')))[0].filename);
  cpSync(join(root, 'examples/consumer'), project, { recursive: true, filter: (src) => !src.includes('/node_modules') });
  const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
  pkg.dependencies.hostwright = `file:${tarball}`;
  delete pkg.devDependencies; // TypeScript and @types/node come from this repository below
  writeFileSync(join(project, 'package.json'), JSON.stringify(pkg, null, 2));
  // Dependencies come from the npm cache (or the registry); install scripts are not needed (ssh2's native part is optional).
  ok(await sh('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], project), 'npm install');
  symlinkSync(join(root, 'node_modules/@types'), join(project, 'node_modules/@types'));
}

test.before(async () => {
  const [h] = await Promise.all([testHosts({ names: [HOST] }), packAndInstall()]);
  hosts = h;
  await hosts.reset([HOST]);
  writeFileSync(
    join(work, 'local.yml'),
    `all:\n  hosts:\n    localhost:\n      ansible_connection: local\n      motd_path: ${out}/motd\n      banner_path: ${out}/issue.net\n`,
  );
  writeFileSync(
    join(work, 'ssh.yml'),
    `all:\n  children:\n    web:\n      hosts:\n        ${HOST}:\n          ansible_host: ${hosts.hosts[0].address}\n          ansible_user: root\n          ansible_ssh_private_key_file: ${hosts.keyPath}\n      vars:\n        welcome_message: Web server.\n`,
  );
});

test.after(() => rmSync(work, { recursive: true, force: true }));

test('the tarball: compiled dist/ with .d.ts, role templates, an executable bin; no sources, tests or maps', async () => {
  const list = await sh('tar', ['-tzvf', tarball], work);
  ok(list, 'tar');
  const files = list.out
    .trim()
    .split('\n')
    .map((l) => l.split(/\s+/).at(-1)!);
  for (const f of [
    'dist/lib/index.js',
    'dist/lib/index.d.ts',
    'dist/lib/bin.js',
    'dist/roles/index.js',
    'dist/roles/index.d.ts',
    'dist/roles/etcd/templates/etcd.conf.hbs',
    'dist/roles/shared/templates/kube-config.hbs',
    'package.json',
  ]) {
    assert.ok(files.includes(`package/${f}`), `${f} is packed`);
  }
  const stray = files.filter(
    (f) => /\.map$/.test(f) || (/\.ts$/.test(f) && !/\.d\.ts$/.test(f)) || /^package\/(lib|roles|test|bench|examples|scripts|playbooks)\//.test(f),
  );
  assert.equal(stray, [], 'no sources, tests, benchmarks or source maps');
  assert.match(list.out.split('\n').find((l) => l.endsWith('package/dist/lib/bin.js'))!, /^-rwxr-xr-x/);
  // The library's own modules are bundled (scripts/build-bundle.ts): its entry points and a few chunks, no
  // per-module files and no vendor folder; the HTML report's page script ships as an asset.
  const code = files.filter((f) => /^package\/dist\/lib\/.*\.js$/.test(f)).sort();
  assert.ok(code.includes('package/dist/lib/report/html/assets/report-ui.js'), 'the report page script ships');
  const modules = code.filter((f) => !f.includes('/assets/'));
  assert.ok(
    modules.every((f) => /^package\/dist\/lib\/(index|bin|chunk-[A-Z0-9]+)\.js$/.test(f)) && modules.length <= 12,
    `dist/lib is bundled: ${modules.join(', ')}`,
  );
  const installed = join(project, 'node_modules/hostwright');
  assert.not.ok(lstatSync(installed).isSymbolicLink(), 'installed from the tarball, not linked');
  assert.ok(readFileSync(join(installed, 'dist/lib/bin.js'), 'utf8').startsWith('#!/usr/bin/env node\n'));
});

test('the installed library loads without what it loads on demand (handlebars, ssh2, task validators) until it is used', async () => {
  // CommonJS modules loaded so far are in require.cache (Node's one CommonJS cache).
  const probe = `import { createRequire } from 'node:module';
const cache = createRequire(import.meta.url).cache;
const loaded = (re) => Object.keys(cache).some((k) => re.test(k));
const validators = () => Object.keys(cache).filter((k) => /validators[/]v[0-9a-f]+[.]cjs$/.test(k)).length;
const hw = await import('hostwright');
const atImport = validators();
hw.file({ path: '/tmp/a', state: 'directory' });
hw.file({ path: '/tmp/b', state: 'absent' });
console.log(JSON.stringify({ api: typeof hw.run, handlebars: loaded(/handlebars/), ssh2: loaded(/[/]ssh2[/]/), atImport, afterTwoFileTasks: validators(), ajv: loaded(/ajv[/]dist[/]ajv[.]js$/) }));`;
  const r = await node(['--input-type=module', '-e', probe]);
  ok(r, 'import hostwright');
  // A task type's argument validator (compiled at build time) is loaded with its first task; ajv never is.
  assert.equal(JSON.parse(r.out), { api: 'function', handlebars: false, ssh2: false, atImport: 0, afterTwoFileTasks: 1, ajv: false });
  // The TypeScript consumer below renders its role's template (vendor/handlebars.cjs, loaded then).
  assert.ok(existsSync(join(project, 'node_modules/hostwright/dist/lib/vendor/handlebars.cjs')), 'handlebars ships as its own file');
});

test('the consumer type-checks against the packed .d.ts (its TypeScript and its JavaScript)', async () => {
  ok(await node([join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']), 'tsc');
});

test('TypeScript consumer (type stripping): its own task type and role on the local transport, changed then ok', async () => {
  const first = await node(['site.ts', '-i', join(work, 'local.yml'), '--diff']);
  ok(first, 'site.ts');
  assert.match(first.out, /TASK \[welcome : message of the day\]/);
  assert.match(first.out, /\+localhost: Welcome\. This host is managed by hostwright\./);
  assert.match(first.out, /localhost : ok=4 changed=4 unreachable=0 failed=0 skipped=0/);
  assert.is(readFileSync(join(out, 'motd'), 'utf8'), 'localhost: Welcome. This host is managed by hostwright.\n-- managed by hostwright\n');
  assert.is(readFileSync(join(out, 'issue.net'), 'utf8'), 'localhost (groups: none)\nWelcome. This host is managed by hostwright.\n');
  assert.ok(existsSync(join(out, 'motd.changed')), 'the handler ran');
  // The HTML report's code finds its assets in the installed package (it is bundled away from them).
  const second = await node(['site.ts', '-i', join(work, 'local.yml'), '--report', join(work, 'report.html')]);
  ok(second, 'site.ts again');
  assert.match(second.out, /localhost : ok=3 changed=0/);
  const html = readFileSync(join(work, 'report.html'), 'utf8');
  assert.ok(
    html.includes(readFileSync(join(project, 'node_modules/hostwright/dist/lib/report/html/assets/report-ui.js'), 'utf8').slice(0, 200)),
    'the report embeds its page script',
  );
  const bad = await node(['site.ts', '-i', join(work, 'local.yml'), '-e', '{"motd_path": 7}']);
  assert.is(bad.code, 5, 'a wrong variable type is refused before any task (bad input)');
  assert.match(bad.err, /role welcome: motd_path: must be string \(from extra vars \(-e\)\), got a number/);
  assert.is(bad.out, '', 'nothing ran');
});

test('JavaScript consumer (ESM): a JS task type, run() from code, results and events; the roles ship their templates', async () => {
  const dir = join(out, 'js');
  const first = await node(['report.js', dir]);
  ok(first, 'report.js');
  assert.match(first.out, new RegExp(`localhost \\| stamp: ${dir}/stamp \\| changed \\| create ${dir}/stamp`));
  assert.match(first.out, /role etcd: templates present/);
  assert.ok(existsSync(join(dir, 'stamp')));
  const second = await node(['report.js', dir]);
  assert.match(second.out, /localhost : ok=2 changed=0 failed=0/);
});

test('the packaged bin: --version, an ad-hoc run and `run` of the consumer playbook', async () => {
  const bin = join(project, 'node_modules/.bin/hostwright');
  const version = await sh(bin, ['--version'], project);
  ok(version, 'hostwright --version');
  assert.match(version.out, new RegExp(`^hostwright ${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version.replace(/\./g, '\\.')} `));
  const adhoc = await sh(bin, ['all', '-i', join(work, 'local.yml'), '-m', 'shell', '-a', 'echo packaged'], project);
  ok(adhoc, 'hostwright ad-hoc');
  assert.match(adhoc.out, /rc=0 >>\n {4}packaged\n/);
  const run = await sh(bin, ['run', 'site.ts', '-i', join(work, 'local.yml'), '--check'], project);
  ok(run, 'hostwright run site.ts');
  assert.match(run.out, /localhost : ok=3 changed=0/);
});

test('over SSH: the TypeScript consumer converges a test host, then finds nothing to do', async () => {
  const args = ['site.ts', '-i', join(work, 'ssh.yml'), '--known-hosts', hosts.knownHostsPath];
  const first = await node(args);
  ok(first, 'site.ts over SSH');
  assert.match(first.out, new RegExp(`${HOST} : ok=4 changed=3 unreachable=0 failed=0`), first.out); // /etc was there
  assert.is((await hosts.exec(HOST, 'cat /etc/motd')).stdout, `${HOST}: Web server.\n-- managed by hostwright\n`);
  assert.is((await hosts.exec(HOST, 'cat /etc/issue.net')).stdout, `${HOST} (groups: web)\nWeb server.\n`);
  const second = await node(args);
  ok(second, 'site.ts over SSH again');
  assert.match(second.out, new RegExp(`${HOST} : ok=3 changed=0 unreachable=0 failed=0`));
});

test.run();
