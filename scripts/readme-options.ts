/**
 * The README's option list, written from the option table (lib/cli/options.ts): every option, the
 * commands that take it and its help, between the `<!-- options -->` markers of "The command line".
 * A unit test (test/unit/readme-options.test.ts) fails when the README is out of date.
 *
 *   node scripts/readme-options.ts           check: exit 1 when the README's list is stale
 *   node scripts/readme-options.ts --write   rewrite the list in README.md
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMMANDS, OPTIONS, type CommandName, type OptionDef, type OptionName } from '../lib/cli/options.ts';
import { optionSynopsis } from '../lib/cli/help.ts';

/** The README file this script keeps. */
export const README = fileURLToPath(new URL('../README.md', import.meta.url));

const BEGIN = '<!-- options: written by `node scripts/readme-options.ts --write` from lib/cli/options.ts; do not edit by hand -->';
const END = '<!-- /options -->';

/** How the commands are named in the list. */
const SHOWN: Partial<Record<CommandName, string>> = {
  playbook: 'playbook',
  adhoc: 'ad-hoc',
  inventory: 'inventory',
  report: 'report',
  plan: 'plan',
  apply: 'apply',
  vault: 'vault',
  hostwright: '`hostwright`',
};

/** A table cell: pipes escaped, so a help text cannot break the table. */
const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The option list as markdown (without the markers). */
export function optionList(): string {
  const rows = (Object.entries(OPTIONS) as [OptionName, OptionDef][])
    .filter(([, o]) => !o.hidden)
    .map(([long, o]) => {
      const commands = (Object.keys(SHOWN) as CommandName[])
        .filter((c) => (COMMANDS[c].options as readonly string[]).includes(long))
        .map((c) => SHOWN[c]);
      return `| \`${optionSynopsis(long, o).trim()}\` | ${commands.join(', ')} | ${cell(o.help)} |`;
    });
  return [
    'Every option, and the commands that take it (playbook: `node playbooks/X.ts` and `hostwright run X.ts`, one command line):',
    '',
    '| Option | Commands | What it does |',
    '|---|---|---|',
    ...rows,
  ].join('\n');
}

/** `readme` with its option list replaced by the current one. Throws when the markers are missing. */
export function withOptionList(readme: string): string {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no option list markers (${BEGIN} ... ${END})`);
  return `${readme.slice(0, start)}${BEGIN}\n${optionList()}\n${readme.slice(end)}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = readFileSync(README, 'utf8');
  const fresh = withOptionList(text);
  if (process.argv.includes('--write')) {
    if (fresh !== text) writeFileSync(README, fresh);
    console.log(`readme-options: ${fresh === text ? 'up to date' : 'written'}: ${README}`);
  } else if (fresh !== text) {
    console.error('readme-options: README.md option list is out of date; run node scripts/readme-options.ts --write');
    process.exitCode = 1;
  }
}
