/**
 * `hostwright completion bash|zsh`: the bash script completes subcommands, options, modules and a
 * module's arguments when driven by bash itself; the zsh script parses, registers with compdef, and its
 * helpers offer modules and `key=` words (zsh is installed from Debian's package when missing, as root;
 * without it the zsh tests fail).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completionScript } from '../../lib/cli/completion.ts';
import { completionSpec } from '../../lib/cli/completion-spec.ts';
import { COMMANDS, OPTIONS } from '../../lib/cli/options.ts';
import { MODULES } from '../../lib/adhoc/modules.ts';
import { ensureCommand } from '../support/apt.ts';

const dir = mkdtempSync(join(tmpdir(), 'hw-completion-'));
const scripts = mkdtempSync(join(tmpdir(), 'hw-completion-scripts-'));
const bashScript = join(scripts, 'hostwright.bash');
const zshScript = join(scripts, '_hostwright');
writeFileSync(bashScript, completionScript('bash')!);
writeFileSync(zshScript, completionScript('zsh')!);
writeFileSync(join(dir, 'site.ts'), '');
writeFileSync(join(dir, 'hosts.yml'), '');

test.after(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(scripts, { recursive: true, force: true });
});

/** What bash's completion function offers for the words typed so far (the last one is being completed). */
function bashComplete(...words: string[]): string[] {
  const array = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const script = `source ${bashScript}; COMP_WORDS=(hostwright ${array}); COMP_CWORD=${words.length}; _hostwright; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean).sort();
}

test('no script for an unknown shell', () => {
  assert.is(completionScript('fish'), undefined);
});

test('the spec comes from the option table: options with help, every command, every module with its arguments', () => {
  const spec = completionSpec();
  const module = spec.adhoc.find((o) => o.long === 'module')!;
  assert.equal({ short: module.short, value: module.value, complete: module.complete }, { short: 'm', value: true, complete: 'module' });
  assert.is(spec.adhoc.find((o) => o.long === 'check')!.help, OPTIONS.check.help);
  assert.ok(
    spec.adhoc.some((o) => o.long === 'version'),
    "the program's own --version",
  );
  const playbook = spec.subcommands.find((s) => s.word === 'run')!.options;
  assert.equal(
    playbook.map((o) => o.long),
    [...COMMANDS.playbook.options],
    'run completes exactly the playbook options',
  );
  assert.ok(playbook.find((o) => o.long === 'inventory')!.multiple);
  assert.equal(
    spec.subcommands.map((s) => s.word),
    ['run', 'inventory', 'report', 'plan', 'apply', 'vault', 'completion'],
  );
  for (const name of MODULES.keys())
    assert.ok(
      spec.modules.some((m) => m.name === name),
      name,
    );
  assert.equal(spec.modules.find((m) => m.name === 'package')!.args, ['name', 'state', 'manager']);
  assert.not.ok(spec.modules.find((m) => m.name === 'shell')!.args.includes('changedWhen'), 'function arguments cannot be typed on a command line');
});

test('bash: syntax, subcommands, options, modules, module arguments, files', () => {
  assert.is(spawnSync('bash', ['-n', bashScript]).status, 0, 'bash -n');
  assert.equal(bashComplete(''), ['all', 'apply', 'completion', 'inventory', 'plan', 'report', 'run', 'vault']);
  assert.equal(bashComplete('all', '--ch'), ['--check']);
  assert.equal(bashComplete('all', '-m', 'pa'), ['package']);
  assert.equal(bashComplete('all', '-m', 's'), ['script', 'service', 'setup', 'shell', 'stat', 'sysctl', 'systemd']);
  assert.equal(bashComplete('all', '-m', 'package', '-a', ''), ['manager=', 'name=', 'state=']);
  assert.equal(bashComplete('all', '--module=service', '-a', 'en'), ['enabled=']);
  assert.equal(bashComplete('all', '-a', 'ch'), ['chdir='], 'default module: command');
  assert.equal(bashComplete('all', '-i', 'ho'), ['hosts.yml']);
  assert.equal(bashComplete('run', 's'), ['site.ts']);
  assert.equal(bashComplete('run', 'site.ts', '--list-'), ['--list-hosts', '--list-tasks']);
  assert.equal(bashComplete('inventory', '--'), [
    '--ask-vault-pass',
    '--graph',
    '--help',
    '--host',
    '--inventory',
    '--list',
    '--vault-id',
    '--vault-pass-file',
    '--vault-password-file',
  ]);
  assert.equal(bashComplete('completion', ''), ['bash', 'zsh']);
  assert.equal(bashComplete('vault', 'en'), ['encrypt', 'encrypt-string']);
  assert.equal(bashComplete('vault', 'view', '--vault-pa'), ['--vault-pass-file', '--vault-password-file']);
  assert.equal(bashComplete('vault', 'view', '--vault-password-file', 'ho'), ['hosts.yml']);
  assert.equal(bashComplete('report', '--t'), ['--title']);
  assert.equal(bashComplete('plan', ''), ['show']);
  assert.equal(bashComplete('all', '--version'), ['--version']);
});

test('zsh: the script names every module and registers _hostwright', () => {
  const text = completionScript('zsh')!;
  assert.ok(text.startsWith('#compdef hostwright\n'));
  for (const name of MODULES.keys()) assert.match(text, new RegExp(`\\n    '${name}:`));
  assert.match(text, /compdef _hostwright hostwright/);
  ensureCommand('zsh', 'zsh');
  assert.is(spawnSync('zsh', ['-n', zshScript]).status, 0, 'zsh -n');
  const registered = spawnSync(
    'zsh',
    ['-fc', `autoload -U compinit; compinit -u -d ${dir}/zcompdump; source ${zshScript}; print -r -- $_comps[hostwright]`],
    { encoding: 'utf8' },
  );
  assert.is(registered.stdout.trim(), '_hostwright', registered.stderr);
});

test("zsh: the helpers offer module names and the chosen module's key= words", () => {
  ensureCommand('zsh', 'zsh');
  // compadd / _describe are builtins of the completion system; stand-ins print what they are given.
  const stubs = `compdef() { }; compadd() { print -rl -- "$@" }; _describe() { print -rl -- \${(P)4} }`;
  const args = spawnSync(
    'zsh',
    ['-fc', `${stubs}; source ${zshScript}; words=(hostwright all -m sysctl -a ''); CURRENT=6; _hostwright_module_args`],
    { encoding: 'utf8' },
  );
  assert.equal(args.stdout.trim().split('\n'), ['-S', '', '--', 'key=', 'value=', 'file=', 'state=', 'reload=']);
  const modules = spawnSync('zsh', ['-fc', `${stubs}; source ${zshScript}; _hostwright_modules`], { encoding: 'utf8' });
  assert.ok(
    modules.stdout.split('\n').some((l) => l.startsWith('package:Install, remove or upgrade packages')),
    modules.stdout,
  );
});

test.run();
