/**
 * Shell completion for the `hostwright` command: `hostwright completion bash|zsh` prints the script,
 * generated from the option table (completion-spec.ts).
 */
import { bashCompletion } from './completion-bash.ts';
import { completionSpec } from './completion-spec.ts';
import { zshCompletion } from './completion-zsh.ts';
import { COMMANDS } from './options.ts';

/** The shells a completion script exists for. */
export const COMPLETION_SHELLS = COMMANDS.completion.words;

/** The completion script for `shell`, or undefined for a shell without one. */
export function completionScript(shell: string): string | undefined {
  if (shell === 'bash') return bashCompletion(completionSpec());
  if (shell === 'zsh') return zshCompletion(completionSpec());
  return undefined;
}
