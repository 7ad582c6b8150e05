/**
 * Rewrites a parsed Handlebars template so that strict mode means "a missing variable is an error"
 * everywhere, not only in `{{name}}`:
 *
 * - variables given to helpers (`{{join servers ","}}`, `{{#each groups.etcd}}`) are looked up
 *   strictly, so a typo fails with its line instead of rendering nothing;
 * - the arguments of `if`, `unless` and `default` are looked up softly: a missing variable is
 *   `undefined` there, which is what `{{#if x}}` and `{{default x "y"}}` are for;
 * - a helper call whose result is `undefined` (`{{lookup hostvars "nope"}}`) fails too.
 */
// The AST types are the global `hbs` namespace declared by handlebars' typings.
import type {} from 'handlebars';

type Node = hbs.AST.Node & Record<string, unknown>;
type Path = hbs.AST.PathExpression & { strict?: boolean; loc: hbs.AST.SourceLocation };

/** Helpers whose arguments may be missing variables. */
export const SOFT_HELPERS = new Set(['if', 'unless', 'default']);
/** Internal helper names used by the rewrite. */
export const SOFT_GET = '__hw_get';
export const CHECK_OUT = '__hw_out';

const pathNode = (name: string, loc: hbs.AST.SourceLocation): Path =>
  ({ type: 'PathExpression', data: false, depth: 0, parts: [name], original: name, loc }) as Path;
const stringNode = (value: string, loc: hbs.AST.SourceLocation) => ({ type: 'StringLiteral', value, original: value, loc });

/** `a.b` (missing a is fine) -> `(__hw_get this "a" "b")`, keeping `../` depth and `@data` roots. */
function soften(p: Path, scope: Set<string>): Node {
  if (p.parts.length === 0) return p as unknown as Node; // `this`, `..`
  if (!p.data && p.depth === 0 && scope.has(p.parts[0])) return p as unknown as Node; // block param
  let root: Path;
  let rest: string[];
  if (p.data) {
    if (p.parts.length === 1) return p as unknown as Node; // @index, @key: always defined inside their block
    root = { ...p, parts: [p.parts[0]], original: `@${p.parts[0]}` };
    rest = p.parts.slice(1);
  } else {
    root = { ...p, parts: [], original: 'this' };
    rest = p.parts;
  }
  return {
    type: 'SubExpression',
    path: pathNode(SOFT_GET, p.loc),
    params: [root, ...rest.map((r) => stringNode(r, p.loc))],
    hash: undefined,
    loc: p.loc,
  } as unknown as Node;
}

function visitCall(node: Node, scope: Set<string>): void {
  const path = node.path as Path | undefined;
  const soft = path?.type === 'PathExpression' && SOFT_HELPERS.has(path.original);
  const params = (node.params as Node[] | undefined) ?? [];
  node.params = params.map((p) => {
    if (p.type === 'PathExpression') {
      if (soft) return soften(p as unknown as Path, scope);
      (p as unknown as Path).strict = true;
      return p;
    }
    visit(p, scope);
    return p;
  });
  const hash = node.hash as { pairs: { value: Node }[] } | undefined;
  for (const pair of hash?.pairs ?? []) {
    if (pair.value.type === 'PathExpression') (pair.value as unknown as Path).strict = true;
    else visit(pair.value, scope);
  }
}

/** Walk the AST in place; `scope` holds the block parameters (`as |h|`) visible here. */
export function visit(node: Node | undefined | null, scope: Set<string> = new Set()): void {
  if (!node) return;
  switch (node.type) {
    case 'Program':
      for (const s of node.body as Node[]) visit(s, scope);
      return;
    case 'MustacheStatement':
    case 'SubExpression':
      visitCall(node, scope);
      return;
    case 'BlockStatement': {
      visitCall(node, scope);
      for (const key of ['program', 'inverse'] as const) {
        const prog = node[key] as (Node & { blockParams?: string[] }) | undefined;
        visit(prog, prog?.blockParams?.length ? new Set([...scope, ...prog.blockParams]) : scope);
      }
      return;
    }
    default:
      return;
  }
}

/** `{{helper args}}` -> `{{__hw_out (helper args)}}`, so an undefined result is reported. */
export function checkOutputs(program: Node): void {
  for (const s of program.body as Node[]) {
    if (s.type === 'MustacheStatement') {
      const params = (s.params as Node[]) ?? [];
      const hash = s.hash as { pairs: unknown[] } | undefined;
      if (params.length === 0 && !hash?.pairs?.length) continue; // `{{name}}` is already strict
      const call = { type: 'SubExpression', path: s.path, params, hash: s.hash, loc: s.loc };
      s.path = pathNode(CHECK_OUT, s.loc as hbs.AST.SourceLocation);
      s.params = [call];
      s.hash = undefined;
    } else if (s.type === 'BlockStatement') {
      for (const key of ['program', 'inverse'] as const) if (s[key]) checkOutputs(s[key] as Node);
    }
  }
}
