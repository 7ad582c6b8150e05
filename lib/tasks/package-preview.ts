/**
 * The `package` task's check-mode preview: packages a plan would install are downloaded and read on the
 * host (see probes/package-preview.ts), once per package per run (the controller's cache by name, version
 * and checksum), and recorded in the predicted host for later tasks.
 */
import { packagePreviewProbe } from '../probes/package-preview.ts';
import type { Preview, TaskContext } from '../core/task-contract.ts';
import { predictedHost, previewCache, recordPreview } from './predicted.ts';

declare module '../core/run-memory.ts' {
  interface SharedMemory {
    /** Check mode: previews running now, by manager and arguments (a later host waits for the first). */
    previewsInFlight?: Map<string, Promise<void>>;
  }
}

/**
 * The preview of installing `install` (manager arguments) with `manager`. Hosts previewing the same
 * arguments at the same time go one after the other, so the later ones only name what the first read.
 */
export function packagePreview(install: readonly string[], manager: 'dnf' | 'yum' | 'apt', ctx: Pick<TaskContext, 'memory' | 'shared'>): Preview {
  const cache = previewCache(ctx.shared);
  const predicted = predictedHost(ctx.memory);
  const inflight = (ctx.shared.previewsInFlight ??= new Map());
  const key = `${manager} ${install.join(' ')}`;
  const before = inflight.get(key);
  let done!: () => void;
  const mine = new Promise<void>((resolve) => (done = resolve));
  inflight.set(
    key,
    (before ?? Promise.resolve()).then(() => mine),
  );
  return {
    after: before,
    probe: () => packagePreviewProbe(install, manager, [...new Set([...cache.values()].map((p) => p.sha256))]),
    record: (result) => {
      recordPreview(predicted, result, cache, install);
      done();
    },
    fail: (reason) => {
      predicted.unknown.push(`cannot preview ${install.join(', ')}: ${reason}`);
      done();
    },
  };
}
