/**
 * `~/.ssh/config` as OpenSSH applies it to a connection, read with the maintained `ssh-config` parser:
 * `Host` patterns (first value wins), `HostName`, `User`, `Port`, `IdentityFile`, `IdentitiesOnly`,
 * `ProxyJump`, `UserKnownHostsFile`, `ConnectTimeout`, `ServerAliveInterval`, and `Include` (files
 * and globs, relative to ~/.ssh). Options hostwright cannot honour (`ProxyCommand` other than the
 * `ssh -W %h:%p BASTION` form) are refused naming the host and option.
 */
import { existsSync, globSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import SSHConfig from 'ssh-config';
import { ValidationError } from '../core/errors.ts';

/** What the SSH config says for one host. */
export interface SshHostConfig {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles?: string[];
  identitiesOnly?: boolean;
  /** `ProxyJump` (`[user@]host[:port]`, comma-separated for a chain). */
  proxyJump?: string;
  userKnownHostsFile?: string;
  connectTimeoutMs?: number;
  serverAliveIntervalMs?: number;
}

/** A parsed SSH config file, ready for lookups. */
export interface SshConfig {
  file: string;
  lookup(host: string): SshHostConfig;
}

const expandHome = (p: string, home: string) => p.replace(/^~(?=\/|$)/, home);

/** Inline `Include` lines (OpenSSH reads the included files in place; relative paths are under ~/.ssh). */
function withIncludes(text: string, home: string, depth = 0): string {
  if (depth > 16) throw new ValidationError('ssh config: Include nested more than 16 deep', {});
  return text
    .split('\n')
    .map((line) => {
      const m = /^\s*Include\s+(.+)$/i.exec(line);
      if (!m) return line;
      return m[1]
        .trim()
        .split(/\s+/)
        .flatMap((pattern) => {
          const p = expandHome(pattern.replace(/^"|"$/g, ''), home);
          const full = isAbsolute(p) ? p : join(home, '.ssh', p);
          return globSync(full).sort();
        })
        .map((f) => withIncludes(readFileSync(f, 'utf8'), home, depth + 1))
        .join('\n');
    })
    .join('\n');
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** `ProxyCommand ssh -W %h:%p [-q] [-p PORT] [-l USER] BASTION` → the ProxyJump it means; undefined otherwise. */
export function proxyCommandAsJump(command: string): string | undefined {
  const words = command.trim().split(/\s+/);
  if (words[0] !== 'ssh' || !words.includes('-W')) return undefined;
  let user: string | undefined;
  let port: string | undefined;
  let host: string | undefined;
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    if (w === '-W') {
      if (words[++i] !== '%h:%p') return undefined;
    } else if (w === '-q') continue;
    else if (w === '-p') port = words[++i];
    else if (w === '-l') user = words[++i];
    else if (w.startsWith('-')) return undefined;
    else if (host === undefined) host = w;
    else return undefined;
  }
  if (!host) return undefined;
  return `${user && !host.includes('@') ? `${user}@` : ''}${host}${port ? `:${port}` : ''}`;
}

/** Parse SSH config text (Includes already read); `file` names it in errors. */
export function parseSshConfig(text: string, file: string, home: string = homedir()): SshConfig {
  let parsed: SSHConfig;
  try {
    parsed = SSHConfig.parse(withIncludes(text, home));
  } catch (error) {
    throw new ValidationError(`${file}: cannot parse SSH config: ${(error as Error).message}`, { source: file });
  }
  return {
    file,
    lookup(host: string): SshHostConfig {
      const c = parsed.compute(host, { ignoreCase: true, matchExec: false }) as Record<string, string | string[]>;
      const get = (k: string) => first(c[k.toLowerCase()]);
      const out: SshHostConfig = {};
      const hostName = get('HostName');
      if (hostName) out.hostName = hostName.replace(/%h/g, host);
      if (get('User')) out.user = get('User');
      if (get('Port')) {
        const port = Number(get('Port'));
        if (!Number.isInteger(port) || port < 1 || port > 65535)
          throw new ValidationError(`${file}: Host ${host}: Port must be 1-65535, got "${get('Port')}"`, { source: file });
        out.port = port;
      }
      const ids = c.identityfile;
      if (ids) out.identityFiles = (Array.isArray(ids) ? ids : [ids]).map((p) => expandHome(p.replace(/%d/g, home), home));
      if (get('IdentitiesOnly')) out.identitiesOnly = get('IdentitiesOnly')!.toLowerCase() === 'yes';
      const jump = get('ProxyJump');
      if (jump && jump.toLowerCase() !== 'none') out.proxyJump = jump;
      const proxyCommand = c.proxycommand;
      if (proxyCommand && !out.proxyJump) {
        const command = Array.isArray(proxyCommand) ? proxyCommand.join(' ') : proxyCommand;
        if (command.toLowerCase() !== 'none') {
          const asJump = proxyCommandAsJump(command);
          if (!asJump)
            throw new ValidationError(
              `${file}: Host ${host}: ProxyCommand "${command}" is not supported (hostwright connects itself); use ProxyJump instead`,
              { source: file },
            );
          out.proxyJump = asJump;
        }
      }
      const known = first(c.userknownhostsfile);
      if (known) out.userKnownHostsFile = expandHome(known.split(/\s+/)[0], home);
      if (get('ConnectTimeout')) out.connectTimeoutMs = Number(get('ConnectTimeout')) * 1000;
      if (get('ServerAliveInterval')) out.serverAliveIntervalMs = Number(get('ServerAliveInterval')) * 1000;
      return out;
    },
  };
}

/** Read `file` (default `~/.ssh/config`); undefined when the default file does not exist. */
export function loadSshConfig(file?: string, home: string = homedir()): SshConfig | undefined {
  const path = file ?? join(home, '.ssh', 'config');
  if (!existsSync(path)) {
    if (file !== undefined) throw new ValidationError(`${file}: SSH config file not found`, { source: file });
    return undefined;
  }
  return parseSshConfig(readFileSync(path, 'utf8'), path, home);
}

/** One hop of a ProxyJump: `[user@]host[:port]` or `ssh://[user@]host[:port]`. */
export function parseJumpHop(hop: string): { user?: string; host: string; port?: number } {
  const m = /^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hop.trim());
  if (!m) throw new ValidationError(`ProxyJump "${hop}": expected [user@]host[:port]`, {});
  return { ...(m[1] ? { user: m[1] } : {}), host: m[2].replace(/^\[|\]$/g, ''), ...(m[3] ? { port: Number(m[3]) } : {}) };
}

