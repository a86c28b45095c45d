/**
 * What the bundled CLI does not load for a plain http:// server that does not compress, with no
 * OAuth record: Node's https, tls, crypto, zlib and fs/promises (with its readline). They are
 * loaded on first use (src/http/agents.ts, src/http/node-http-adapter.ts, src/auth/oauth-store.ts,
 * LAZY in scripts/bundle-cli.mjs); loaded at start-up they cost 1.4 MiB of idle RSS. A preload
 * writes process.moduleLoadList at exit, after the initialize answer and a tool call.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoServer, type DemoServer } from '../../src/demo/demo-server';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'mcp-rx-bridge.js');

/** Loaded only when an https:// URL, a compressed answer, OAuth or DPoP needs them. */
const LAZY = ['https', 'tls', 'crypto', 'zlib', 'fs/promises', 'internal/readline/interface', 'http2'];

const lines = [
  { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'lazy-builtins-test', version: '1.0.0' } } },
  { jsonrpc: '2.0', method: 'notifications/initialized' },
  { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { text: 'hi' } } },
];

/** The builtin modules (NativeModule entries) the bin loaded in one session, beyond a bare `node`. */
async function builtinsOfSession(url: string, dir: string): Promise<{ loaded: string[]; stdout: string; code: number | null }> {
  const preload = join(dir, 'list.js');
  const list = join(dir, 'loaded.json');
  writeFileSync(
    preload,
    `const before = new Set(process.moduleLoadList);\n` +
      `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(list)}, JSON.stringify(process.moduleLoadList.filter((m) => !before.has(m)))));\n`,
  );
  const child = spawn(process.execPath, ['-r', preload, BIN, '--url', url, '--log-level', 'off', '--oauth-store', join(dir, 'no-store')], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    // Both requests answered: the session is over.
    if (stdout.split('\n').filter((l) => l.includes('"id":')).length >= 2) child.stdin.end();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  for (const line of lines) child.stdin.write(JSON.stringify(line) + '\n');
  const timer = setTimeout(() => child.kill(), 20_000);
  const code = await exited;
  clearTimeout(timer);
  const loaded = (JSON.parse(readFileSync(list, 'utf8')) as string[]).filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length));
  return { loaded, stdout, code };
}

describe('the bundled CLI against a plain http:// server', () => {
  let server: DemoServer;
  let dir: string;
  beforeAll(async () => {
    server = await startDemoServer();
    dir = mkdtempSync(join(tmpdir(), 'lazy-builtins-'));
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('answers without loading https, tls, crypto, zlib or fs/promises', async () => {
    const { loaded, stdout, code } = await builtinsOfSession(server.url, dir);
    expect(code).toBe(0);
    expect(stdout).toContain('"id":1');
    expect(stdout).toContain('"id":2');
    // The list is real: the session's own modules are in it.
    expect(loaded).toEqual(expect.arrayContaining(['http', 'net']));
    expect(loaded.filter((m) => LAZY.includes(m))).toEqual([]);
  }, 60_000);
});
