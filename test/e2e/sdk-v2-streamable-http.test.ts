/**
 * Issue #13 item 6: an SDK v2 host (MCP 2026-07-28) over stdio through the built CLI to an SDK v2
 * server (Streamable HTTP), in the server's modern-only mode and in its mode that serves both
 * revisions. Every check the same host passes DIRECT (StreamableHTTPClientTransport to the same
 * server) must pass through the bridge.
 *
 * The fixtures are child processes (ESM): test/fixtures/sdk-v2/server.mjs and host.mjs; the host
 * prints one JSON line per check (see host.mjs for the checks and what each asserts).
 */
import { CHECKS, explain, runSdkV2Host, startSdkV2Server, type HostRun, type SdkV2Server, type ServerMode } from '../helpers/sdk-v2';

/** The bridge's response timeout for these runs: the listen check holds its stream 3.5 s, past it. */
const BRIDGE_ARGS = ['--timeout', '2', '--log-level', 'debug'];
const HOLD_MS = 3500;
const SETUP_MS = 240000;

const combinations: Array<{ title: string; mode: ServerMode; negotiation: 'pin' | 'auto' }> = [
  { title: 'SDK v2 host pinned to 2026-07-28 -> bridge -> SDK v2 server, modern-only', mode: 'modern', negotiation: 'pin' },
  { title: 'SDK v2 host pinned to 2026-07-28 -> bridge -> SDK v2 server, both revisions', mode: 'both', negotiation: 'pin' },
  { title: 'dual-era SDK v2 host (versionNegotiation auto) -> bridge -> SDK v2 server, both revisions', mode: 'both', negotiation: 'auto' },
];

describe.each(combinations)('e2e 2026-07-28: $title', ({ mode, negotiation }) => {
  let server: SdkV2Server;
  let direct: HostRun;
  let bridged: HostRun;

  beforeAll(async () => {
    server = await startSdkV2Server(mode);
    // Sequential on purpose: the two runs share the server's resource and gate state.
    direct = await runSdkV2Host({ url: server.url, via: 'direct', negotiation, holdMs: HOLD_MS });
    bridged = await runSdkV2Host({ url: server.url, via: 'bridge', negotiation, bridgeArgs: BRIDGE_ARGS, holdMs: HOLD_MS, exitBoundMs: 5000 });
  }, SETUP_MS);

  afterAll(async () => {
    await server?.stop();
  });

  test('baseline: the host passes all nine checks direct, on 2026-07-28', () => {
    expect(direct.connect).toMatchObject({ ok: true, era: 'modern', protocolVersion: '2026-07-28' });
    for (const name of CHECKS) expect(explain(direct, name)).toBe(`${name}: ok`);
    expect(direct.exitCode).toBe(0);
  });

  test('through the bridge the host connects on 2026-07-28 (as it does direct)', () => {
    expect(bridged.connect.error).toBeUndefined();
    expect({ era: bridged.connect.era, protocolVersion: bridged.connect.protocolVersion }).toEqual({ era: direct.connect.era, protocolVersion: direct.connect.protocolVersion });
  });

  test.each([...CHECKS])('%s: passes through the bridge whenever it passes direct', (name) => {
    if (!direct.checks[name].ok) throw new Error(`baseline failed, so the fixture is broken: ${explain(direct, name)}`);
    expect(explain(bridged, name)).toBe(`${name}: ok`);
  });

  test('all nine through the bridge (the summary line)', () => {
    expect(bridged.summary).toMatchObject({ passed: 9, failed: 0, era: 'modern', protocolVersion: '2026-07-28' });
    expect(bridged.exitCode).toBe(0);
  });
});
