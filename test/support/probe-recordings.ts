/**
 * The recorded probe outputs of sysctl, wait and command (test/fixtures/<kind>/probe-*.json): how each
 * fixture's probe is built from its `probe` inputs, and the host state each needs (`setup`, run as root
 * on a test host before the probe). A fixture holds the probe `command` it was recorded with: the unit
 * tests fail when the code builds another one, until test/e2e/probe-recordings re-records it on a test
 * host (`HOSTWRIGHT_RECORD=1 node test/run.ts --e2e probe-recordings`, root).
 */
import { commandGuardProbe, parseCommandGuard } from '../../lib/probes/command-guard.ts';
import { copyTreeProbe, parseCopyTree } from '../../lib/probes/copy-tree.ts';
import { DIFF_SIZE_LIMIT, fileStatProbe, parseFileStat } from '../../lib/probes/file-stat.ts';
import { fileStatItem, mergedFileStatCommand, splitFileStat } from '../../lib/probes/file-stat-merge.ts';
import { parseUnarchive, unarchiveProbe } from '../../lib/probes/archive-listing.ts';
import { getUrlProbe, parseGetUrl } from '../../lib/tasks/get-url.ts';
import { parseRepoFile, repoFileProbe } from '../../lib/tasks/repository.ts';
import { gitProbe, parseGit } from '../../lib/tasks/git.ts';
import { mountProbe, parseMount } from '../../lib/tasks/mount.ts';
import { parseSysctl, sysctlProbe } from '../../lib/probes/sysctl-state.ts';
import { parseWait, waitProbe } from '../../lib/probes/wait-script.ts';
import type { ExecResult } from '../../lib/core/transport-types.ts';

/** One kind of recorded probe. */
export interface ProbeKind {
  /** The probe command the current code builds for a fixture's `probe` inputs. */
  command(inputs: any): string;
  /** The parser under test (given the fixture's `probe` inputs too). */
  parse(result: ExecResult, inputs?: any): unknown;
  /**
   * Commands recorded alongside (a fixture's `singles`, each with its `result`): for a merged probe, each
   * single probe it stands for, so that the unit tests compare the split answer with the single ones.
   */
  singles?(inputs: any): string[];
  /**
   * What of a parsed state a live answer must reproduce, when some of it is wall-clock time
   * (wait's `elapsed` is whole seconds: 0 or 1 for the same answer, depending on when the second ticks;
   * curl says "after N ms").
   */
  comparable?(state: any): unknown;
  /** Run once on the host before this kind's fixtures are recorded, and after (cleanup). */
  before?: string;
  after?: string;
}

// A tiny HTTP server on the test host for the url and port fixtures: /health answers "etcd ok",
// /bad a body without the expected text, anything else 404.
const HTTP_SERVER = `
import http.server
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = {'/health': b'etcd ok', '/bad': b'{"health":"false"}'}.get(self.path)
        self.send_response(200 if body else 404); self.end_headers(); self.wfile.write(body or b'nope')
    def log_message(self, *a): pass
http.server.HTTPServer(('127.0.0.1', 18481), H).serve_forever()
`;

/** The kinds with recorded probes. */
export const PROBE_KINDS: Record<
  'sysctl' | 'wait' | 'command' | 'copy' | 'fetch' | 'fileMerge' | 'unarchive' | 'getUrl' | 'repository' | 'git' | 'mount',
  ProbeKind
