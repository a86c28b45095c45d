import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * The library in a real browser: src/browser.ts bundled with esbuild for the browser platform
 * (the bundle fails if anything on that path imports a Node built-in), served with a test page
 * from one loopback origin, talking to a Streamable HTTP MCP endpoint on another origin (CORS),
 * driven in Debian's headless Chromium through playwright-core.
 */

const ROOT = join(__dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
// Split inside multi-byte characters on purpose: "é" is 2 bytes, "🌍" 4, "日" 3.
const TEXT = 'héllo 🌍 日本';

interface Mcp {
  url: string;
  /** Resolves the gate that holds the slow tool's result. */
  release(): void;
  progressSent: number;
  closedStreams: number;
  cancelled: unknown[];
  server: Server;
}

function serveMcp(): Promise<Mcp> {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const state: Mcp = { url: '', release: () => release(), progressSent: 0, closedStreams: 0, cancelled: [], server: undefined as unknown as Server };
  const cors = {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Headers': 'content-type, accept, mcp-session-id, mcp-protocol-version, last-event-id',
    'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
    'Access-Control-Expose-Headers': 'mcp-session-id',
  };
  state.server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    if (req.method === 'GET') return void res.writeHead(405, cors).end();
    if (req.method === 'DELETE') return void res.writeHead(200, cors).end();
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const msg = JSON.parse(body) as { id?: number; method?: string; params?: any };
      if (msg.method === 'initialize') {
        const text = JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 'b', version: '1' } } });
        return void res.writeHead(200, { ...cors, 'Content-Type': 'application/json', 'Mcp-Session-Id': 'browser-session' }).end(text);
      }
      if (msg.id === undefined) {
        if (msg.method === 'notifications/cancelled') state.cancelled.push(msg.params);
        return void res.writeHead(202, cors).end();
      }
      res.writeHead(200, { ...cors, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.flushHeaders();
      res.on('close', () => state.closedStreams++);
      const progress = (n: number) =>
        Buffer.from(`data: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 't', progress: n, message: TEXT } })}\n\n`);
      if (msg.params?.name === 'slow') {
        // Each event is written in two pieces cut inside a multi-byte character.
        const first = progress(1);
        const cut = first.indexOf(Buffer.from('🌍')) + 2;
        res.write(first.subarray(0, cut));
        setTimeout(() => {
          res.write(first.subarray(cut));
          state.progressSent++;
          void gate.then(() => {
            const result = Buffer.from(`data: ${JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: { content: [{ type: 'text', text: TEXT }] } })}\n\n`);
            const cut2 = result.indexOf(Buffer.from('日')) + 1;
            res.write(result.subarray(0, cut2));
            setTimeout(() => res.end(result.subarray(cut2)), 50);
          });
        }, 50);
      } else {
        // 'forever': progress every 100 ms until the client goes away.
        let n = 0;
        const timer = setInterval(() => {
          res.write(progress(++n));
          state.progressSent++;
        }, 100);
        res.on('close', () => clearInterval(timer));
      }
    });
  });
  return new Promise((resolve) =>
    state.server.listen(0, '127.0.0.1', () => {
      state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}/mcp`;
      resolve(state);
    }),
  );
}

async function servePage(bundle: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === '/bundle.js') return void res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(bundle);
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><meta charset="utf-8"><script src="/bundle.js"></script><p>ready</p>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

async function waitFor(check: () => Promise<boolean> | boolean, what: string, ms = 15000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('library in headless Chromium (fetch adapter, streaming)', () => {
  let browser: Browser;
  let page: Page;
  let mcp: Mcp;
  let site: { url: string; server: Server };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) execFileSync(join(ROOT, 'scripts', 'ensure-chromium.sh'), { stdio: 'inherit' });
    const out = await build({
      entryPoints: [join(ROOT, 'src', 'browser.ts')],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'iife',
      globalName: 'McpRx',
      target: 'es2020',
      logLevel: 'silent',
    });
    mcp = await serveMcp();
    site = await servePage(out.outputFiles[0]!.text);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage();
    await page.goto(site.url);
    await page.evaluate(async (url) => {
      const w = window as any;
      w.client = w.McpRx.createMcpHttpClient({ url, transport: 'streamable-http', serverStream: false });
      const init = { method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'page', version: '1' } } };
      await new Promise<void>((resolve, reject) => w.client.request(init).subscribe({ error: reject, complete: resolve }));
      await new Promise<void>((resolve, reject) => w.client.notify({ method: 'notifications/initialized' }).subscribe({ error: reject, complete: resolve }));
    }, mcp.url);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    site?.server.close();
    mcp?.server.closeAllConnections();
    mcp?.server.close();
  });

  test('progress arrives before the result is even sent, UTF-8 intact, then the result and completion', async () => {
    await page.evaluate(() => {
      const w = window as any;
      w.seen = [];
      w.done = false;
      w.client.request({ method: 'tools/call', params: { name: 'slow', _meta: { progressToken: 't' } } }).subscribe({
        next: (m: unknown) => w.seen.push(m),
        complete: () => (w.done = true),
        error: (e: Error) => w.seen.push({ error: String(e) }),
      });
    });
    await waitFor(async () => (await page.evaluate(() => (window as any).seen.length)) >= 1, 'the first progress notification');
    // The server has not sent the result yet: the page saw the progress incrementally.
    expect(await page.evaluate(() => (window as any).done)).toBe(false);
    mcp.release();
    await waitFor(() => page.evaluate(() => (window as any).done), 'completion');
    const seen = await page.evaluate(() => (window as any).seen);
    expect(seen).toEqual([
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 't', progress: 1, message: TEXT } },
      { jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: TEXT }] } },
    ]);
  });

  test('unsubscribing aborts the HTTP request and sends notifications/cancelled', async () => {
    const closedBefore = mcp.closedStreams;
    await page.evaluate(() => {
      const w = window as any;
      w.count = 0;
      w.sub = w.client.request({ method: 'tools/call', params: { name: 'forever', _meta: { progressToken: 't' } } }).subscribe({ next: () => w.count++ });
    });
    await waitFor(async () => (await page.evaluate(() => (window as any).count)) >= 2, 'two progress notifications');
    await page.evaluate(() => (window as any).sub.unsubscribe());
    await waitFor(() => mcp.closedStreams > closedBefore, 'the server to see the stream closed');
    await waitFor(() => mcp.cancelled.length > 0, 'notifications/cancelled');
    expect(mcp.cancelled).toEqual([{ requestId: 3, reason: 'unsubscribed' }]);
  });
});
