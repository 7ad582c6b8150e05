/**
 * What task types remember across the tasks of one run, typed. {@link HostMemory} is one host's (units
 * started in this run, the predicted host of a check run); {@link SharedMemory} is the whole run's
 * (package previews read once for every host). The engine creates one empty object of each and never
 * reads them: every field is declared, optional, by the task type that owns it, next to its code,
 * by augmenting the interface:
 *
 * ```ts
 * declare module '../core/run-memory.ts' {
 *   interface HostMemory {
 *     /** Units started by an apply of this run. *\/
 *     startedUnits?: Set<string>;
 *   }
 * }
 * ```
 *
 * So no task type reads another's memory through a guessed string key, and what a field holds is
 * checked where it is written and where it is read.
 */

/** One host's memory for the whole run, shared by the task types that run on it. */
// biome-ignore lint/suspicious/noEmptyInterface: task types fill it by declaration merging, which a type alias cannot take
export interface HostMemory {}

/** Memory for the whole run, shared by every host. */
// biome-ignore lint/suspicious/noEmptyInterface: task types fill it by declaration merging, which a type alias cannot take
export interface SharedMemory {}
