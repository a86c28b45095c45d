import { createServer, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { runCli } from '../helpers/cli-process';

/** --http2 speaks HTTP/2 (cleartext, prior knowledge) and streams SSE over it. */
describe('--http2', () => {
  let server: Http2Server;
  let url: string;
  const versions: string[] = [];

  beforeAll(async () => {
    server = createServer();
    server.on('stream', (stream, headers) => {
      versions.push(String(headers[':method']));
      if (headers[':method'] !== 'POST') {
        // The GET stream opened after notifications/initialized: not offered here.
        stream.respond({ ':status': 405 });
        return void stream.end();
      }
      let body = '';
      stream.on('data', (c: Buffer) => (body += c.toString('utf8')));
      stream.on('end', () => {
        const m = JSON.parse(body) as { id?: number };
        if (m.id === undefined) {
          stream.respond({ ':status': 202 });
          return void stream.end();
        }
        stream.respond({ ':status': 200, 'content-type': 'text/event-stream' });
        stream.write('data: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":1}}\n\n');
        stream.end(`data: ${JSON.stringify({ jsonrpc: '2.0', id: m.id, result: { over: 'h2' } })}\n\n`);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test('requests go out as HTTP/2 streams and their SSE answers come back whole', async () => {
    const cli = runCli(['--url', url, '--http2', '--quiet']);
    cli.send({ jsonrpc: '2.0', id: 1, method: 'ping' });
    cli.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    cli.end();
    const { code } = await cli.exited;
    expect(code).toBe(0);
    expect(cli.lines).toEqual([
      '{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":1}}',
      '{"jsonrpc":"2.0","id":1,"result":{"over":"h2"}}',
    ]);
    expect(versions.filter((m) => m === 'POST')).toHaveLength(2);
  });
});
