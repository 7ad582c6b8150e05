/**
 * copy: the tree probe's parser on outputs recorded from a test host (test/fixtures/copy/probe-*.json),
 * the pure plan on fixtures (plan-*.json), idempotence (the planned tree plans ok afterwards), the apply's
 * shell text, the controller-side tree reader and tar, the argument refusals, and a real run with the
 * local connection on this machine (first changed, second ok, only the changed file rewritten).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtures } from '../support/fixtures.ts';
import { PROBE_KINDS, RERECORD } from '../support/probe-recordings.ts';
import { parseCopyTree, type CopyState, type TreeEntry } from '../../lib/probes/copy-tree.ts';
import { copy, copyProbeInputs, copyTreeCommand, planCopy, remoteWanted, type CopyPlanData, type WantedTree } from '../../lib/tasks/copy.ts';
import { localTar, readLocalTree } from '../../lib/tasks/local-tree.ts';
import { hostResults, localInventory, runTasks, statuses } from '../support/run.ts';
import { findModule } from '../../lib/adhoc/modules.ts';
import { parseModuleArgs } from '../../lib/adhoc/args.ts';

const { files, load } = fixtures('copy');
const real = { check: false, earlierChangePredicted: false };

test('there are copy fixtures', () => {
  assert.ok(files.filter((f) => f.startsWith('probe-')).length >= 8);
  assert.ok(files.filter((f) => f.startsWith('plan-')).length >= 15);
});

for (const f of files.filter((f) => f.startsWith('probe-'))) {
  const fx = load(f);
  test(`probe ${f}: ${fx.description}`, () => {
    assert.ok(fx.result, `${f} was never recorded on a test host`);
    assert.equal(parseCopyTree(fx.result), fx.state);
    assert.is(PROBE_KINDS.copy.command(fx.probe), fx.command, RERECORD);
  });
}

test('probe: names with spaces and newlines survive, checksums attach to files, symlinks are not followed', () => {
  const { state } = load('probe-tree.json') as { state: CopyState };
  const e = state.target.entries;
  assert.is(state.target.path, '/tmp/rec/dest/conf.d');
  assert.is(e['sub/with space'].type, 'f');
  assert.is(e['new\nline'].sha256, 'a1fce4363854ff888cff4b8e7875d600c2682390412a8cf79b37d0b11148b0fa'); // sha256 of "y"
  assert.is(e['sub/key'].mode, '0600');
  assert.is(e['sub/key'].owner, 'nobody');
  assert.is(e.link.type, 'l');
  assert.is(e.link.sha256, undefined);
  assert.is(e[''].type, 'd');
});

test('probe: a file into a directory lands inside it; a trailing slash names the file; a link is the target itself', () => {
  assert.is(load('probe-file-into-dir.json').state.target.path, '/tmp/rec/dest/motd');
  assert.is(load('probe-file-slash-absent.json').state.target.path, '/tmp/rec/new/motd');
  assert.equal(load('probe-file-slash-absent.json').state.target.entries, {});
  assert.is(load('probe-dest-is-link.json').state.target.entries[''].type, 'l');
  assert.is(load('probe-remote-file.json').state.target.path, '/tmp/rec/dest/f.txt');
  assert.is(load('probe-remote-tree.json').state.target.path, '/tmp/rec/dest/app');
});

/** The host's tree after a plan is applied (what apply does, on the model). */
function applied(args: any, state: CopyState, wanted: WantedTree, data: CopyPlanData): CopyState {
  const entries: Record<string, TreeEntry> = structuredClone(state.target.entries);
  const base = {
    owner: args.owner ?? 'root',
    group: args.group ?? 'root',
    uid: args.owner === 'nobody' ? '65534' : '0',
    gid: args.group === 'nogroup' ? '65534' : '0',
  };
  for (const d of data.mkdir) entries[d.path] = { type: 'd', mode: d.mode, size: 0, ...base };
  for (const f of data.send) entries[f] = { type: 'f', mode: data.fileModes[f], size: wanted[f].size, sha256: wanted[f].sha256, ...base };
  for (const a of data.attrs) {
    const e = entries[a.path];
    Object.assign(
      e,
      a.attrs.mode ? { mode: a.attrs.mode } : {},
      a.attrs.owner ? { owner: a.attrs.owner, uid: a.attrs.owner === 'nobody' ? '65534' : e.uid } : {},
      a.attrs.group ? { group: a.attrs.group } : {},
    );
  }
  for (const r of data.remove) for (const k of Object.keys(entries)) if (k === r || k.startsWith(`${r}/`)) delete entries[k];
  return { ...state, target: { ...state.target, entries } };
}

