/**
 * mount: the probe's answers recorded from a test host (test/fixtures/mount/: tmpfs mounts inside the
 * container, fstab lines with options in another order, a mount point with a space), the fstab line and
 * its editing (options as a set, escapes, the line kept in place), the plan for every state, idempotence,
 * refusals and the Ansible module name.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures } from '../support/fixtures.ts';
import { PROBE_KINDS, RERECORD } from '../support/probe-recordings.ts';
import { editFstab, fstabLine, mount, parseMount, planMount, type MountArgs, type MountState } from '../../lib/tasks/mount.ts';
import { findModule } from '../../lib/adhoc/modules.ts';
import { parseModuleArgs } from '../../lib/adhoc/args.ts';

const { files, load } = fixtures('mount');
const real = { check: false, earlierChangePredicted: false };
const st = (f: string): MountState => load(f).state;

for (const f of files.filter((f) => f.startsWith('probe-'))) {
  const fx = load(f);
  test(`probe ${f}: ${fx.description}`, () => {
    assert.ok(fx.result, `${f} was never recorded on a test host`);
    assert.equal(parseMount(fx.result), fx.state);
    assert.is(PROBE_KINDS.mount.command(fx.probe), fx.command, RERECORD);
  });
}

const m1: MountArgs = { path: '/tmp/rec/m1', src: 'tmpfs', fstype: 'tmpfs', opts: 'size=1m,mode=0755', state: 'mounted', fstab: '/tmp/rec/fstab' };

/** The state after a plan's apply, on the model. */
function applied(args: MountArgs, s: MountState, plan: ReturnType<typeof planMount>): MountState {
  if (plan.status !== 'change') return s;
  const d = plan.data!;
  const last = d.actions[d.actions.length - 1];
  const live = last === 'umount' ? undefined : d.actions.length ? { src: args.src!, fstype: args.fstype!, opts: 'rw' } : s.live;
  return { ...s, fstab: d.fstab ?? s.fstab, fstabExists: true, pathIsDir: true, ...(live ? { live } : {}), ...(live ? {} : { live: undefined }) };
}

test('mounted: line added, mount point made, mounted; the result plans ok', () => {
  const s = st('probe-not-mounted.json');
  const plan = planMount(m1, s, real);
  assert.equal(plan.status === 'change' && plan.data, {
    fstab: '# fstab\ntmpfs /tmp/rec/m1 tmpfs size=1m,mode=0755 0 0\n',
    actions: ['mkdir', 'mount'],
  });
  assert.is(plan.status === 'change' && plan.summary, 'add the line in /tmp/rec/fstab, mount /tmp/rec/m1');
  const after = JSON.parse(JSON.stringify(applied(m1, s, plan)));
  assert.is(planMount(m1, after, real).status, 'ok');
});

test('mounted and in fstab with the options in another order: ok; other options: the line and a remount', () => {
  const s = st('probe-mounted-tmpfs.json');
  assert.equal(planMount(m1, s, real), { status: 'ok', reason: '/tmp/rec/fstab has the line; /tmp/rec/m1 is mounted' });
  const bigger = planMount({ ...m1, opts: 'size=2m,mode=0755' }, s, real);
  assert.equal(bigger.status === 'change' && bigger.data, {
    fstab: '# fstab\ntmpfs /tmp/rec/m1 tmpfs size=2m,mode=0755 0 0\n',
    actions: ['remount'],
  });
});

test('another source mounted: unmount and mount; unmounted leaves the fstab; absent removes both; present the line only', () => {
  const other = st('probe-other-source.json');
  const m3: MountArgs = { path: '/tmp/rec/m3', src: 'newfs', fstype: 'tmpfs', state: 'mounted', fstab: '/tmp/rec/fstab' };
  const swap = planMount(m3, other, real);
  assert.equal(swap.status === 'change' && swap.data, { actions: ['umount', 'mount'] });
  const un = planMount({ path: '/tmp/rec/m1', state: 'unmounted', fstab: '/tmp/rec/fstab' }, st('probe-mounted-tmpfs.json'), real);
  assert.equal(un.status === 'change' && un.data, { actions: ['umount'] });
  assert.equal(planMount({ path: '/tmp/rec/m1', state: 'unmounted' }, st('probe-not-mounted.json'), real), {
    status: 'ok',
    reason: '/tmp/rec/m1 is not mounted',
  });
  const gone = planMount({ path: '/tmp/rec/m1', state: 'absent', fstab: '/tmp/rec/fstab' }, st('probe-mounted-tmpfs.json'), real);
  assert.equal(gone.status === 'change' && gone.data, { fstab: '# fstab\n', actions: ['umount'] });
  assert.is(gone.status === 'change' && gone.summary, 'unmount /tmp/rec/m1, remove the line from /tmp/rec/fstab');
  const present = planMount({ ...m1, path: '/tmp/rec/m2', state: 'present' }, st('probe-no-fstab.json'), real);
  assert.equal(present.status === 'change' && present.data, { fstab: 'tmpfs /tmp/rec/m2 tmpfs size=1m,mode=0755 0 0\n', actions: [] });
});

