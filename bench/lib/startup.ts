/**
 * Where a short run's time goes before the engine starts: a bare Node process, importing the library
 * (lib/index.ts: type stripping of every module plus ssh2, zx, ajv, typebox, handlebars, yaml), and
 * importing the cluster playbook with its roles. Each measured in a fresh process, median of `reps`.
 */
import { join } from 'node:path';
import { runTimed } from './proc.ts';
import { timing } from './results.ts';
import { REPO_DIR } from './tools.ts';

/** Startup costs in milliseconds (medians). */
export interface StartupCosts {
  nodeBareMs: number;
  importLibMs: number;
  importClusterPlaybookMs: number;
}

async function importCost(file: string): Promise<number> {
  const code = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`;
  const r = await runTimed(process.execPath, ['--input-type=module', '-e', code], { cwd: REPO_DIR });
  if (r.code !== 0) throw new Error(`bench: importing ${file} failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return Number(r.stdout.trim().split('\n').pop());
}

/** Measures the startup costs in fresh processes. */
export async function measureStartup(reps: number): Promise<StartupCosts> {
  const bare: number[] = [];
  const lib: number[] = [];
  const playbook: number[] = [];
  for (let i = 0; i < Math.max(3, reps); i++) {
    bare.push((await runTimed(process.execPath, ['-e', '0'])).wallMs);
    lib.push(await importCost(join(REPO_DIR, 'lib', 'index.ts')));
    playbook.push(await importCost(join(REPO_DIR, 'playbooks', 'cluster.ts')));
  }
  return { nodeBareMs: timing(bare).medianMs, importLibMs: timing(lib).medianMs, importClusterPlaybookMs: timing(playbook).medianMs };
}
