/**
 * Vault passwords from the command line's vault options (`--vault-id`, `--vault-password-file`,
 * `--ask-vault-pass`) and the environment variables Ansible reads for them.
 */
import { Vault } from './vault.ts';
import { loadVaultSecrets, type PasswordPrompt, type VaultSources } from './secrets.ts';
import { ttyPrompt } from './prompt.ts';

const envList = (value: string | undefined): string[] =>
  value
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];

/**
 * Where the vault passwords come from: command-line values, else (as Ansible) the config's or the
 * environment's `ANSIBLE_VAULT_IDENTITY_LIST` / `ANSIBLE_VAULT_PASSWORD_FILE` first in the list.
 */
export function vaultSources(
  values: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
  config: { identityList?: string[]; passwordFile?: string } = {},
): VaultSources {
  const configIds = env.ANSIBLE_VAULT_IDENTITY_LIST !== undefined ? envList(env.ANSIBLE_VAULT_IDENTITY_LIST) : (config.identityList ?? []);
  const configFile = env.ANSIBLE_VAULT_PASSWORD_FILE || config.passwordFile;
  return {
    ids: [...configIds, ...((values['vault-id'] as string[] | undefined) ?? [])],
    passwordFiles: [
      ...((values['vault-password-file'] as string[] | undefined) ?? []),
      ...((values['vault-pass-file'] as string[] | undefined) ?? []),
      ...(configFile ? [configFile] : []),
    ],
    ask: Boolean(values['ask-vault-pass']),
  };
}

/**
 * Build the run's {@link Vault} from the command line and environment. Reads password files, runs
 * password scripts and prompts on the terminal before any inventory is read.
 */
export async function vaultFromOptions(
  values: Record<string, unknown>,
  options: {
    env?: NodeJS.ProcessEnv;
    prompt?: PasswordPrompt;
    keepLocked?: boolean;
    config?: { identityList?: string[]; passwordFile?: string };
  } = {},
): Promise<Vault> {
  const sources = vaultSources(values, options.env, options.config);
  const secrets = await loadVaultSecrets(sources, options.prompt ?? ttyPrompt());
  return new Vault(secrets, { keepLocked: options.keepLocked });
}
