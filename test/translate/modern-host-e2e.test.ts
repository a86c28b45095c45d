/**
 * Issue #14 end to end, "2026-07-28 host → 2025-only server": the SDK v2 host pinned to 2026-07-28
 * (test/fixtures/sdk-v1/modern-host-checks.mjs) over stdio to the built CLI, by default (no flag),
 * against the SDK v1 server (test/fixtures/sdk-v1/legacy-server.mjs, 2025-11-25 only, stateful
 * sessions): connect, discover, tools/list, progress in order, an elicitation (MRTR) round trip,
 * change notifications via subscriptions/listen, a 2 MiB result, 10 concurrent calls, clean exit.
 *
 */
import { join } from 'node:path';
import { CLI, runCli } from '../helpers/cli-process';
import { bridgeArgFlags, runHostFixture, startFixtureServer, type FixtureServer } from '../helpers/fixture-process';

jest.setTimeout(120_000);

const FIXTURES = join(__dirname, '..', 'fixtures', 'sdk-v1');
const CHECKS = ['discover', 'tools/list', 'progress', 'mrtr', 'listen', 'big', 'concurrency', 'exit'] as const;

const startLegacyServer = () => startFixtureServer('SDK v1 server', join(FIXTURES, 'legacy-server.mjs'));

const runHost = (url: string, bridgeArgs: string[] = []) =>
  runHostFixture<Record<string, any>>(join(FIXTURES, 'modern-host-checks.mjs'), ['--url', url, '--cli', CLI, ...bridgeArgFlags(bridgeArgs)], 100_000);

describe('2026-07-28 host (SDK v2, pinned) → CLI → 2025-only server (SDK v1)', () => {
  let server: FixtureServer;
  beforeAll(async () => {
    server = await startLegacyServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('passes every check, by default (no flag)', async () => {
    const run = await runHost(server.url, ['--timeout', '1']);
    const connect = run.lines.find((l) => l.event === 'connect');
    const why = `host stderr:\n${run.stderr.slice(-2000)}\nbridge log:\n${run.bridgeLog.slice(-3000)}`;
    expect({ connect, why }).toEqual({ connect: expect.objectContaining({ ok: true, era: 'modern', protocolVersion: '2026-07-28' }), why });
    for (const name of CHECKS) {
      const check = run.lines.find((l) => l.check === name);
      expect({ name, check: check?.ok ? 'ok' : (check?.error ?? 'no result line'), why: check?.ok ? '' : why }).toEqual({ name, check: 'ok', why: '' });
    }
    expect(run.exitCode).toBe(0);
    // One 2025 session per bridge process (the probe child and the session child), each DELETEd.
    const events = server.log().split('\n');
    expect(events.filter((l) => l.startsWith('event initialize ')).length).toBe(events.filter((l) => l.startsWith('event delete ')).length);
  });

  it('raw stdio: discover from the 2025 initialize, an id beyond 2^53 answered as written, a clean exit at EOF', async () => {
    const cli = runCli(['--url', server.url]);
    const envelope = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' }, 'io.modelcontextprotocol/clientCapabilities': {} };
    cli.send({ jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: envelope } });
    cli.sendRaw(`{"jsonrpc":"2.0","id":18446744073709551616,"method":"tools/call","params":{"name":"echo","arguments":{"text":"x"},"_meta":${JSON.stringify(envelope)}}}\n`);
    const lines = await cli.waitForLines(2, 20_000);
    cli.end();
    const byId = (prefix: string) => lines.find((l) => l.startsWith(prefix));
    expect(JSON.parse(byId('{"jsonrpc":"2.0","id":1,')!).result).toEqual(expect.objectContaining({ supportedVersions: ['2026-07-28'], resultType: 'complete' }));
    expect(JSON.parse(byId('{"jsonrpc":"2.0","id":18446744073709551616,')!.replace('18446744073709551616', '0')).result.content[0].text).toBe('echo: x');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
  });
});
