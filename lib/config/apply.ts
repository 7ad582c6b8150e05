/**
 * ansible.cfg applied to a command line: options the user did not give are taken from the config
 * (command-line options win, as in Ansible), the file used is named on stderr as `ansible -v` names it,
 * and the settings hostwright does not use are listed once.
 */
import { ValidationError } from '../core/errors.ts';
import type { ConnectionDefaults } from '../run.ts';
import { ttyPrompt } from '../vault/prompt.ts';
import type { PasswordPrompt } from '../vault/secrets.ts';
import { loadAnsibleConfig, type AnsibleConfig, type ConfigLookup } from './ansible-cfg.ts';

/** What a command takes from the config besides its filled-in options. */
export interface ConfigForRun {
  config: AnsibleConfig;
  /** Connection settings for hosts whose variables do not set them. */
  connectionDefaults: ConnectionDefaults;
  /** Vault password sources from the config / environment (before the command line's). */
  vault: { identityList?: string[]; passwordFile?: string };
}

/**
 * Load ansible.cfg and ANSIBLE_* variables, fill `values` (parseArgs values: `inventory`, `forks`,
 * `connect-timeout`, `accept-new-host-keys`) where the command line left them unset, and write the
 * config file used and the ignored settings to `err`. Throws a ValidationError for bad settings.
 */
export async function applyAnsibleConfig(
  values: Record<string, any>,
  err: NodeJS.WritableStream,
  options: { lookup?: ConfigLookup; prompt?: PasswordPrompt } = {},
): Promise<ConfigForRun> {
  const config = loadAnsibleConfig(options.lookup);
  const s = config.settings;
  const origin = (k: keyof typeof s) => config.origins[k] ?? 'ansible.cfg';
  if (config.file) err.write(`Using ${config.file} as config file\n`);
  if (config.ignored.length)
    err.write(`hostwright: ignoring ${config.ignored.length} ansible.cfg setting(s) it does not use: ${config.ignored.join(', ')}\n`);
  if (!values.inventory?.length && s.inventory?.length) values.inventory = s.inventory;
  if (values.forks === undefined && s.forks !== undefined) values.forks = String(s.forks);
  if (values['connect-timeout'] === undefined && s.timeout !== undefined) values['connect-timeout'] = String(s.timeout);
  if (s.hostKeyChecking === false && values['accept-new-host-keys'] === undefined) {
    // hostwright never skips host key checks: unknown keys are accepted and recorded, changed keys refused.
    values['accept-new-host-keys'] = true;
    err.write(
      `hostwright: host_key_checking=False (${origin('hostKeyChecking')}): new host keys are accepted and recorded; a changed key is still refused\n`,
    );
  }
  if (s.becomeMethod !== undefined && s.becomeMethod !== 'sudo') {
    throw new ValidationError(
      `become_method "${s.becomeMethod}" (${origin('becomeMethod')}): hostwright becomes another user with sudo only; set become_method = sudo or remove it`,
      { source: origin('becomeMethod') },
    );
  }
  const connectionDefaults: ConnectionDefaults = {};
  if (s.remoteUser !== undefined) connectionDefaults.user = s.remoteUser;
  if (s.privateKeyFile !== undefined) connectionDefaults.keyFile = s.privateKeyFile;
  if (s.become !== undefined) connectionDefaults.become = s.become;
  if (s.becomeUser !== undefined) connectionDefaults.becomeUser = s.becomeUser;
  if (s.becomeAskPass) {
    const prompt = options.prompt ?? ttyPrompt();
    if (!prompt)
      throw new ValidationError(
        `become_ask_pass (${origin('becomeAskPass')}): asking for the become password needs a terminal; set ansible_become_password (vaulted) instead`,
        { source: origin('becomeAskPass') },
      );
    connectionDefaults.becomePassword = await prompt('BECOME password: ');
  }
  return { config, connectionDefaults, vault: { identityList: s.vaultIdentityList, passwordFile: s.vaultPasswordFile } };
}
