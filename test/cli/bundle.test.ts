/**
 * The one-file CLI (dist/cli.bundle.js, scripts/bundle-cli.mjs), as the package bin runs it, says
 * byte for byte what the compiled modules (dist/src/cli.js) say for the same scripted session on a
 * loopback server: initialize, initialized, tools/list, a tool call streamed with progress, a line
 * that is not JSON (-32700). Each line is written once the previous one is answered, so the order
 * of stdout is the session's, not a race. And what it does not load for a plain http:// server
 * that does not compress, with no OAuth record: Node's https, tls, crypto, zlib and fs/promises
 * (with its readline), loaded on first use (src/http/agents.ts, src/http/node-http-adapter.ts,
 * src/auth/oauth-store.ts, LAZY in scripts/bundle-cli.mjs); loaded at start-up they cost 1.4 MiB
 * of idle RSS.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoServer, type DemoServer } from '../../src/demo/demo-server';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'mcp-rx-bridge.js');
const BUNDLE = join(ROOT, 'dist', 'cli.bundle.js');
const MODULES = join(ROOT, 'dist', 'src', 'cli.js');

/** Loaded only when an https:// URL, a compressed answer, OAuth or DPoP needs them. */
const LAZY_BUILTINS = ['https', 'tls', 'crypto', 'zlib', 'fs/promises', 'internal/readline/interface', 'http2'];

/** A line to write, and how to know it was answered (the answer's id). */
const SCRIPT: Array<{ line: string; answer?: number | null }> = [
  { line: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bundle-test', version: '1.0.0' } } }), answer: 1 },
  { line: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) },
  { line: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }), answer: 2 },
  {
    line: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'countdown', arguments: { n: 3, delayMs: 20 }, _meta: { progressToken: 'p-1' } } }),
    answer: 3,
  },
  { line: JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'echo', arguments: { text: 'héllo wörld 🌍 "q" \\ \n' } } }), answer: 4 },
  { line: 'this line is not JSON', answer: null },
];

interface Session {
  stdout: Buffer;
  stderr: string;
  code: number | null;
}

async function runSession(args: string[], url: string, flags: string[] = []): Promise<Session> {
  const child = spawn(process.execPath, [...args, '--url', url, '--log-level', 'off', ...flags], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let text = '';
  let stderr = '';
  let wake: (() => void) | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    out.push(chunk);
    text += chunk.toString('utf8');
    wake?.();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const answered = (id: number | null) =>
    text
      .split('\n')
      .filter((l) => l !== '')
      .some((l) => {
        const m = JSON.parse(l) as { id?: unknown; result?: unknown; error?: unknown };
        return m.id === id && ('result' in m || 'error' in m);
      });
  for (const step of SCRIPT) {
    child.stdin.write(step.line + '\n');
    if (step.answer === undefined) continue;
    const deadline = Date.now() + 15_000;
    while (!answered(step.answer)) {
      if (Date.now() > deadline) throw new Error(`no answer to ${step.line} (stdout so far: ${text}; stderr: ${stderr})`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 100);
      });
    }
  }
  child.stdin.end();
  const code = await exited;
  return { stdout: Buffer.concat(out), stderr, code };
}

describe('the bundled CLI (dist/cli.bundle.js)', () => {
  let server: DemoServer;
  let dir: string;
  beforeAll(async () => {
    server = await startDemoServer();
    dir = mkdtempSync(join(tmpdir(), 'bundle-test-'));
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('is built, and the package bin runs it', async () => {
    expect(existsSync(BUNDLE)).toBe(true);
    // A preload that lists, at exit, the files of this package that were loaded.
    const preload = join(dir, 'loaded.js');
    const list = join(dir, 'loaded.json');
    writeFileSync(preload, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(list)}, JSON.stringify(Object.keys(require.cache))));\n`);
    const run = await runSession(['-r', preload, BIN], server.url);
    expect(run.code).toBe(0);
    const loaded = (JSON.parse(readFileSync(list, 'utf8')) as string[]).filter((f) => f.startsWith(ROOT) && !f.includes(`${join(ROOT, 'node_modules')}`));
    expect(loaded.sort()).toEqual([BIN, BUNDLE].sort());
  }, 60_000);

  test('answers byte for byte as dist/src/cli.js does', async () => {
    const bundled = await runSession([BIN], server.url);
    const modules = await runSession([MODULES], server.url);
    expect(bundled.code).toBe(0);
    expect(modules.code).toBe(0);
    expect(bundled.stderr).toBe('');
    expect(modules.stderr).toBe('');
    const lines = modules.stdout.toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { id?: unknown; method?: string; error?: { code: number } });
    // The session happened: 5 answers, progress notifications before the countdown's answer, a parse error.
    expect(lines.filter((l) => l.id !== undefined).map((l) => l.id)).toEqual([1, 2, 3, 4, null]);
    expect(lines.filter((l) => l.method === 'notifications/progress').length).toBeGreaterThan(0);
    expect(lines.at(-1)!.error!.code).toBe(-32700);
    expect(bundled.stdout.toString('utf8')).toBe(modules.stdout.toString('utf8'));
    expect(bundled.stdout.equals(modules.stdout)).toBe(true);
  }, 60_000);

  test('loads none of https, tls, crypto, zlib, fs/promises for a plain http:// server', async () => {
    // A preload that writes, at exit, the builtin modules loaded beyond a bare `node`.
    const preload = join(dir, 'builtins.js');
    const list = join(dir, 'builtins.json');
    writeFileSync(
      preload,
      `const before = new Set(process.moduleLoadList);\n` +
        `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(list)}, JSON.stringify(process.moduleLoadList.filter((m) => !before.has(m)))));\n`,
    );
    const run = await runSession(['-r', preload, BIN], server.url, ['--oauth-store', join(dir, 'no-store')]);
    expect(run.code).toBe(0);
    const loaded = (JSON.parse(readFileSync(list, 'utf8')) as string[]).filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length));
    // The list is real: the session's own modules are in it.
    expect(loaded).toEqual(expect.arrayContaining(['http', 'net']));
    expect(loaded.filter((m) => LAZY_BUILTINS.includes(m))).toEqual([]);
  }, 60_000);
});
