/**
 * YAML 1.1 plain scalars exactly as PyYAML's resolver reads them (and so Ansible): the `yaml` package's
 * 1.1 schema is close but not equal. Differences fixed here:
 *
 * - `y`/`n` stay strings (PyYAML has no single-letter booleans);
 * - a float needs a dot, and an exponent needs a sign: `1.5e3` and `1e+3` are strings, `1.5e+3` is 1500;
 * - decimal integers do not start with 0 (`09` is a string; `0755` is octal 493);
 * - timestamps become the text `ansible-inventory` prints: `2024-01-02`, `2001-12-14T21:59:43.100000-05:00`
 *   (Python's isoformat), never a JavaScript Date.
 */
import type { ScalarTag, Tags } from 'yaml';

const BOOL = 'tag:yaml.org,2002:bool';
const INT = 'tag:yaml.org,2002:int';
const FLOAT = 'tag:yaml.org,2002:float';
const TIMESTAMP = 'tag:yaml.org,2002:timestamp';

// PyYAML's implicit resolvers (resolver.py), anchored.
const PY_FLOAT_EXP = /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*[eE][-+][0-9]+|\.[0-9_]+[eE][-+][0-9]+)$/;
const PY_FLOAT = /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)$/;
const PY_INT_DEC = /^[-+]?(?:0|[1-9][0-9_]*)$/;
const PY_INT_TIME = /^[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+$/;
const PY_TIMESTAMP =
  /^(?:([0-9]{4})-([0-9]{2})-([0-9]{2})|([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]*))?(?:[ \t]*(Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/;

const pad = (n: string | number, w = 2) => String(n).padStart(w, '0');

/** A YAML timestamp as Python's `date.isoformat()` / `datetime.isoformat()` prints what PyYAML built. */
export function pythonIsoTimestamp(text: string): string {
  const m = PY_TIMESTAMP.exec(text);
  if (!m) return text;
  if (m[1]) return `${m[1]}-${m[2]}-${m[3]}`;
  const [, , , , y, mo, d, h, mi, s, frac, tz] = m;
  let out = `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${mi}:${s}`;
  // PyYAML keeps 6 digits of the fraction; isoformat omits a zero microsecond.
  const micro = frac ? (frac.slice(0, 6) + '000000').slice(0, 6) : '000000';
  if (micro !== '000000') out += `.${micro}`;
  if (tz === 'Z') out += '+00:00';
  else if (tz) {
    const [hh, mm = '00'] = tz.slice(1).split(':');
    out += `${tz[0]}${pad(hh)}:${mm}`;
  }
  return out;
}

/** The `customTags` function giving the `yaml` package PyYAML's YAML 1.1 scalar resolution. */
export function pyyamlScalars(tags: Tags): Tags {
  const out: Tags = [];
  for (const t of tags) {
    if (typeof t !== 'object' || !('test' in t) || !(t.test instanceof RegExp)) {
      out.push(t);
      continue;
    }
    const tag = t as ScalarTag;
    if (tag.tag === BOOL) out.push({ ...tag, test: new RegExp(tag.test!.source.replace('Y|y|', '').replace('N|n|', '')) });
    else if (tag.tag === FLOAT && tag.format === 'EXP') out.push({ ...tag, test: PY_FLOAT_EXP });
    else if (tag.tag === FLOAT && !tag.format && !tag.test!.source.includes('inf')) out.push({ ...tag, test: PY_FLOAT });
    else if (tag.tag === INT && !tag.format) out.push({ ...tag, test: PY_INT_DEC });
    else if (tag.tag === INT && tag.format === 'TIME') out.push({ ...tag, test: PY_INT_TIME });
    else if (tag.tag === TIMESTAMP) out.push({ ...tag, test: PY_TIMESTAMP, resolve: (s: string) => pythonIsoTimestamp(s) } as ScalarTag);
    else out.push(tag);
  }
  return out;
}
