/**
 * SDK v2 (MCP 2026-07-28) fixtures as child processes: the server (test/fixtures/sdk-v2/server.mjs)
 * and the host that runs the nine checks of issue #13 (test/fixtures/sdk-v2/host.mjs), either
 * through the built CLI over stdio or directly over HTTP (the baseline).
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './cli-process';
import { bridgeArgFlags, runHostFixture, startFixtureServer } from './fixture-process';

export const SDK_V2_DIR = join(__dirname, '..', 'fixtures', 'sdk-v2');
export const SDK_V2_SERVER = join(SDK_V2_DIR, 'server.mjs');
export const SDK_V2_HOST = join(SDK_V2_DIR, 'host.mjs');

/** The nine checks, in the order the host runs and prints them. */
export const CHECKS = ['discover', 'tools/list', 'progress', 'mrtr', 'x-mcp-header', 'listen', 'big', 'concurrency', 'exit'] as const;
export type CheckName = (typeof CHECKS)[number];

export type ServerMode = 'modern' | 'both';

/** One line of the server's --record file: an HTTP request as it reached the server. */
export interface RecordedRequest {
  at: number;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rpc: null | {
    method?: string;
    id?: string | number;
    name?: string;
    uri?: string;
    arguments?: Record<string, unknown>;
    metaProtocolVersion?: string;
    initializeProtocolVersion?: string;
    hasResult: boolean;
    hasError: boolean;
  };
  status: number;
  closedEarly: boolean;
}

export interface SdkV2Server {
  url: string;
  mode: ServerMode;
  /** Requests recorded so far (when started with `record: true`). */
  recorded(): RecordedRequest[];
  log(): string;
  stop(): Promise<void>;
}

/** Starts the SDK v2 fixture server on 127.0.0.1 (port 0) and waits for its URL line. */
export async function startSdkV2Server(mode: ServerMode, options: { record?: boolean; keepAliveMs?: number; timeoutMs?: number } = {}): Promise<SdkV2Server> {
  const dir = mkdtempSync(join(tmpdir(), 'rx-bridge-sdk-v2-'));
  const recordFile = join(dir, 'requests.jsonl');
  const args = ['--mode', mode];
  if (options.record) args.push('--record', recordFile);
  if (options.keepAliveMs !== undefined) args.push('--keepalive-ms', String(options.keepAliveMs));
  const server = await startFixtureServer('SDK v2 server', SDK_V2_SERVER, args, options.timeoutMs).catch((err: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    url: server.url,
    mode,
    recorded: () =>
      existsSync(recordFile)
        ? readFileSync(recordFile, 'utf8')
            .split('\n')
            .filter((l) => l.trim() !== '')
            .map((l) => JSON.parse(l) as RecordedRequest)
        : [],
    log: server.log,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface CheckResult {
  check: CheckName;
  ok: boolean;
  ms: number;
  detail?: unknown;
  error?: string;
}

export interface HostRun {
  connect: { ok: boolean; era: 'modern' | 'legacy' | null; protocolVersion: string | null; ms: number; error?: string };
  checks: Record<CheckName, CheckResult>;
  summary: { passed: number; failed: number; era: string | null; protocolVersion: string | null } | undefined;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** The bridge's stderr (its log), when run through the bridge. */
  bridgeLog: string;
}

export interface HostOptions {
  url: string;
  via: 'bridge' | 'direct';
  /** pin: versionNegotiation { pin: '2026-07-28' }; auto: the dual-era 'auto' mode. */
  negotiation: 'pin' | 'auto';
  /** Extra CLI arguments after `--url <url>` (e.g. ['--timeout', '2']). */
  bridgeArgs?: string[];
  /** How long the listen check holds the stream before touching the resource (past --timeout). */
  holdMs?: number;
  /** The exit check's kill timer. */
  exitBoundMs?: number;
  /** Kills the host after this long (every wait inside it is bounded already). */
  killAfterMs?: number;
}

/** Runs the host fixture once and parses its JSON lines. */
export async function runSdkV2Host(options: HostOptions): Promise<HostRun> {
  const args = ['--url', options.url, '--via', options.via, '--negotiation', options.negotiation];
  if (options.via === 'bridge') args.push('--cli', CLI);
  args.push(...bridgeArgFlags(options.bridgeArgs ?? []));
  if (options.holdMs !== undefined) args.push('--hold-ms', String(options.holdMs));
  if (options.exitBoundMs !== undefined) args.push('--exit-bound-ms', String(options.exitBoundMs));
  const { lines, exitCode, stdout, stderr, bridgeLog } = await runHostFixture(SDK_V2_HOST, args, options.killAfterMs ?? 150000);
  const connect = (lines.find((l) => l.event === 'connect') ?? { ok: false, era: null, protocolVersion: null, ms: 0, error: `no connect line; stderr:\n${stderr}` }) as HostRun['connect'];
  const checks = {} as Record<CheckName, CheckResult>;
  for (const name of CHECKS) {
    checks[name] = (lines.find((l) => l.check === name) as CheckResult | undefined) ?? { check: name, ok: false, ms: 0, error: `no result line (host exit ${exitCode}); stderr:\n${stderr.slice(-2000)}` };
  }
  const summary = lines.find((l) => l.event === 'summary') as HostRun['summary'];
  return { connect, checks, summary, exitCode, stdout, stderr, bridgeLog };
}

/** A one-line description of a check result, for assertion messages. */
export const explain = (run: HostRun, name: CheckName): string => {
  const r = run.checks[name];
  return r.ok ? `${name}: ok` : `${name}: FAILED ${r.error ?? ''}\nbridge log (tail):\n${run.bridgeLog.slice(-3000)}`;
};
