/**
 * Splitting a merged package probe's answer (lib/probes/package-merge.ts): each part is what the probe's
 * own command prints; an answer that cannot be attributed with certainty gives undefined (the engine then
 * asks each probe alone), never a wrong part. Real answers are compared with the single probes' on a
 * test host in test/e2e/probe-package-merge.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { packageProbe, parsePackageProbe } from '../../lib/probes/package-query.ts';

const a = packageProbe(['etcd'], 'auto');
const b = packageProbe(['chrony', 'etcd'], 'auto');
const items = [a.merge!.item, b.merge!.item];
const ETCD = 'rpm\tetcd\t(none)\t3.3.11\t1.el7\tx86_64';
const CHRONY = 'rpm\tchrony\t(none)\t2.1.1\t4.el7.centos\tx86_64';

test('one rpm -q for the batch: each probe gets its names, in its order, as its own command prints them', () => {
  const parts = a.merge!.split({ code: 0, stdout: `hw-pkg-fast\nmanager=yum\n${ETCD}\n${CHRONY}\n`, stderr: '' }, items)!;
  assert.is(parts[0].stdout, `manager=yum\nquery\tname\tetcd\n${ETCD}\n`);
  assert.is(parts[1].stdout, `manager=yum\nquery\tname\tchrony\n${CHRONY}\nquery\tname\tetcd\n${ETCD}\n`);
  assert.equal(parsePackageProbe(parts[1]).installed.chrony[0].version, '2.1.1');
});

test('the merged command asks rpm once, for each name once', () => {
  const command = a.merge!.command(items);
  assert.is(command.match(/rpm -q /g)!.length, 1 + 2 * 2, 'one merged rpm -q, plus the two fallback commands with one rpm -q loop each');
  assert.match(command, /-- etcd chrony 2>\/dev\/null\); then/);
});

test('answers that cannot be attributed give undefined, never a wrong part', () => {
  const split = (stdout: string, code = 0) => a.merge!.split({ code, stdout, stderr: '' }, items);
  // A name answered by two packages (multilib): three lines for two names.
  assert.is(split(`hw-pkg-fast\nmanager=yum\n${ETCD}\n${ETCD.replace('x86_64', 'i686')}\n${CHRONY}\n`), undefined);
  assert.is(split(`hw-pkg-fast\nmanager=yum\n${ETCD}\n`), undefined);
  assert.is(split(`hw-pkg-fast\nmanager=apt\n${ETCD}\n${CHRONY}\n`), undefined);
  assert.is(split('', 1), undefined);
  // The fallback cut short, or with a frame out of order.
  assert.is(split('\x1ehw-pkg 0\nmanager=yum\n\n\x1ehw-pkg-rc 0 0\n'), undefined);
  assert.is(split('\x1ehw-pkg 1\nmanager=yum\n\n\x1ehw-pkg-rc 1 0\n\x1ehw-pkg 0\nx\n\x1ehw-pkg-rc 0 0\n'), undefined);
});

test('the framed fallback: each part is its probe own output and exit code', () => {
  const stdout = `\x1ehw-pkg 0\nmanager=yum\nquery\tnone\tetcd\n\n\x1ehw-pkg-rc 0 0\n\x1ehw-pkg 1\nmanager=none\n\n\x1ehw-pkg-rc 1 3\n`;
  const parts = a.merge!.split({ code: 0, stdout, stderr: '' }, items)!;
  assert.equal(parts, [
    { code: 0, stdout: 'manager=yum\nquery\tnone\tetcd\n', stderr: '' },
    { code: 3, stdout: 'manager=none\n', stderr: '' },
  ]);
});

test('probes for another manager choice do not merge with these', () => {
  assert.is.not(packageProbe(['etcd'], 'yum').merge!.kind, a.merge!.kind);
});

test.run();