> = {
  sysctl: {
    command: (p: { key: string; file: string }) => sysctlProbe(p.key, p.file).command,
    parse: parseSysctl,
    after: 'rm -rf /tmp/rec; sysctl -w net.ipv4.ip_forward=0 >/dev/null',
  },
  wait: {
    command: (p) => waitProbe(p).command,
    parse: parseWait,
    comparable: (state) => ({
      ...state,
      elapsed: state.elapsed <= 1 ? 'at most 1 s' : state.elapsed,
      last: String(state.last).replace(/after \d+ ms/, 'after N ms'),
    }),
    before: `systemd-run --quiet --unit=hw-rec-http --collect python3 -c '${HTTP_SERVER.replace(/'/g, `'\\''`)}'
      for i in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:18481/ && exit 0; sleep 0.1; done; echo "test HTTP server did not start" >&2; exit 1`,
    after: 'systemctl stop hw-rec-http',
  },
  command: {
    command: (p) => commandGuardProbe(p)!.command,
    parse: parseCommandGuard,
    after: 'rm -rf /tmp/rec',
  },
  copy: {
    command: (p) => copyTreeProbe(p).command,
    parse: parseCopyTree,
    after: 'rm -rf /tmp/rec',
  },
  fetch: {
    command: (p: { src: string }) => fileStatProbe(p.src).command,
    parse: parseFileStat,
    after: 'rm -rf /tmp/rec',
  },
  fileMerge: {
    command: (p: FileMergeInputs) => mergedFileStatCommand(fileMergeItems(p)),
    parse: (result, p: FileMergeInputs) => {
      const parts = splitFileStat(result, fileMergeItems(p));
      return parts ? parts.map(fileStateJson) : null;
    },
    singles: (p: FileMergeInputs) => p.probes.map((q) => fileStatProbe(q.path, q.options).command),
    after: 'rm -rf /tmp/rec /-hw-dash',
  },
  unarchive: {
    command: (p) => unarchiveProbe(p).command,
    parse: parseUnarchive,
    after: 'rm -rf /tmp/rec',
  },
  getUrl: {
    command: (p: { dest: string; algo?: string }) => getUrlProbe(p.dest, p.algo).command,
    parse: parseGetUrl,
    after: 'rm -rf /tmp/rec; [ -e /usr/bin/curl.off ] && mv /usr/bin/curl.off /usr/bin/curl; true',
  },
  repository: {
    command: (p: { path: string }) => repoFileProbe(p.path).command,
    parse: parseRepoFile,
    after: 'rm -rf /tmp/rec',
  },
  git: {
    command: (p) => gitProbe(p).command,
    parse: parseGit,
    // A repository with fixed dates and names, so that its commit ids are the same on every recording.
    before: `rm -rf /tmp/rec /tmp/rec-src && mkdir -p /tmp/rec && git init -q -b main /tmp/rec-src && cd /tmp/rec-src
      export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z'
      echo 1 > f && git add f && git commit -qm one && git tag v1 && git tag -a v1a -m ann
      echo 2 > f && git commit -qam two && git checkout -q -b dev && echo 3 > f && git commit -qam three && git checkout -q main`,
    after: 'rm -rf /tmp/rec /tmp/rec-src',
  },
  mount: {
    command: (p: { path: string; fstab?: string }) => mountProbe(p.path, p.fstab).command,
    parse: parseMount,
    after: 'umount /tmp/rec/m* 2>/dev/null; umount "/tmp/rec/with space" 2>/dev/null; rm -rf /tmp/rec',
  },
};

/** A merged file probe fixture's inputs: the single probes it merges. */
export interface FileMergeInputs {
  probes: { path: string; options?: Parameters<typeof fileStatProbe>[1] }[];
}

/** The merge items of a fixture's probes (each single probe's own item, also where it would run alone). */
export function fileMergeItems(p: FileMergeInputs): string[] {
  return p.probes.map(({ path, options: o = {} }) =>
    fileStatItem({
      path,
      follow: Boolean(o.follow),
      fetchContent: Boolean(o.fetchContent),
      expectedSha256: o.expectedSha256 ?? '-',
      sizeLimit: o.sizeLimit ?? DIFF_SIZE_LIMIT,
    }),
  );
}

/** A probe answer's FileState (or the error it throws) as JSON: content as base64. */
export function fileStateJson(result: ExecResult): unknown {
  try {
    const { content, ...state } = parseFileStat(result);
    return content === undefined ? state : { ...state, content: content.toString('base64') };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** How to re-record, for failure messages. */
export const RERECORD =
  'the probe command changed: re-record with `HOSTWRIGHT_RECORD=1 node test/run.ts --e2e probe-recordings` (root) and review the fixtures';
