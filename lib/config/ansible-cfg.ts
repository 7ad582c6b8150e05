/**
 * ansible.cfg and the ANSIBLE_* environment, read where and as Ansible reads them: the first of
 * `$ANSIBLE_CONFIG`, `./ansible.cfg`, `~/.ansible.cfg`, `/etc/ansible/ansible.cfg`; an environment
 * variable beats the file; the command line beats both (applied by the caller). Only the settings that
 * mean the same in hostwright are read; every other setting in the file is reported once as ignored.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ValidationError } from '../core/errors.ts';

type Kind = 'string' | 'path' | 'pathlist' | 'int' | 'bool' | 'list';

/** The settings hostwright takes from ansible.cfg: [section, key (and old aliases), environment variable, kind]. */
const SETTINGS = {
  inventory: { section: 'defaults', keys: ['inventory', 'hostfile'], env: 'ANSIBLE_INVENTORY', kind: 'pathlist' },
  remoteUser: { section: 'defaults', keys: ['remote_user'], env: 'ANSIBLE_REMOTE_USER', kind: 'string' },
  privateKeyFile: { section: 'defaults', keys: ['private_key_file'], env: 'ANSIBLE_PRIVATE_KEY_FILE', kind: 'path' },
  forks: { section: 'defaults', keys: ['forks'], env: 'ANSIBLE_FORKS', kind: 'int' },
  timeout: { section: 'defaults', keys: ['timeout'], env: 'ANSIBLE_TIMEOUT', kind: 'int' },
  hostKeyChecking: { section: 'defaults', keys: ['host_key_checking'], env: 'ANSIBLE_HOST_KEY_CHECKING', kind: 'bool' },
  vaultPasswordFile: { section: 'defaults', keys: ['vault_password_file'], env: 'ANSIBLE_VAULT_PASSWORD_FILE', kind: 'path' },
  vaultIdentityList: { section: 'defaults', keys: ['vault_identity_list'], env: 'ANSIBLE_VAULT_IDENTITY_LIST', kind: 'list' },
  become: { section: 'privilege_escalation', keys: ['become'], env: 'ANSIBLE_BECOME', kind: 'bool' },
  becomeUser: { section: 'privilege_escalation', keys: ['become_user'], env: 'ANSIBLE_BECOME_USER', kind: 'string' },
  becomeMethod: { section: 'privilege_escalation', keys: ['become_method'], env: 'ANSIBLE_BECOME_METHOD', kind: 'string' },
  becomeAskPass: { section: 'privilege_escalation', keys: ['become_ask_pass'], env: 'ANSIBLE_BECOME_ASK_PASS', kind: 'bool' },
} as const satisfies Record<string, { section: string; keys: string[]; env: string; kind: Kind }>;

/** The ansible.cfg / environment settings hostwright uses, resolved (relative paths made absolute). */
export interface AnsibleSettings {
  inventory?: string[];
  remoteUser?: string;
  privateKeyFile?: string;
  forks?: number;
  timeout?: number;
  hostKeyChecking?: boolean;
  vaultPasswordFile?: string;
  vaultIdentityList?: string[];
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  becomeAskPass?: boolean;
}

/** What was read: the config file (if any) and why it was chosen, the settings, and the ignored keys. */
export interface AnsibleConfig {
  file?: string;
  /** How the file was found: `ANSIBLE_CONFIG`, `./ansible.cfg`, `~/.ansible.cfg` or `/etc/ansible/ansible.cfg`. */
  foundBy?: string;
  settings: AnsibleSettings;
  /** Where each setting came from: `ansible.cfg` or the environment variable's name. */
  origins: Partial<Record<keyof AnsibleSettings, string>>;
  /** `section.key` of every setting in the file that hostwright does not use. */
  ignored: string[];
}

/** Where the config file is looked for. */
export interface ConfigLookup {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  home?: string;
  /** Replaces /etc/ansible/ansible.cfg (tests). */
  systemFile?: string;
}

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};
const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};
const worldWritable = (p: string) => {
  try {
    return (statSync(p).mode & 0o002) !== 0;
  } catch {
    return false;
  }
};

/** The config file Ansible would use, and how it was found; undefined when there is none. */
export function findAnsibleConfig(lookup: ConfigLookup = {}): { file: string; foundBy: string } | undefined {
  const env = lookup.env ?? process.env;
  const cwd = lookup.cwd ?? process.cwd();
  const home = lookup.home ?? homedir();
  const fromEnv = env.ANSIBLE_CONFIG;
  if (fromEnv) {
    const path = resolve(cwd, fromEnv.replace(/^~(?=\/|$)/, home));
    const file = isDir(path) ? join(path, 'ansible.cfg') : path;
    if (isFile(file)) return { file, foundBy: 'ANSIBLE_CONFIG' };
  }
  // Ansible skips ./ansible.cfg in a world-writable directory (anyone could plant one there).
  if (!worldWritable(cwd) && isFile(join(cwd, 'ansible.cfg'))) return { file: join(cwd, 'ansible.cfg'), foundBy: './ansible.cfg' };
  if (isFile(join(home, '.ansible.cfg'))) return { file: join(home, '.ansible.cfg'), foundBy: '~/.ansible.cfg' };
  const system = lookup.systemFile ?? '/etc/ansible/ansible.cfg';
  if (isFile(system)) return { file: system, foundBy: '/etc/ansible/ansible.cfg' };
  return undefined;
}

