/**
 * Shell completion for the `hostwright` command: `hostwright completion bash|zsh` prints the script.
 */
import { bashCompletion } from './bash.ts';
import { completionSpec } from './spec.ts';
import { zshCompletion } from './zsh.ts';

/** The shells a completion script exists for. */
export const COMPLETION_SHELLS = ['bash', 'zsh'] as const;

/** The completion script for `shell`, or undefined for a shell without one. */
export function completionScript(shell: string): string | undefined {
  if (shell === 'bash') return bashCompletion(completionSpec());
  if (shell === 'zsh') return zshCompletion(completionSpec());
  return undefined;
}
