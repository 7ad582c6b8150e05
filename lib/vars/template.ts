/**
 * Templates: Handlebars with `noEscape` (config files are not HTML) and `strict` (a missing variable
 * is an error, never an empty string), in an isolated Handlebars environment with the helpers of
 * template-helpers.ts. A missing variable or a syntax error throws a {@link TemplateError} naming the
 * template and the line, before anything is written. Optional values use `default`:
 * `{{default etcd_port 2379}}` and `{{#if extra_flags}}...{{/if}}` accept a missing variable.
 */
import { createRequire } from 'node:module';
import type Handlebars from 'handlebars';
import { TemplateError } from '../core/errors.ts';
import { checkOutputs, visit } from './template-ast.ts';
import { HelperFailure, helpers } from './template-helpers.ts';

// Handlebars is loaded with the first template (a run without one skips its ~240 KB of code and its
// set-up), synchronously since rendering is. The build points this at the bundled copy
// (dist/lib/vendor/handlebars.cjs, scripts/build-vendor.ts).
const lazyRequire = createRequire(import.meta.url);
let loaded: typeof Handlebars | undefined;
function handlebars(): typeof Handlebars {
  if (!loaded) {
    loaded = (lazyRequire('handlebars') as typeof Handlebars).create();
    for (const [name, fn] of Object.entries(helpers)) loaded.registerHelper(name, fn);
  }
  return loaded;
}

type Compiled = (vars: object) => string;
const cache = new Map<string, Compiled>();
const CACHE_LIMIT = 1000;

/** The `{{...}}` expression around line/column (Handlebars points inside it), to quote in messages. */
function expressionAt(source: string, line?: number, column?: number): string | undefined {
  if (line === undefined || column === undefined) return undefined;
  const text = source.split('\n')[line - 1] ?? '';
  const start = text.lastIndexOf('{{', column);
  if (start < 0) return undefined;
  const end = text.indexOf('}}', start);
  return end < 0 ? undefined : text.slice(start, end + 2).replace(/^\{\{\{/, '{{');
}

/** First line whose `{{...}}` mentions `name`: a best guess when the runtime error has no location. */
function guessLine(source: string, name: string): number | undefined {
  const re = new RegExp(`\\{\\{[^}]*(?<![\\w.])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w])`);
  const index = source.split('\n').findIndex((l) => re.test(l));
  return index < 0 ? undefined : index + 1;
}

/** Turn whatever Handlebars or a helper threw into a TemplateError with the line. */
function toTemplateError(name: string, source: string, error: unknown): TemplateError {
  if (error instanceof TemplateError) return error;
  if (error instanceof HelperFailure) {
    const expr = expressionAt(source, error.line, error.column === undefined ? undefined : error.column + 2);
    return new TemplateError(name, `${error.message}${expr ? ` in ${expr}` : ''}`, error.line);
  }
  const e = error as { message?: string; lineNumber?: number; column?: number };
  let message = String(e.message ?? error);
  let line = typeof e.lineNumber === 'number' ? e.lineNumber : undefined;
  const parse = /^Parse error on line (\d+):\n([^]*?)\nExpecting [^]*, got '([^']*)'$/.exec(message);
  const missing = /^"([^"]+)" not defined in (.*?) - \d+:\d+$/.exec(message);
  const notObject = /^Cannot use 'in' operator to search for '([^']+)' in (.*)$/.exec(message);
  if (parse) {
    line = Number(parse[1]);
    const got = parse[3] === 'EOF' ? 'end of template (is a block not closed?)' : parse[3];
    message = `syntax error: unexpected ${got}\n${parse[2]}`;
  } else if (/^Parse error on line (\d+)/.test(message)) {
    line = Number(/^Parse error on line (\d+)/.exec(message)![1]);
    message = `syntax error: ${message.replace(/^Parse error on line \d+:\n/, '')}`;
  } else if (missing) {
    const expr = expressionAt(source, line, e.column);
    message = `"${missing[1]}" is not defined${missing[2] === 'undefined' ? ' (its parent is missing)' : ''}${expr ? ` in ${expr}` : ''}`;
  } else if (notObject) {
    line = guessLine(source, notObject[1]);
    message = `"${notObject[1]}" is not defined: the current value is ${notObject[2]}, not a mapping (inside #each, use ../${notObject[1]} for an outer variable)`;
  } else {
    message = message.replace(/ - \d+:\d+$/, '');
  }
  return new TemplateError(name, message, line);
}

function compile(name: string, source: string): Compiled {
  const key = `${name}\0${source}`;
  let fn = cache.get(key);
  if (fn) return fn;
  let ast;
  try {
    ast = handlebars().parse(source);
  } catch (error) {
    throw toTemplateError(name, source, error);
  }
  visit(ast as never);
  checkOutputs(ast as never);
  const template = handlebars().compile(ast, { noEscape: true, strict: true });
  fn = (vars: object) => template(vars);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, fn);
  return fn;
}

/**
 * Render `source` (the template called `name`, e.g. `roles/etcd/templates/etcd.conf.hbs`) with
 * `vars`. Compiled once per name and source. Throws a {@link TemplateError} with the line for a
 * syntax error, a missing variable or a failing helper.
 */
export function renderTemplate(name: string, source: string, vars: object): string {
  try {
    return compile(name, source)(vars);
  } catch (error) {
    throw toTemplateError(name, source, error);
  }
}

/** How many compiled templates are cached (for tests and diagnostics). */
export function compiledTemplateCount(): number {
  return cache.size;
}

/** Check a template's syntax without rendering it (for validating roles before a run). */
export function checkTemplate(name: string, source: string): void {
  try {
    // Compiled (and cached) as a render would: the same checks, and the render later costs nothing.
    compile(name, source);
  } catch (error) {
    throw toTemplateError(name, source, error);
  }
}