for (const f of files.filter((f) => f.startsWith('plan-'))) {
  const fx = load(f);
  test(`plan ${f}: ${fx.description}`, () => {
    const plan = planCopy(fx.args, fx.state, fx.wanted, fx.ctx ?? real);
    assert.equal(plan, fx.plan);
    if (plan.status === 'change') {
      const after = applied(fx.args, fx.state, fx.wanted, plan.data!);
      assert.is(planCopy(fx.args, after, fx.wanted, real).status, 'ok', 'second run is ok');
    }
  });
}

test('remote source: symlinks and special files are not part of the wanted tree', () => {
  const { state } = load('probe-remote-tree.json') as { state: CopyState };
  const wanted = remoteWanted(state);
  assert.equal(Object.keys(wanted).sort(), ['', 'lib', 'lib/two', 'one']);
  const plan = planCopy({ src: '/tmp/rec/src/app', dest: '/tmp/rec/dest', remoteSrc: true }, state, wanted, real);
  assert.is(plan.status === 'change' && plan.summary, '/tmp/rec/dest/app: send 1 file, create 1 directory');
});

test('probe inputs follow Ansible: dir → dest/dir, dir/ → dest, a file → dest or dest/NAME', () => {
  assert.equal(copyProbeInputs({ src: '/c/site', dest: '/srv' }, true), { dest: '/srv', name: 'site', nameMode: 'always' });
  assert.equal(copyProbeInputs({ src: '/c/site/', dest: '/srv' }, true), { dest: '/srv', nameMode: 'never' });
  assert.equal(copyProbeInputs({ src: '/c/motd', dest: '/etc/' }, false), { dest: '/etc/', name: 'motd', nameMode: 'ifDir' });
  assert.equal(copyProbeInputs({ content: 'x', dest: '/etc/motd' }, false), { dest: '/etc/motd', nameMode: 'never' });
  assert.equal(copyProbeInputs({ src: '/h/app', dest: '/srv', remoteSrc: true }, false), {
    dest: '/srv',
    name: 'app',
    nameMode: 'srcDir',
    remoteSrc: '/h/app',
  });
});

