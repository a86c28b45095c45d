/**
 * Issue #14 end to end, "2026-07-28 host → 2025-only server": the SDK v2 host pinned to 2026-07-28
 * (test/fixtures/sdk-v1/modern-host-checks.mjs) over stdio to the built CLI, by default (no flag),
 * against the SDK v1 server (test/fixtures/sdk-v1/legacy-server.mjs, 2025-11-25 only, stateful
 * sessions): connect, discover, tools/list, progress in order, an elicitation (MRTR) round trip,
 * change notifications via subscriptions/listen, a 2 MiB result, 10 concurrent calls, clean exit.
 *
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, runCli } from '../helpers/cli-process';

jest.setTimeout(120_000);

const FIXTURES = join(__dirname, '..', 'fixtures', 'sdk-v1');
const CHECKS = ['discover', 'tools/list', 'progress', 'mrtr', 'listen', 'big', 'concurrency', 'exit'] as const;

interface Started {
  url: string;
  log: () => string;
  stop: () => Promise<void>;
}

async function startLegacyServer(): Promise<Started> {
  const child: ChildProcess = spawn(process.execPath, [join(FIXTURES, 'legacy-server.mjs')], { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`SDK v1 server did not start; stderr:\n${stderr}`)), 20_000);
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
      if (stdout.includes('\n')) {
        clearTimeout(timer);
        resolve((JSON.parse(stdout.split('\n')[0]) as { url: string }).url);
      }
    });
  });
  return {
    url,
    log: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

interface HostRun {
  lines: Array<Record<string, any>>;
  exitCode: number | null;
  stderr: string;
  bridgeLog: string;
}

async function runHost(url: string, bridgeArgs: string[] = []): Promise<HostRun> {
  const dir = mkdtempSync(join(tmpdir(), 'rx-bridge-modern-host-'));
  const bridgeLogFile = join(dir, 'bridge.log');
  const args = [join(FIXTURES, 'modern-host-checks.mjs'), '--url', url, '--cli', CLI, '--bridge-stderr', bridgeLogFile, ...bridgeArgs.map((a) => `--bridge-arg=${a}`)];
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 100_000);
  const exitCode = await new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  clearTimeout(killTimer);
  const lines = stdout
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, any>);
  const bridgeLog = existsSync(bridgeLogFile) ? readFileSync(bridgeLogFile, 'utf8') : '';
  rmSync(dir, { recursive: true, force: true });
  return { lines, exitCode, stderr, bridgeLog };
}

describe('2026-07-28 host (SDK v2, pinned) → CLI → 2025-only server (SDK v1)', () => {
  let server: Started;
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
