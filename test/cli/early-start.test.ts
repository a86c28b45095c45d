import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { INITIALIZE, runCli } from '../helpers/cli-process';

/** A host that starts the bridge before its server is up: the first initialize waits for it. */
test('initialize written before the server listens is answered once it comes up (no error line)', async () => {
  // Reserve a free port, then free it: nothing listens there until the server starts below.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));

  const cli = runCli(['--url', `http://127.0.0.1:${port}/mcp`, '--retries', '2', '--retry-base', '0.05', '--log-level', 'warn']);
  cli.send(INITIALIZE);
  // Wait until the bridge has seen the refused connection before the server starts.
  while (!cli.stderr().includes('waiting for the server to come up')) await new Promise((r) => setTimeout(r, 20));

  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const m = JSON.parse(body) as { id: number };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 's', version: '1' } } }));
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  try {
    await cli.waitForLines(1);
    cli.end();
    expect((await cli.exited).code).toBe(0);
    expect(cli.messages()).toEqual([{ jsonrpc: '2.0', id: 0, result: { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 's', version: '1' } } }]);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