test('apply text: tar unpacked beside with --no-same-owner, modes before the rename, every path quoted', () => {
  const data: CopyPlanData = {
    target: "/srv/it's",
    single: false,
    send: ['a b', 'sub/$x'],
    mkdir: [{ path: 'sub', mode: '0750' }],
    attrs: [{ path: 'c', attrs: { mode: '0600' } }],
    remove: ['old dir'],
    fileModes: { 'a b': '0644', 'sub/$x': '0600' },
  };
  const text = copyTreeCommand({ src: '/c', dest: '/srv', owner: 'nobody' }, data);
  assert.match(text, /^t='\/srv\/it'\\''s'$/m);
  assert.match(text, /tar -C "\$x" --no-same-owner -xf "\$a" \|\| exit 1/);
  const checked = copyTreeCommand({ src: '/c', dest: '/srv' }, data, { size: 10240, sha256: 'f'.repeat(64) });
  assert.match(checked, /f{64}[^\n]*incomplete upload: received \$\{hw_n:-no\} of 10240 bytes/, 'the stream is checked before it is unpacked');
  assert.ok(checked.indexOf('incomplete upload') < checked.indexOf('tar -C'));
  assert.match(text, /chmod 0644 -- '.\/a b'/);
  assert.match(text, /chmod 0600 -- '.\/sub\/\$x'/);
  assert.match(text, /mkdir -p -- "\$t"\/sub \|\| exit 1\nchown nobody -- "\$t"\/sub/);
  assert.match(text, /rm -rf -- '.\/old dir'/);
  assert.ok(text.indexOf('chmod 0644') < text.indexOf('mv -f'), 'modes are set before files are renamed into place');
  const remote = copyTreeCommand({ src: '/h/app', dest: '/srv', remoteSrc: true }, { ...data, attrs: [], remove: [] });
  assert.match(remote, /tar --null -C \/h\/app -T - -cf - \| tar -C "\$x" --no-same-owner -xf -/);
});

const dir = mkdtempSync(join(tmpdir(), 'hw-copy-unit-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('the local tree reader and tar: modes, checksums, followed symlinks, only the chosen files', async () => {
  const src = join(dir, 'src');
  mkdirSync(join(src, 'd'), { recursive: true });
  writeFileSync(join(src, 'd/f'), 'hello');
  chmodSync(join(src, 'd/f'), 0o600);
  execFileSync('ln', ['-s', 'd/f', join(src, 'l')]);
  const t = readLocalTree(src);
  assert.equal(Object.keys(t), ['', 'd', 'd/f', 'l']);
  assert.equal(t['d/f'], { type: 'f', mode: '0600', size: 5, sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824' });
  assert.equal(t.l, t['d/f'], 'a symlink is followed');
  const tar = await localTar(src, ['l']);
  const out = join(dir, 'out');
  mkdirSync(out);
  execFileSync('tar', ['-C', out, '-xf', '-'], { input: tar });
  assert.is(readFileSync(join(out, 'l'), 'utf8'), 'hello');
  assert.ok(statSync(join(out, 'l')).isFile());
  assert.throws(() => readLocalTree(join(dir, 'none')), /ENOENT/);
});

test('a real run with the local connection: changed, then ok, and only the changed file is rewritten', async () => {
  const src = join(dir, 'site');
  const dest = join(dir, 'dest');
  mkdirSync(join(src, 'a'), { recursive: true });
  writeFileSync(join(src, 'a/one'), '1');
  writeFileSync(join(src, 'two'), '2');
  const inventory = localInventory(['here']);
  const task = copy({ src, dest, mode: '0640' });
  assert.equal(statuses(await runTasks([task], { inventory, check: true }), 'here'), ['changed']);
  assert.throws(() => statSync(dest));
  assert.equal(statuses(await runTasks([task], { inventory }), 'here'), ['changed']);
  assert.is(readFileSync(join(dest, 'site/a/one'), 'utf8'), '1');
  assert.is((statSync(join(dest, 'site/two')).mode & 0o777).toString(8), '640');
  assert.equal(statuses(await runTasks([task], { inventory }), 'here'), ['ok']);
  const inode = statSync(join(dest, 'site/a/one')).ino;
  writeFileSync(join(src, 'two'), '22');
  const third = await runTasks([task], { inventory });
  assert.is(hostResults(third, 'here')[0].message, `${dest}/site: send 1 file`);
  assert.is(readFileSync(join(dest, 'site/two'), 'utf8'), '22');
  assert.is(statSync(join(dest, 'site/a/one')).ino, inode);
});

test('bad arguments are refused when the task is defined', () => {
  assert.throws(() => copy({ dest: '/x' } as any), /give either src or content/);
  assert.throws(() => copy({ src: join(dir, 'nothing'), dest: '/x' }), /does not exist on this machine/);
  assert.throws(() => copy({ content: 'x', dest: '/x', delete: true }), /need src, not content/);
  assert.throws(() => copy({ src: 'rel', dest: '/x', remoteSrc: true }), /absolute path on the host/);
  assert.throws(() => copy({ src: '/etc/hostname', dest: 'relative' }), /dest/);
});

test('ad-hoc: Ansible argument names map onto copy', () => {
  const m = findModule('copy');
  assert.equal(parseModuleArgs('src=/a/ dest=/b remote_src=yes directory_mode=0700', m.type, m.args), {
    src: '/a/',
    dest: '/b',
    remoteSrc: true,
    directoryMode: '0700',
  });
});

test.run();
