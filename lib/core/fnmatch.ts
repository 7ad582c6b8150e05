/**
 * Shell-style globs as Python's fnmatch (and so Ansible's host patterns, yum's and dnf's package globs)
 * read them: `*` and `?` match any character (also `.`, `-`, `/`), `[...]` a set, `[!...]` its complement,
 * an unclosed `[` itself. Shared by host patterns and package names.
 */

/** A regular expression matching the whole of a string against `glob`. */
export function fnmatchRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^(?:${re})$`, 's');
}
