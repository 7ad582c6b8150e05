/**
 * The bash completion script (`hostwright completion bash`): subcommands, options, files for
 * -i/--known-hosts and playbooks, module names after -m, the module's `key=` words after -a.
 */
import type { CompletionSpec, OptionSpec } from './spec.ts';

const words = (list: string[]) => list.join(' ');
const flags = (opts: OptionSpec[]) => words(opts.flatMap((o) => [...(o.short ? [`-${o.short}`] : []), `--${o.long}`]));
const valued = (opts: OptionSpec[], kind: OptionSpec['complete'] | 'other') =>
  opts.filter((o) => o.value && (kind === 'other' ? o.complete === 'none' : o.complete === kind)).flatMap((o) => [...(o.short ? [`-${o.short}`] : []), `--${o.long}`]).join('|');

/** The bash completion script for `spec`. */
export function bashCompletion(spec: CompletionSpec): string {
  const argCases = spec.modules.map((m) => `    ${m.name}) echo "${m.args.map((a) => `${a}=`).join(' ')}" ;;`).join('\n');
  const caseOr = (pattern: string) => pattern || '--hostwright-none--';
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
    COMPREPLY=( $(compgen -W "${words(spec.subcommands.map((s) => s.name))} all" -- "$cur") )
    return
  fi
  case "$sub" in
    completion)
      [[ $COMP_CWORD -eq 2 ]] && COMPREPLY=( $(compgen -W "bash zsh" -- "$cur") )
      return ;;
    inventory)
      case "$prev" in
        ${caseOr(valued(spec.inventory, 'file'))}) _hostwright_files "$cur"; return ;;
        ${caseOr(valued(spec.inventory, 'other'))}) return ;;
      esac
      COMPREPLY=( $(compgen -W "${flags(spec.inventory)}" -- "$cur") )
      return ;;
    run)
      if [[ $COMP_CWORD -eq 2 ]]; then
        compopt -o filenames 2>/dev/null
        COMPREPLY=( $(compgen -d -- "$cur") $(compgen -f -X '!*.ts' -- "$cur") $(compgen -f -X '!*.js' -- "$cur") $(compgen -f -X '!*.mjs' -- "$cur") )
        return
      fi
      case "$prev" in
        ${caseOr(valued(spec.playbook, 'file'))}) _hostwright_files "$cur"; return ;;
        ${caseOr(valued(spec.playbook, 'other'))}) return ;;
      esac
      COMPREPLY=( $(compgen -W "${flags(spec.playbook)}" -- "$cur") )
      return ;;
  esac
  case "$prev" in
    ${caseOr(valued(spec.adhoc, 'file'))}) _hostwright_files "$cur"; return ;;
    ${caseOr(valued(spec.adhoc, 'module'))})
      COMPREPLY=( $(compgen -W "${words(spec.modules.map((m) => m.name))}" -- "$cur") )
      return ;;
    ${caseOr(valued(spec.adhoc, 'args'))})
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
    ${caseOr(valued(spec.adhoc, 'other'))}) return ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=( $(compgen -W "${flags(spec.adhoc)}" -- "$cur") )
  fi
}

complete -F _hostwright hostwright
`;
}
