/**
 * The `package` task's check-mode preview: packages a plan would install are downloaded and read on the
 * host (see probes/package-preview.ts), once per package per run (the controller's cache by name, version
 * and checksum), and recorded in the predicted host for later tasks.
 */
import { packagePreviewProbe } from '../probes/package-preview.ts';
import type { Preview, TaskContext } from './contract.ts';
import { predictedHost, previewCache, recordPreview } from './predicted.ts';

/** The preview of installing `install` (manager arguments) with `manager`. */
export function packagePreview(install: readonly string[], manager: 'dnf' | 'yum' | 'apt', ctx: Pick<TaskContext, 'memory' | 'shared'>): Preview {
  const cache = previewCache(ctx.shared);
  const known = [...new Set([...cache.values()].map((p) => p.sha256))];
  const predicted = predictedHost(ctx.memory);
  return {
    probe: packagePreviewProbe(install, manager, known),
    record: (result) => void recordPreview(predicted, result, cache, install),
    fail: (reason) => void predicted.unknown.push(`cannot preview ${install.join(', ')}: ${reason}`),
  };
}
