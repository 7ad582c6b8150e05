/**
 * Events are the only way the engine talks to the outside. Reporters subscribe; the engine never prints.
 */
import type { Diff } from './task-contract.ts';

/** Per-host outcome of one task. `may-change` only appears in check mode. */
export type HostStatus = 'ok' | 'changed' | 'may-change' | 'failed' | 'skipped' | 'unreachable';

/** Recap counters per host, in Ansible's terms (`ok` counts changed tasks too, as Ansible does). */
export interface HostCounts {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  /** Failures ignored through `ignoreErrors`. */
  ignored: number;
}

/** Error details attached to a failed or unreachable result. */
export interface ErrorInfo {
  /** Error class name: TaskFailedError, UnreachableError, ValidationError, TemplateError, ... */
  kind: string;
  message: string;
  command?: string;
  code?: number;
  /** Last lines of stderr. */
  stderr?: string;
  /** The playbook location of the task. */
  location?: string;
}

/** Run-level counters for benchmarks and `--json`. */
export interface RunStats {
  hosts: number;
  tasks: number;
  roundTrips: number;
  bytesSent: number;
  bytesReceived: number;
  connectMs: number;
  connections: number;
  durationMs: number;
  peakRssBytes: number;
  /** Round trips per executed host-task (probes, applies, facts). */
  roundTripsPerTask: number;
  /** Probes answered from a batch sent ahead with an earlier task's probe (no round trip of their own). */
  probesAnsweredAhead: number;
}

/**
 * One step of an apply as events and saved plans show it (`describeSteps` in lib/core/apply-steps.ts): its
 * id, kind and label, the command or path, and stdin or upload content as `{ bytes, sha256 }`, never the bytes.
 */
export type DescribedStep = Record<string, unknown> & { id: string; kind: string; label: string };

/** Every event the engine emits. All fields are JSON-serialisable. */
export type RunEvent =
  | { event: 'run-start'; playbook: string; check: boolean; diff: boolean; time: string }
  | { event: 'play-start'; play: string; pattern: string; hosts: string[] }
  | { event: 'no-hosts'; play: string; pattern: string; message: string }
  | { event: 'task-start'; play: string; task: string; role?: string; handler: boolean; hosts: string[] }
  | {
      event: 'host-result';
      host: string;
      task: string;
      role?: string;
      handler: boolean;
      status: HostStatus;
      /** What changed (or would), or why nothing had to. */
      message: string;
      diff?: Diff[];
      error?: ErrorInfo;
      /** Failure ignored by `ignoreErrors`. */
      ignored?: boolean;
      /** Host the task ran on when delegated. */
      delegatedTo?: string;
      /** The task's type (module) name: `file`, `package`, `wait`, ... */
      module?: string;
      /** Fingerprint of the probed state the verdict was decided from (saved plans compare it). */
      probe?: string;
      /** Check mode: the steps a real run would take (not for a task marked sensitive). */
      steps?: DescribedStep[];
      startedAt: number;
      durationMs: number;
    }
  | {
      /** One item of a `loop` task on a host (Ansible's `(item=...)` lines); the host's `host-result` follows. */
      event: 'item-result';
      host: string;
      task: string;
      /** The item as shown: a string as is, anything else as JSON. */
      item: string;
      status: HostStatus;
      message: string;
      delegatedTo?: string;
    }
  | { event: 'handlers-notified'; host: string; handlers: string[] }
  | { event: 'play-aborted'; play: string; reason: string }
  | { event: 'warning'; message: string }
  /** The run was interrupted (SIGINT/SIGTERM): no task started after it; comes before `stats` and `recap`. */
  | { event: 'interrupted'; signal: string; message: string }
  | { event: 'stats'; stats: RunStats }
  | { event: 'recap'; hosts: Record<string, HostCounts> };

/** What a task's plan decided on a host, shown to a {@link PlanGuard} before anything is applied. */
export interface PlanVerdict {
  host: string;
  task: string;
  role?: string;
  handler: boolean;
  status: 'ok' | 'change' | 'may-change' | 'failed';
  summary: string;
  diff?: import('./task-contract.ts').Diff[];
}

/**
 * Consulted for every plan verdict of a real run (saved-plan apply): returns why the verdict is not the
 * saved plan's, which fails the task on that host before its apply, or undefined to go on.
 */
export type PlanGuard = (verdict: PlanVerdict) => string | undefined;

/** A subscriber to run events. */
export type EventListener = (event: RunEvent) => void;

/**
 * Replaces every registered secret by `********` in an event before any listener sees it, so a sensitive
 * value cannot leak through a diff, an error, stderr or JSON.
 */
export class Redactor {
  private secrets = new Set<string>();

  /** Register a secret value (strings shorter than 3 characters are ignored: they would mask everything). */
  add(value: unknown): void {
    if (typeof value === 'string') {
      if (value.length >= 3) this.secrets.add(value);
      // Output quotes secrets in pieces (a trimmed line of a file), so each line is a secret too; short lines
      // (`}`, `[main]`) are not, or every later output would be masked beyond recognition.
      if (value.includes('\n')) for (const piece of value.split('\n').map((l) => l.trim())) if (piece.length >= 6) this.secrets.add(piece);
    } else if (typeof value === 'number') this.add(String(value));
    else if (Array.isArray(value)) value.forEach((v) => this.add(v));
    else if (value && typeof value === 'object') Object.values(value).forEach((v) => this.add(v));
  }

  /** How many secret strings are registered. */
  get size(): number {
    return this.secrets.size;
  }

  /** Redact a string. */
  text(input: string): string {
    let out = input;
    // Longest first, so a whole value is masked before its pieces.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) if (out.includes(s)) out = out.split(s).join('********');
    return out;
  }

  /** Redact every string inside a value (a deep copy; the input is left as it was). */
  deep<T>(value: T): T {
    if (this.secrets.size === 0) return value;
    if (typeof value === 'string') return this.text(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.deep(v)) as T;
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.deep(v);
      return out as T;
    }
    return value;
  }
}
