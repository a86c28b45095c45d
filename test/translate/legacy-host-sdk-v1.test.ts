/**
 * Issue #14 end to end, "2025 host → 2026-only server": a real SDK v1 host (@modelcontextprotocol/sdk
 * 1.x Client over stdio, test/fixtures/sdk-v1/legacy-host.mjs) runs its checks through the built
 * CLI, with no flag (translation is the default), against the SDK v2 fixture server in modern-only
 * mode, which refuses every 2025 message with -32022. Needs dist/ (built by `pretest`).
 */
import { join } from 'node:path';
import { CLI } from '../helpers/cli-process';
import { bridgeArgFlags, runHostFixture, type HostOutput } from '../helpers/fixture-process';
import { startSdkV2Server, type SdkV2Server } from '../helpers/sdk-v2';

jest.setTimeout(120_000);

const HOST = join(__dirname, '..', 'fixtures', 'sdk-v1', 'legacy-host.mjs');
const CHECKS = ['tools/list', 'ping', 'progress', 'elicitation', 'subscribe', 'big', 'concurrency', 'exit'] as const;

interface Line {
  event?: string;
  check?: string;
  ok?: boolean;
  error?: string;
  detail?: Record<string, unknown>;
  protocolVersion?: string | null;
  server?: { name: string; version: string } | null;
}

type V1Run = HostOutput<Line>;

/** Runs the v1 host once (it spawns the bridge itself, as a real host does) and parses its JSON lines. */
const runV1Host = (url: string, bridgeArgs: string[] = []) => runHostFixture<Line>(HOST, ['--url', url, '--cli', CLI, ...bridgeArgFlags(bridgeArgs)], 100_000);

describe('SDK v1 host (2025-11-25) through the CLI to the SDK v2 modern-only server', () => {
  let server: SdkV2Server;
  let run: V1Run;

  beforeAll(async () => {
    server = await startSdkV2Server('modern', { record: true });
    run = await runV1Host(server.url, ['--log-level', 'info']);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const explain = (name: string) => {
    const line = run.lines.find((l) => l.check === name);
    return `${name}: ${line?.ok ? 'ok' : `FAILED ${line?.error ?? '(no line)'}`}\nhost stderr: ${run.stderr.slice(-1500)}\nbridge log (tail):\n${run.bridgeLog.slice(-3000)}`;
  };

  test('connects: the 2025 handshake answered from server/discover', () => {
    const connect = run.lines.find((l) => l.event === 'connect');
    expect({ ok: connect?.ok, error: connect?.error }).toEqual({ ok: true, error: undefined });
    expect(connect!.protocolVersion).toBe('2025-11-25');
    expect(connect!.server).toEqual({ name: 'rx-bridge-sdk-v2-fixture', version: '1.0.0' });
    expect(run.bridgeLog).toContain('translating');
  });

  test.each(CHECKS)('%s', (name) => {
    const line = run.lines.find((l) => l.check === name);
    expect(line?.ok ? name : explain(name)).toBe(name);
  });

  test('the host saw one server request for the elicitation, with a bridge-minted id', () => {
    const line = run.lines.find((l) => l.check === 'elicitation');
    expect(line?.detail?.serverRequestId).toEqual(expect.stringMatching(/^rx-input-\d+$/));
  });

  test('the server saw only 2026-07-28 traffic after the refused initialize: no session, no GET, no DELETE', () => {
    const recorded = server.recorded();
    const initialize = recorded.filter((r) => r.rpc?.method === 'initialize');
    expect(initialize.map((r) => r.status)).toEqual([400]);
    const rest = recorded.filter((r) => r.rpc?.method !== 'initialize');
    expect(rest.filter((r) => r.method !== 'POST')).toEqual([]);
    for (const r of rest) {
      expect([r.rpc?.method, r.headers['mcp-protocol-version'], r.headers['mcp-session-id']]).toEqual([r.rpc?.method, '2026-07-28', undefined]);
    }
    const methods = new Set(rest.map((r) => r.rpc?.method));
    expect([...methods].sort()).toEqual(['server/discover', 'subscriptions/listen', 'tools/call', 'tools/list']);
    // The host's answer to elicitation/create never went upstream.
    expect(rest.filter((r) => r.rpc?.hasResult || r.rpc?.hasError)).toEqual([]);
  });

  test('summary: every check passed and the host exited 0', () => {
    const summary = run.lines.find((l) => l.event === 'summary') as { passed?: number; failed?: number } | undefined;
    expect({ summary, exitCode: run.exitCode }).toEqual({ summary: expect.objectContaining({ passed: CHECKS.length, failed: 0 }), exitCode: 0 });
  });
});