/** Parse an INI config as Python's configparser (Ansible's options): `key = value` or `key: value`, `#`/`;` comments. */
export function parseAnsibleCfg(text: string, file: string): Map<string, Map<string, { value: string; line: number }>> {
  const sections = new Map<string, Map<string, { value: string; line: number }>>();
  let current: Map<string, { value: string; line: number }> | undefined;
  let last: { value: string; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (/^\s*([#;].*)?$/.test(raw)) return;
    if (/^\s/.test(raw) && last) {
      // A continuation line (configparser joins indented lines to the value above).
      last.value += '\n' + raw.trim();
      return;
    }
    const header = /^\[([^\]]+)\]\s*$/.exec(raw.trim());
    if (header) {
      current = sections.get(header[1]) ?? new Map();
      sections.set(header[1], current);
      last = undefined;
      return;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw.trim());
    if (!kv) throw new ValidationError(`${file}: line ${line}: expected "key = value" or a [section], got "${raw.trim()}"`, { source: file });
    if (!current) throw new ValidationError(`${file}: line ${line}: "${kv[1]}" is outside any [section]`, { source: file });
    // Ansible's parser takes ';' after whitespace as an inline comment.
    last = { value: kv[2].replace(/\s+;.*$/, '').trim(), line };
    current.set(kv[1].toLowerCase(), last);
  });
  return sections;
}

const TRUE = ['y', 'yes', 'on', '1', 'true', 't'];
const FALSE = ['n', 'no', 'off', '0', 'false', 'f', ''];

function convert(kind: Kind, raw: string, base: string, home: string, where: string): unknown {
  const path = (p: string) => {
    const expanded = p.replace(/^~(?=\/|$)/, home);
    return isAbsolute(expanded) ? expanded : resolve(base, expanded);
  };
  switch (kind) {
    case 'string':
      return raw;
    case 'path':
      return path(raw);
    case 'list':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    case 'pathlist':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map(path);
    case 'int': {
      const n = Number(raw);
      if (!Number.isInteger(n)) throw new ValidationError(`${where}: must be an integer, got "${raw}"`, { source: where });
      return n;
    }
    case 'bool': {
      const s = raw.trim().toLowerCase();
      if (TRUE.includes(s)) return true;
      if (FALSE.includes(s)) return false;
      throw new ValidationError(`${where}: must be a boolean (true/false, yes/no), got "${raw}"`, { source: where });
    }
  }
}

/**
 * Read the config file Ansible would use and the ANSIBLE_* environment variables. Relative paths in the
 * file are relative to the file's folder, in the environment to the working directory (as Ansible).
 */
export function loadAnsibleConfig(lookup: ConfigLookup = {}): AnsibleConfig {
  const env = lookup.env ?? process.env;
  const cwd = lookup.cwd ?? process.cwd();
  const home = lookup.home ?? homedir();
  const found = findAnsibleConfig(lookup);
  const config: AnsibleConfig = { settings: {}, origins: {}, ignored: [] };
  let sections = new Map<string, Map<string, { value: string; line: number }>>();
  if (found) {
    config.file = found.file;
    config.foundBy = found.foundBy;
    let text: string;
    try {
      text = readFileSync(found.file, 'utf8');
    } catch (error) {
      throw new ValidationError(`${found.file}: cannot read: ${(error as Error).message}`, { source: found.file });
    }
    sections = parseAnsibleCfg(text, found.file);
  }
  const used = new Set<string>();
  const settings = config.settings as Record<string, unknown>;
  for (const [name, def] of Object.entries(SETTINGS)) {
    const fromEnv = env[def.env];
    if (fromEnv !== undefined && fromEnv !== '') {
      settings[name] = convert(def.kind, fromEnv, cwd, home, def.env);
      config.origins[name as keyof AnsibleSettings] = def.env;
    }
    for (const key of def.keys) {
      const entry = sections.get(def.section)?.get(key);
      if (!entry) continue;
      used.add(`${def.section}.${key}`);
      if (settings[name] !== undefined) continue;
      settings[name] = convert(def.kind, entry.value, dirname(config.file!), home, `${config.file} line ${entry.line}: [${def.section}] ${key}`);
      config.origins[name as keyof AnsibleSettings] = config.file;
    }
  }
  for (const [section, keys] of sections) for (const key of keys.keys()) if (!used.has(`${section}.${key}`)) config.ignored.push(`${section}.${key}`);
  return config;
}
