/**
 * One option table (lib/cli/options.ts) drives parsing, help and completion: every option a command
 * lists is accepted by its parser (with its alias and repeatability), shown in its help and offered by
 * the bash script; options of other commands are refused with exit 5 and the valid list; playbooks
 * (`runCli`) and `hostwright run` are one command.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { COMMANDS, OPTIONS, commandOptions, type CommandName, type OptionName } from '../../lib/cli/options.ts';
import { parseCommandLine } from '../../lib/cli/parse.ts';
import { adhocUsage, inventoryUsage, optionLines, planUsage, reportUsage, usage, vaultUsage } from '../../lib/cli/help.ts';
import { completionScript } from '../../lib/cli/completion.ts';
import { hostwrightMain } from '../../lib/cli/main.ts';
import { runCli } from '../../lib/cli/playbook-command.ts';
import { definePlaybook } from '../../lib/play/define.ts';

const dir = mkdtempSync(join(tmpdir(), 'hw-cli-options-'));
const bashScript = join(dir, 'hostwright.bash');
writeFileSync(bashScript, completionScript('bash')!);
test.after(() => rmSync(dir, { recursive: true, force: true }));

const commands = Object.keys(COMMANDS) as CommandName[];
const sink = (add: (s: string) => void) =>
  new Writable({
    write(chunk, _enc, done) {
      add(String(chunk));
      done();
    },
  });

/** Run `hostwright ARGV` in-process. */
async function hw(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await hostwrightMain(
    argv,
    sink((s) => (out += s)),
    sink((s) => (err += s)),
  );
  return { code, out, err };
}

test('the table is consistent: no alias twice in a command, every listed option exists, no option unused', () => {
  const used = new Set<string>();
  for (const c of commands) {
    const shorts = commandOptions(c).flatMap((o) => (o.short ? [o.short] : []));
    assert.equal(shorts, [...new Set(shorts)], `${c}: an alias is given twice`);
    for (const o of COMMANDS[c].options) {
      assert.ok(o in OPTIONS, `${c}: ${o}`);
      used.add(o);
    }
  }
  assert.equal(
    Object.keys(OPTIONS).filter((o) => !used.has(o)),
    [],
    'options no command takes',
  );
});

test('every option of a command parses by its long name and its alias, with its value kind and repeatability', () => {
  for (const c of commands) {
    for (const o of commandOptions(c)) {
      const argv = (name: string) => (o.value ? [name, 'x', ...(o.repeatable ? [name, 'y'] : [])] : o.repeatable ? [name, name] : [name]);
      const forms = [`--${o.long}`, ...(o.short ? [`-${o.short}`] : [])];
      for (const form of forms) {
        const parsed = parseCommandLine(c, argv(form));
        assert.ok(!('error' in parsed), `${c} ${form}: ${'error' in parsed ? parsed.error : ''}`);
        const value = (parsed as { values: Record<string, unknown> }).values[o.long];
        assert.equal(value, o.value ? (o.repeatable ? ['x', 'y'] : 'x') : o.repeatable ? [true, true] : true, `${c} ${form}`);
      }
    }
  }
});

test('an option a command does not take is refused with the valid ones and how to get help', () => {
  for (const c of commands) {
    const foreign = (Object.keys(OPTIONS) as OptionName[]).find((o) => !(COMMANDS[c].options as readonly string[]).includes(o))!;
    const parsed = parseCommandLine(c, [`--${foreign}`], { helpCommand: `hostwright ${c}` });
    assert.ok('error' in parsed, `${c} --${foreign}`);
    const error = (parsed as { error: string }).error;
    assert.match(error, `Unknown option '--${foreign}'`);
    assert.match(error, `See hostwright ${c} --help.`);
    for (const o of COMMANDS[c].options) assert.ok(error.includes(`--${o}`), `${c}: ${o} listed as valid`);
  }
});

test('each subcommand refuses a foreign option with exit 5 and ERROR naming it', async () => {
  for (const argv of [
    ['inventory', '--module', 'x'],
    ['report', '--list'],
    ['plan', 'show', '--check'],
    ['vault', 'view', '--forks', '2'],
    ['all', '--tags', 'x'],
    ['run', 'nothere.ts', '--list'],
  ]) {
    const r = await hw(...argv);
    assert.is(r.code, 5, argv.join(' '));
    assert.match(r.err, /^ERROR: /, argv.join(' '));
  }
  const r = await hw('inventory', '--module', 'x');
  assert.match(r.err, /Unknown option '--module'[^]*Valid options: -i\/--inventory, --list, --graph, --host/);
});

test("help shows every visible option of the command with the table's words, and hides the hidden ones", () => {
  const helps: [CommandName, string][] = [
    ['playbook', usage('x.ts')],
    ['adhoc', adhocUsage()],
    ['inventory', inventoryUsage()],
    ['report', reportUsage()],
    ['apply', planUsage()],
    ['vault', vaultUsage()],
  ];
  for (const [c, text] of helps) {
    assert.ok(text.includes(optionLines(c)), c);
    for (const o of commandOptions(c)) {
      if (o.hidden) assert.not.ok(text.includes(`--${o.long} `), `${c}: ${o.long} hidden`);
      else
        assert.match(
          text,
          new RegExp(`${o.short ? `-${o.short}, ` : ' {4}'}--${o.long}\\b.* ${o.help.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
          `${c}: ${o.long}`,
        );
    }
  }
});

test('bash completion offers exactly the options of each subcommand', () => {
  const complete = (...words: string[]) => {
    const array = words.map((w) => `'${w}'`).join(' ');
    const r = spawnSync(
      'bash',
      ['-c', `source ${bashScript}; COMP_WORDS=(hostwright ${array}); COMP_CWORD=${words.length}; _hostwright; printf '%s\\n' "\${COMPREPLY[@]}"`],
      { cwd: dir, encoding: 'utf8' },
    );
    return r.stdout.split('\n').filter(Boolean).sort();
  };
  const longs = (c: CommandName) =>
    commandOptions(c)
      .map((o) => `--${o.long}`)
      .sort();
  for (const [word, c] of [
    ['run', 'playbook'],
    ['inventory', 'inventory'],
    ['report', 'report'],
    ['apply', 'apply'],
    ['vault', 'vault'],
  ] as const) {
    assert.equal(complete(word, 'x', '--'), longs(c), word);
  }
  assert.equal(complete('all', '--'), [...longs('adhoc'), '--version'].sort());
});

test('node PLAYBOOK.ts and hostwright run PLAYBOOK.ts are one command: same options, same refusal', async () => {
  const playbook = definePlaybook({ name: 'empty', plays: [] });
  let err = '';
  const code = await runCli(
    playbook,
    ['--bogus'],
    sink(() => {}),
    sink((s) => (err += s)),
  );
  const file = join(dir, 'site.ts');
  writeFileSync(
    file,
    `import { definePlaybook } from ${JSON.stringify(new URL('../../lib/index.ts', import.meta.url).pathname)};\nexport default definePlaybook({ name: 'empty', plays: [] });\n`,
  );
  const viaRun = await hw('run', file, '--bogus');
  assert.is(code, 5);
  assert.is(viaRun.code, 5);
  assert.is(viaRun.err, err);
  let help = '';
  await runCli(
    playbook,
    ['--help'],
    sink((s) => (help += s)),
    sink(() => {}),
  );
  const runHelp = await hw('run', '--help');
  assert.ok(runHelp.out.includes(optionLines('playbook')) && help.includes(optionLines('playbook')));
});

test.run();
