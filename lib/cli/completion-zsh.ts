/**
 * The zsh completion script (`hostwright completion zsh`), generated from the option table through the
 * completion spec and built on `_arguments`: subcommands, every command's options with their help,
 * files, module names with descriptions, and the module's `key=` words after -a.
 */
import type { CompletionSpec, OptionSpec, SubcommandSpec } from './completion-spec.ts';

/** Text safe inside a single-quoted `_arguments` spec: no quote, brackets or colons. */
const clean = (text: string) => text.replace(/'/g, '').replace(/\[/g, '(').replace(/\]/g, ')').replace(/:/g, ' -');

function actionOf(o: OptionSpec): string {
  switch (o.complete) {
    case 'file':
      return '_files';
    case 'module':
      return '_hostwright_modules';
    case 'module-args':
      return '_hostwright_module_args';
    default:
      return ' ';
  }
}

/** One `_arguments` spec (or two joined, `-i` and `--inventory`, excluding each other). */
function argSpec(o: OptionSpec): string {
  const help = `[${clean(o.help)}]`;
  const value = o.value ? `:${o.long}:${actionOf(o)}` : '';
  const star = o.multiple ? '*' : '';
  if (!o.short) return `'${star}--${o.long}${o.value ? '=' : ''}${help}${value}'`;
  const exclusive = o.multiple ? '' : `(-${o.short} --${o.long})`;
  return `'${exclusive}${star}'{-${o.short}${o.value ? '+' : ''},--${o.long}${o.value ? '=' : ''}}'${help}${value}'`;
}

const specs = (opts: OptionSpec[]) => opts.map((o) => `    ${argSpec(o)}`).join(' \\\n');

/** The `_arguments` specs of a subcommand's positional arguments. */
function positionalSpecs(s: SubcommandSpec): string[] {
  const rest = s.positional === 'file' || s.positional === 'playbook' ? `'*:file:_files'` : undefined;
  if (s.words?.length) return [`'1:${s.word}:(${s.words.join(' ')})'`, ...(rest ? [rest] : [])];
  if (s.positional === 'playbook') return [`'1:playbook:_files -g "*.(ts|js|mjs)(-.)"'`];
  return rest ? [rest] : [];
}

/** The `case` branch of one subcommand: the words after it, completed by `_arguments`. */
function subcommandCase(s: SubcommandSpec): string {
  const lines = [...positionalSpecs(s).map((p) => `    ${p}`), ...s.options.map((o) => `    ${argSpec(o)}`)];
  return `    ${s.word})
      shift words; (( CURRENT-- ))
      _arguments -s${lines.length ? ' \\\n' + lines.join(' \\\n') : ''}
      return ;;`;
}

/** The zsh completion script for `spec`. */
export function zshCompletion(spec: CompletionSpec): string {
  const modules = spec.modules.map((m) => `    '${m.name}:${clean(m.help)}'`).join('\n');
  const argCases = spec.modules.map((m) => `    ${m.name}) keys=(${m.args.join(' ')}) ;;`).join('\n');
  const subs = spec.subcommands.map((s) => `'${s.word}:${clean(s.help)}'`).join(' ');
  return `#compdef hostwright
# zsh completion for hostwright (printed by \`hostwright completion zsh\`).
# Load it in this shell:   source <(hostwright completion zsh)
# Load it in every shell:  hostwright completion zsh > "\${fpath[1]}/_hostwright"

_hostwright_modules() {
  local -a modules
  modules=(
${modules}
  )
  _describe -t modules 'module' modules
}

_hostwright_module_args() {
  local module=command i
  local -a keys
  for (( i = 2; i < CURRENT; i++ )); do
    case $words[i] in
      -m|--module) module=$words[i+1] ;;
      --module=*) module=\${words[i]#--module=} ;;
      -m?*) module=\${words[i]#-m} ;;
    esac
  done
  case $module in
${argCases}
  esac
  compadd -S '' -- \${keys/%/=}
}

_hostwright() {
  if (( CURRENT == 2 )) && [[ $PREFIX != -* ]]; then
    local -a subcommands
    subcommands=(${subs})
    _describe -t subcommands 'subcommand' subcommands
    _message 'or a host pattern (all, a group, a host, a:b, a:&b, a:!b)'
    return
  fi
  case $words[2] in
${spec.subcommands.map(subcommandCase).join('\n')}
  esac
  _arguments -s \\
    '1:host pattern: ' \\
${specs(spec.adhoc)}
}

if [[ $funcstack[1] == _hostwright ]]; then
  _hostwright "$@"
else
  compdef _hostwright hostwright
fi
`;
}