/**
 * The ProxyJump in `ansible_ssh_common_args` / `ansible_ssh_extra_args` (`-J X`, `-o ProxyJump=X`, the
 * `ProxyCommand="ssh -W %h:%p X"` form). Any other ProxyCommand is refused naming the host and option.
 */
export function jumpFromSshArgs(args: string, host: string, variable: string): string | undefined {
  const words = args.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g)?.map((w) => w.replace(/"([^"]*)"|'([^']*)'/g, '$1$2')) ?? [];
  let jump: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    let option: string | undefined;
    if (w === '-J') jump = words[++i];
    else if (w.startsWith('-J')) jump = w.slice(2);
    else if (w === '-o') option = words[++i];
    else if (w.startsWith('-o')) option = w.slice(2);
    if (option === undefined) continue;
    const m = /^(\w+)\s*[= ]\s*(.*)$/.exec(option);
    if (!m) continue;
    if (m[1].toLowerCase() === 'proxyjump') jump = m[2];
    else if (m[1].toLowerCase() === 'proxycommand') {
      const asJump = proxyCommandAsJump(m[2]);
      if (!asJump)
        throw new ValidationError(
          `${host}: ${variable}: ProxyCommand "${m[2]}" is not supported (hostwright connects itself); use -o ProxyJump=[user@]bastion[:port] or -J`,
          { source: host, path: variable },
        );
      jump = asJump;
    }
  }
  return jump && jump.toLowerCase() !== 'none' ? jump : undefined;
}
