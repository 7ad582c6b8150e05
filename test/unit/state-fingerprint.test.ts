/**
 * The probed-state fingerprint saved plans are checked against (lib/engine/state-fingerprint.ts): Buffers (a
 * file's old content) are written without a replacer call per byte, and every fingerprint is still the
 * one the plain JSON.stringify formula gives, so plans saved before stay valid.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { stateFingerprint } from '../../lib/engine/state-fingerprint.ts';

/** The formula as it was: JSON.stringify with a replacer for Map, Set and bigint. */
function reference(states: unknown[]): string {
  const json = JSON.stringify(states, (_k, v) =>
    v instanceof Map ? { map: [...v] } : v instanceof Set ? { set: [...v] } : typeof v === 'bigint' ? String(v) : v,
  );
  return createHash('sha256')
    .update(json ?? 'undefined')
    .digest('hex')
    .slice(0, 32);
}

test('fingerprints of states with Buffers, Maps, Sets and bigints are those of the plain formula', () => {
  const content = Buffer.from(Array.from({ length: 333 }, (_, i) => `key${i}=round-1\n`).join(''));
  const cases: unknown[][] = [
    [{ type: 'file', mode: '0644', sha256: 'ab', content }],
    [{ content: Buffer.alloc(0) }, { content: Buffer.from([0, 9, 10, 99, 100, 255]) }, { same: content, again: content }],
    [{ m: new Map([['a', Buffer.from('x')]]), s: new Set([1n, 'y']) }],
    [{ text: 'hw-buffer-0123456789abcdef-0', n: 1 }, 'a "quoted" \u0000 string'],
    [undefined, null, [Buffer.from('nested')]],
    [{ at: new Date(0), big: 12n, deep: { a: [1, { b: Buffer.from([1]) }], u: undefined, f: () => 1 } }],
    [{ all: Buffer.from(Array.from({ length: 256 }, (_, i) => i)) }],
  ];
  cases.forEach((states, i) => assert.is(stateFingerprint(states), reference(states), `case ${i}`));
  assert.is.not(stateFingerprint([{ content }]), stateFingerprint([{ content: Buffer.from('other') }]));
});

test.run();