test('a mount point with a space is escaped as \\040 and recognised', () => {
  const s = st('probe-space.json');
  assert.equal(s.live?.src, 'tmpfs');
  assert.equal(
    planMount({ path: '/tmp/rec/with space', src: 'tmpfs', fstype: 'tmpfs', state: 'mounted', fstab: '/tmp/rec/fstab' }, s, real).status,
    'ok',
  );
  assert.is(
    fstabLine({ path: '/mnt/a b', src: '//srv/share x', fstype: 'cifs', state: 'present' }),
    '//srv/share\\040x /mnt/a\\040b cifs defaults 0 0',
  );
});

test('remounted: always a change when mounted (not idempotent); fails when not mounted', () => {
  assert.equal(planMount({ path: '/tmp/rec/m1', state: 'remounted' }, st('probe-mounted-tmpfs.json'), real).status, 'change');
  assert.is(planMount({ path: '/tmp/rec/m1', state: 'remounted' }, st('probe-not-mounted.json'), real).status, 'failed');
  assert.is(mount.type.idempotent!({ path: '/a', state: 'remounted' }), false);
});

test('fstab edits keep comments and other lines; a duplicate line for the path goes', () => {
  const text = '# c\nUUID=1 / xfs defaults 0 0\n/dev/b /data xfs noatime 0 2\n/dev/c /data xfs defaults 0 0\n';
  assert.is(
    editFstab(text, { path: '/data', state: 'present' }, '/dev/b /data xfs noatime 0 2').text,
    '# c\nUUID=1 / xfs defaults 0 0\n/dev/b /data xfs noatime 0 2\n',
  );
  assert.is(editFstab(text, { path: '/data', state: 'absent' }, undefined).text, '# c\nUUID=1 / xfs defaults 0 0\n');
});

test('as Ansible: an unchanged fstab keeps its bytes (no final newline); & is written \\046 and matched either way', () => {
  const text = '# c\ntmpfs /mnt/d tmpfs defaults 0 0';
  const args: MountArgs = { path: '/mnt/d', src: 'tmpfs', fstype: 'tmpfs', state: 'present' };
  assert.is(editFstab(text, args, fstabLine(args)).text, text);
  assert.is(
    editFstab(text, { ...args, path: '/mnt/e' }, fstabLine({ ...args, path: '/mnt/e' })).text,
    '# c\ntmpfs /mnt/d tmpfs defaults 0 0\ntmpfs /mnt/e tmpfs defaults 0 0\n',
  );
  const amp = { ...args, path: '/mnt/a&b' };
  assert.is(fstabLine(amp), 'tmpfs /mnt/a\\046b tmpfs defaults 0 0');
  assert.is(editFstab('tmpfs /mnt/a&b tmpfs defaults 0 0\n', amp, fstabLine(amp)).text, 'tmpfs /mnt/a&b tmpfs defaults 0 0\n');
  assert.is(editFstab('tmpfs /mnt/a\\046b tmpfs defaults 0 0\n', { ...amp, state: 'absent' }, undefined).text, '');
});

test("a bind mount is ok when mounted, although the kernel shows the folder's device and type", () => {
  const live: MountState = {
    fstabExists: true,
    fstab: '/srv/b /mnt/b none bind 0 0\n',
    pathIsDir: true,
    live: { src: 'overlay', fstype: 'overlay', opts: 'rw' },
  };
  const bind: MountArgs = { path: '/mnt/b', src: '/srv/b', fstype: 'none', opts: 'bind', state: 'mounted' };
  assert.equal(planMount(bind, live, real), { status: 'ok', reason: '/etc/fstab has the line; /mnt/b is mounted' });
  assert.is(
    planMount({ ...bind, opts: 'ro' }, live, real).status === 'change' && (planMount({ ...bind, opts: 'ro' }, live, real) as any).data.actions[0],
    'umount',
    'not a bind mount: another source',
  );
});

test('refusals; Ansible names', () => {
  assert.throws(() => mount({ path: '/mnt/x', state: 'mounted' }), /needs src and fstype/);
  assert.throws(() => mount({ path: '/', state: 'absent' }), /cannot be managed/);
  assert.throws(() => mount({ path: '/mnt/x', state: 'bogus' as any }), /state/);
  const m = findModule('ansible.posix.mount');
  assert.equal(parseModuleArgs('name=/mnt/x src=tmpfs fstype=tmpfs state=mounted opts=size=1m', m.type, m.args), {
    path: '/mnt/x',
    src: 'tmpfs',
    fstype: 'tmpfs',
    state: 'mounted',
    opts: 'size=1m',
  });
});

test.run();
