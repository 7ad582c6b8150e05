/**
 * The package preview without a host: answers recorded from the test repository's real package files
 * (test/fixtures/package-preview/*.json, re-record with record.ts there) go through the real parser, the
 * run's cache and the predicted host; then file and service plans read through that overlay.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { packagePreviewProbe, parseDumpLine, parsePackagePreview, previewKey, type PreviewCache } from '../../lib/probes/package-preview.ts';
import {
  accountsFromScripts,
  overlayFile,
  overlayUnit,
  predictedHost,
  presetAction,
  recordCreated,
  recordPreview,
  unitAfterInstall,
  withUnknown,
} from '../../lib/tasks/predicted.ts';
import { packagePreview } from '../../lib/tasks/package-preview.ts';
import type { HostMemory, SharedMemory } from '../../lib/core/run-memory.ts';
import { planFile, UNKNOWN_BEFORE } from '../../lib/tasks/file.ts';
import { lineType } from '../../lib/tasks/line.ts';
import { planService } from '../../lib/tasks/service.ts';
import { parseUnitShow } from '../../lib/probes/systemd-unit.ts';
import { parseFileStat } from '../../lib/probes/file-stat.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/package-preview/${name}.json`, import.meta.url)), 'utf8'));
const master = fixture('master');
const node = fixture('node');
const absent = parseFileStat({ code: 0, stdout: 'type=absent\nparent=no\n', stderr: '' });
const notFound = (unit: string) =>
  parseUnitShow(
    {
      code: 0,
      stdout: `Id=${unit}\nLoadState=not-found\nActiveState=inactive\nSubState=dead\nUnitFileState=\nCanReload=no\nNeedDaemonReload=no\n`,
      stderr: '',
    },
    unit,
  );
const check = { check: true, earlierChangePredicted: true, diff: true };

test('master: packages, files with mode/owner/config, content of config files and units, scripts, presets', () => {
  const r = parsePackagePreview(master.probe);
  assert.ok(r.supported);
  assert.equal(
    r.packages.map((p) => `${p.name}-${p.evr}.${p.arch}`),
    ['kubernetes-client-0:1.5.2-0.7.git269f928.el7.noarch', 'kubernetes-master-0:1.5.2-0.7.git269f928.el7.noarch'],
  );
  const m = r.packages[1];
  assert.match(m.sha256, /^[0-9a-f]{64}$/);
  const scheduler = m.files.find((f) => f.path === '/etc/kubernetes/scheduler')!;
  assert.equal(
    { type: scheduler.type, mode: scheduler.mode, owner: scheduler.owner, group: scheduler.group, config: scheduler.config },
    { type: 'file', mode: '0644', owner: 'root', group: 'root', config: true },
  );
  assert.is(
    scheduler.content!.toString(),
    '###\n# kubernetes scheduler config\n\n# default config should be adequate\n\n# Add your own!\nKUBE_SCHEDULER_ARGS=""\n',
  );
  assert.ok(
    m.files
      .find((f) => f.path === '/usr/lib/systemd/system/kube-apiserver.service')!
      .content!.toString()
      .includes('[Install]'),
  );
  // Binaries: metadata only, no content.
  assert.is(m.files.find((f) => f.path === '/usr/bin/kube-apiserver')!.content, undefined);
  assert.equal(
    m.files.find((f) => f.path === '/var/run/kubernetes'),
    { path: '/var/run/kubernetes', type: 'directory', mode: '0755', owner: 'kube', group: 'kube', size: 0, config: false },
  );
  assert.match(m.scripts, /useradd -r -g kube/);
  assert.ok(
    r.presets.length > 0 && r.presets.every((p) => p.file.startsWith('/usr/lib/systemd/system-preset/')),
    'a preset file in /lib and /usr/lib counts once',
  );
});

test('the recorded command removes its folder and downloads without installing', () => {
  const { command } = packagePreviewProbe(['kubernetes-master'], 'dnf', ['a'.repeat(64)]);
  assert.match(command, /install --downloadonly --downloaddir="\$t\/d" -- kubernetes-master/);
  assert.match(command, /trap 'rm -rf -- "\$t"' EXIT/);
  assert.match(command, /case ' a{64} ' in/);
  assert.is(packagePreviewProbe(['x'], 'yum').command.includes('yum -q -y install --downloadonly'), true);
});

test('recordPreview: files, units (disabled, inactive: the scripts only daemon-reload), kube user and group; cache by name, version and checksum', () => {
  const cache: PreviewCache = new Map();
  const p = predictedHost({});
  recordPreview(p, parsePackagePreview(master.probe), cache, ['kubernetes-master']);
  assert.equal([...p.units.keys()].sort(), ['kube-apiserver.service', 'kube-controller-manager.service', 'kube-scheduler.service']);
  assert.equal(p.units.get('kube-apiserver.service'), {
    unitFileState: 'disabled',
    activeState: 'inactive',
    canReload: false,
    source: 'package kubernetes-master',
  });
  assert.ok(p.users.has('kube') && p.groups.has('kube'));
  assert.ok(p.files.has('/usr/bin/kubectl'));
  assert.is(cache.size, 2);
  assert.ok(cache.has(previewKey(parsePackagePreview(master.probe).packages[0])));
  assert.equal(p.unknown, []);

  // node: kubernetes-client was only named (the controller had it): taken from the cache.
  const parsed = parsePackagePreview(node.probe);
  assert.is(parsed.cached.length, 1);
  assert.ok(!parsed.packages.some((x) => x.name === 'kubernetes-client'));
  const n = predictedHost({});
  const used = recordPreview(n, parsed, cache, ['kubernetes-node']);
  assert.ok(used.some((x) => x.name === 'kubernetes-client') && n.files.has('/usr/bin/kubectl'));
  assert.equal([...n.units.keys()].sort(), ['docker.service', 'kube-proxy.service', 'kubelet.service']);
  assert.ok(n.files.get('/etc/kubernetes/proxy')?.content);

  // Without the cache entry the package stays unknown, with the reason.
  const lost = predictedHost({});
  recordPreview(lost, parsed, new Map(), ['kubernetes-node']);
  assert.match(lost.unknown.join('\n'), /kubernetes-client-0:1\.5\.2.*was not read/);
});

test('file plan through the overlay: shipped content equal → ok; different → diff against the package copy; attributes from rpm', () => {
  const p = predictedHost({});
  recordPreview(p, parsePackagePreview(master.probe), new Map(), ['kubernetes-master']);
  const shipped = p.files.get('/etc/kubernetes/scheduler')!.content!;
  const args = { path: '/etc/kubernetes/scheduler', owner: 'root', group: 'root', mode: '0644' as const };
  assert.equal(planFile(args, overlayFile(absent, p, args.path), shipped, check), { status: 'ok', reason: '/etc/kubernetes/scheduler is as wanted' });
  const wanted = Buffer.from(shipped.toString().replace('KUBE_SCHEDULER_ARGS=""', 'KUBE_SCHEDULER_ARGS="--v=2"'));
  const plan = planFile(args, overlayFile(absent, p, args.path), wanted, check);
  assert.is(plan.status, 'change');
  assert.equal(plan.status === 'change' && plan.diff, [{ kind: 'file', path: args.path, before: shipped.toString(), after: wanted.toString() }]);
  // A new file in a directory the package creates: the parent will exist.
  const key = overlayFile(absent, p, '/etc/kubernetes/serviceaccount.key');
  assert.is(key.parentExists, true);
  // Not in check mode (no overlay), the host's answer stands.
  assert.is(planFile(args, overlayFile(absent, undefined, args.path), shipped, { ...check, check: false }).status, 'failed');
});

test('a file a guarded command creates: owner/group of the user it runs as; an unknown mode alone is "may change"', () => {
  const p = predictedHost({});
  recordCreated(p, '/etc/kubernetes/serviceaccount.key', 'root', 'command openssl genrsa');
  const state = overlayFile({ ...absent, parentExists: true }, p, '/etc/kubernetes/serviceaccount.key');
  const plan = planFile({ path: '/etc/kubernetes/serviceaccount.key', owner: 'root', group: 'kube', mode: '0640' }, state, undefined, check);
  assert.is(plan.status, 'change');
  assert.equal(plan.status === 'change' && plan.diff, [
    { kind: 'state', key: 'mode', before: UNKNOWN_BEFORE, after: '0640' },
    { kind: 'state', key: 'group', before: 'root', after: 'kube' },
  ]);
  const modeOnly = planFile({ path: '/etc/kubernetes/serviceaccount.key', mode: '0640' }, state, undefined, check);
  assert.is(modeOnly.status, 'may-change');
  assert.match(modeOnly.status === 'may-change' ? modeOnly.reason : '', /will be made by command openssl genrsa; its mode cannot be known/);
});

test('service plan through the overlay: a shipped unit is "enable, start", definite', () => {
  const p = predictedHost({});
  recordPreview(p, parsePackagePreview(master.probe), new Map(), ['kubernetes-master']);
  const state = overlayUnit(notFound('kube-apiserver.service'), p, 'kube-apiserver.service');
  const plan = planService({ name: 'kube-apiserver', state: 'started', enabled: true }, state, {
    check: true,
    earlierChangePredicted: true,
    memory: {},
  });
  assert.equal(plan, {
    status: 'change',
    summary: 'kube-apiserver.service: enable, start',
    diff: [
      { kind: 'state', key: 'enabled', before: 'disabled', after: 'enabled' },
      { kind: 'state', key: 'active', before: 'inactive', after: 'active' },
    ],
    data: { unit: 'kube-apiserver.service', steps: ['enable', 'start'] },
  });
  // A unit nobody ships stays as the host says.
  assert.is(overlayUnit(notFound('nothing.service'), p, 'nothing.service').loadState, 'not-found');
});

test('presets and scripts: CentOS presets enable nothing; %systemd_post applies them; enable/start in scripts; static units', () => {
  const centos = [
    { file: '/usr/lib/systemd/system-preset/90-default.preset', action: 'enable' as const, pattern: 'chronyd.service' },
    { file: '/usr/lib/systemd/system-preset/99-default.preset', action: 'disable' as const, pattern: '*' },
  ];
  assert.is(presetAction('etcd.service', centos), 'disable');
  assert.is(presetAction('chronyd.service', centos), 'enable');
  assert.is(presetAction('etcd.service', []), 'enable');
  const unit = (text: string) => ({
    path: '/usr/lib/systemd/system/foo.service',
    type: 'file' as const,
    mode: '0644',
    owner: 'root',
    group: 'root',
    size: text.length,
    config: false,
    content: Buffer.from(text),
  });
  const installable = unit('[Service]\nExecStart=/bin/foo\nExecReload=/bin/kill -HUP $MAINPID\n[Install]\nWantedBy=multi-user.target\n');
  const post =
    'postinstall scriptlet (using /bin/sh):\nif [ $1 -eq 1 ] ; then\n        # Initial installation\n        systemctl preset foo.service >/dev/null 2>&1 || :\nfi\n';
  assert.equal(unitAfterInstall(installable, { name: 'foo', scripts: post }, centos), {
    unitFileState: 'disabled',
    activeState: 'inactive',
    canReload: true,
    source: 'package foo',
  });
  assert.is(unitAfterInstall(installable, { name: 'foo', scripts: post }, [])!.unitFileState, 'enabled');
  assert.equal(unitAfterInstall(installable, { name: 'foo', scripts: 'systemctl enable --now foo.service' }, centos)!.activeState, 'active');
  assert.is(unitAfterInstall(unit('[Service]\nExecStart=/bin/foo\n'), { name: 'foo', scripts: '' }, [])!.unitFileState, 'static');
  assert.is(unitAfterInstall(installable, { name: 'foo', scripts: 'systemctl mask foo.service' }, []), undefined);
});

test('accounts: useradd/groupadd in scripts, sysusers.d lines', () => {
  assert.equal(
    accountsFromScripts(
      'getent group kube >/dev/null || groupadd -r kube\ngetent passwd kube >/dev/null || useradd -r -g kube -d / -s /sbin/nologin -c "Kubernetes user" kube\n',
    ),
    { users: ['kube'], groups: ['kube'] },
  );
  const sysusers = {
    path: '/usr/lib/sysusers.d/etcd.conf',
    type: 'file' as const,
    mode: '0644',
    owner: 'root',
    group: 'root',
    size: 0,
    config: false,
    content: Buffer.from('u etcd - "etcd user" /var/lib/etcd\ng docker -\n'),
  };
  assert.equal(accountsFromScripts('', [sysusers]), { users: ['etcd'], groups: ['etcd', 'docker'] });
});

test('unsupported and failed previews', () => {
  assert.equal(parsePackagePreview({ code: 0, stdout: 'preview=unsupported rpm is missing\n', stderr: '' }).supported, false);
  assert.throws(
    () => parsePackagePreview({ code: 0, stdout: 'preview=failed\n', stderr: 'Error: Unable to find a match: nope\n' }),
    /package preview failed.*Unable to find a match/,
  );
  assert.equal(parseDumpLine('/etc/a b 5 1 ' + 'f'.repeat(64) + ' 0100600 root kube 1 0 0 X'), {
    path: '/etc/a b',
    type: 'file',
    mode: '0600',
    owner: 'root',
    group: 'kube',
    size: 5,
    config: true,
    sha256: 'f'.repeat(64),
  });
  const p = predictedHost({});
  recordPreview(p, { supported: false, reason: 'cannot preview packages on this host: apt', packages: [], cached: [], presets: [] }, new Map(), [
    'hw-hello',
  ]);
  assert.match(p.unknown[0], /apt \(hw-hello\)/);
});

test('hosts previewing the same packages at once go one after the other: the later one only names what the first read', async () => {
  const shared: SharedMemory = {};
  const first = packagePreview(['kubernetes-master'], 'dnf', { memory: {}, shared });
  const second = packagePreview(['kubernetes-master'], 'dnf', { memory: {}, shared });
  assert.is(first.after, undefined);
  assert.ok(second.after);
  assert.not.match(first.probe().command, /case '/);
  first.record(first.probe().parse(master.probe));
  await second.after;
  const known = second.probe().command;
  for (const p of parsePackagePreview(master.probe).packages) assert.ok(known.includes(p.sha256), 'the second host is told what the controller has');
});

test("an earlier write of this check run replaces the host's answer: loop items on one file diff against each other", () => {
  const memory: HostMemory = {};
  const ctx = {
    check: true,
    diff: true,
    earlierChangePredicted: false,
    sensitive: false,
    memory,
    shared: {},
    runAs: 'root',
    vars: {},
    host: 'h',
    renderTemplate: () => '',
    facts: () => Promise.reject(new Error('no')),
  };
  const hosts = parseFileStat({
    code: 0,
    stdout: `type=file\nattrs=644 root root 10\nparent=yes\nsha256=x\n---content---\n${Buffer.from('127.0.0.1 localhost\n').toString('base64')}\n`,
    stderr: '',
  });
  const first = lineType.plan({ path: '/etc/hosts', line: '10.0.0.1 a' }, hosts, ctx as never);
  const second = lineType.plan({ path: '/etc/hosts', line: '10.0.0.2 b' }, hosts, ctx as never);
  assert.equal(second.status === 'change' && second.diff, [
    { kind: 'file', path: '/etc/hosts', before: '127.0.0.1 localhost\n10.0.0.1 a\n', after: '127.0.0.1 localhost\n10.0.0.1 a\n10.0.0.2 b\n' },
  ]);
  assert.is(first.status, 'change');
  // The same line again: ok, as the real run's second item would find.
  assert.is(lineType.plan({ path: '/etc/hosts', line: '10.0.0.2 b' }, hosts, ctx as never).status, 'ok');
  // A file task writing a file, then a file task with the same content: ok.
  const absentHere = parseFileStat({ code: 0, stdout: 'type=absent\nparent=yes\n', stderr: '' });
  assert.is(planFile({ path: '/etc/x', content: 'a' }, overlayFile(absentHere, undefined, '/etc/x'), Buffer.from('a'), check).status, 'change');
  // Not in check mode: nothing recorded, nothing read through.
  const real: HostMemory = {};
  lineType.plan({ path: '/etc/hosts', line: '10.0.0.1 a' }, hosts, { ...ctx, check: false, memory: real } as never);
  assert.equal(real, {});
});

test('a "may change" names what could not be previewed', () => {
  const memory: HostMemory = {};
  const p = predictedHost(memory);
  packagePreview(['hw-hello'], 'apt', { memory, shared: {} }).record(
    parsePackagePreview({ code: 0, stdout: 'preview=unsupported apt\n', stderr: '' }),
  );
  const plan = withUnknown({ status: 'may-change' as const, reason: 'hello.service does not exist yet' }, p);
  assert.match(plan.reason, /hello\.service does not exist yet; not previewed: cannot preview packages on this host: apt \(hw-hello\)/);
});

test.run();
