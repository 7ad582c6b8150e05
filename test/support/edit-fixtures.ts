/**
 * The line/block fixtures (test/fixtures/line/, recorded from Ansible by verify-with-ansible.py) as bytes,
 * and the task's own byte path: decode the file losslessly, edit, encode. The optional fields
 * `encoding: 'latin1'`, `link` and `fill` are described in verify-with-ansible.py.
 */
import { decodeBytes, encodeText } from '../../lib/tasks/file-bytes.ts';
import type { LineEditResult } from '../../lib/tasks/line-edit.ts';

/** One fixture as stored. */
export interface EditFixture<Args> {
  description: string;
  initial: string | null;
  args: Args;
  after: string | null;
  changed: boolean;
  message: string;
  failed?: boolean;
  /** Defaults to false: the second run on `after` changes nothing. */
  changedSecondRun?: boolean;
  /** Check mode's answer when it differs from `changed`. */
  checkChanged?: boolean;
  encoding?: 'latin1';
  link?: boolean;
  linkKept?: boolean;
  fill?: { text: string; times: number };
  /** Set when hostwright differs from Ansible on purpose (and why). */
  ansible?: string;
}

/** A fixture's `initial` or `after` as the file's bytes (`null`: no file). */
export function fixtureBytes(fx: EditFixture<unknown>, text: string | null): Buffer | null {
  if (text === null) return null;
  const data = Buffer.from(text, fx.encoding === 'latin1' ? 'latin1' : 'utf8');
  return fx.fill ? Buffer.concat([Buffer.from(fx.fill.text.repeat(fx.fill.times)), data]) : data;
}

/** Run a pure edit the way the task does: bytes in, bytes out (`content` null: no file). */
export function editBytes(
  edit: (current: string | null) => LineEditResult,
  bytes: Buffer | null,
): { result: LineEditResult; content: Buffer | null } {
  const result = edit(bytes === null ? null : decodeBytes(bytes));
  return { result, content: result.content === null ? null : encodeText(result.content) };
}
