/**
 * The bash completion script (`hostwright completion bash`), generated from the option table through
 * the completion spec: subcommands, every command's options, files where an option or argument names
 * one, playbook files after `run`, module names after -m, the module's `key=` words after -a.
 */
import type { CompletionKind } from './options.ts';
import type { CompletionSpec, OptionSpec, SubcommandSpec } from './completion-spec.ts';

const words = (list: readonly string[]) => list.join(' ');
const names = (o: OptionSpec) => [...(o.short ? [`-${o.short}`] : []), `--${o.long}`];
const flags = (opts: OptionSpec[]) => words(opts.flatMap(names));
/** A `case` pattern of the valued options completed by `kind` (`other`: those completed by nothing). */
const valued = (opts: OptionSpec[], kind: CompletionKind | 'other') => {
  const nothing: CompletionKind[] = ['none', 'host-pattern'];
  const pattern = opts
    .filter((o) => o.value && (kind === 'other' ? nothing.includes(o.complete) : o.complete === kind))
    .flatMap(names)
    .join('|');
  // An empty case pattern is a syntax error: a word nobody types instead.
  return pattern || '--hostwright-none--';
};

const PLAYBOOK_FILES = `compopt -o filenames 2>/dev/null
        COMPREPLY=( $(compgen -d -- "$cur") $(compgen -f -X '!*.ts' -- "$cur") $(compgen -f -X '!*.js' -- "$cur") $(compgen -f -X '!*.mjs' -- "$cur") )`;

/** The `case` branch of one subcommand. */
function subcommandCase(s: SubcommandSpec): string {
  const first = s.words?.length
    ? `COMPREPLY=( $(compgen -W "${words(s.words)}" -- "$cur") )`
    : s.positional === 'playbook'
      ? PLAYBOOK_FILES
      : undefined;
  const positional =
    s.positional === 'file' || s.positional === 'playbook'
      ? '_hostwright_files "$cur"'
      : `COMPREPLY=( $(compgen -W "${flags(s.options)}" -- "$cur") )`;
  return `    ${s.word})
${first ? `      if [[ $COMP_CWORD -eq 2 && $cur != -* ]]; then\n        ${first}\n        return\n      fi\n` : ''}      case "$prev" in
        ${valued(s.options, 'file')}) _hostwright_files "$cur"; return ;;
        ${valued(s.options, 'other')}) return ;;
      esac
      if [[ $cur == -* ]]; then
        COMPREPLY=( $(compgen -W "${flags(s.options)}" -- "$cur") )
      else
        ${positional}
      fi
      return ;;`;
}

/** The bash completion script for `spec`. */
export function bashCompletion(spec: CompletionSpec): string {
  const argCases = spec.modules.map((m) => `    ${m.name}) echo "${m.args.map((a) => `${a}=`).join(' ')}" ;;`).join('\n');
  return `# bash completion for hostwright (printed by \`hostwright completion bash\`).
# Load it in this shell:   source <(hostwright completion bash)
# Load it in every shell:  hostwright completion bash > /etc/bash_completion.d/hostwright

_hostwright_module_args() {
  case "$1" in
${argCases}
  esac
}

_hostwright_files() {
  compopt -o filenames 2>/dev/null
  COMPREPLY=( $(compgen -f -- "$1") )
}

_hostwright() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local sub="\${COMP_WORDS[1]}"
  COMPREPLY=()
  if [[ $COMP_CWORD -eq 1 && $cur != -* ]]; then
    COMPREPLY=( $(compgen -W "${words(spec.subcommands.map((s) => s.word))} all" -- "$cur") )
    return
  fi
  case "$sub" in
${spec.subcommands.map(subcommandCase).join('\n')}
  esac
  case "$prev" in
    ${valued(spec.adhoc, 'file')}) _hostwright_files "$cur"; return ;;
    ${valued(spec.adhoc, 'module')})
      COMPREPLY=( $(compgen -W "${words(spec.modules.map((m) => m.name))}" -- "$cur") )
      return ;;
    ${valued(spec.adhoc, 'module-args')})
      local module=command i
      for (( i=1; i < COMP_CWORD; i++ )); do
        case "\${COMP_WORDS[i]}" in
          -m|--module) module="\${COMP_WORDS[i+1]}" ;;
          --module=*) module="\${COMP_WORDS[i]#--module=}" ;;
        esac
      done
      compopt -o nospace 2>/dev/null
      COMPREPLY=( $(compgen -W "$(_hostwright_module_args "$module")" -- "$cur") )
      return ;;
    ${valued(spec.adhoc, 'other')}) return ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=( $(compgen -W "${flags(spec.adhoc)}" -- "$cur") )
  fi
}

complete -F _hostwright hostwright
`;
}
