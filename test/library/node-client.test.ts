/**
 * The Node library (`createMcpHttpClient`) against real node:http servers: a request's messages
 * in order then its completion, typed errors, cancellation on unsubscribe, and answers with a
 * foreign id kept out of the request they arrived with.
 */
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { createMcpHttpClient, HttpStatusError, type McpHttpClient } from '../../src/index';
import { json, result, sse, startServer, type TestServer } from '../helpers/http-server';
import { socketClosed } from '../helpers/cli-kit';
import { waitFor } from '../helpers/wait';

const progress = (n: number) => ({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'p', progress: n } });

describe('createMcpHttpClient (Node)', () => {
  let server: TestServer | undefined;
  let client: McpHttpClient | undefined;
  afterEach(async () => {
    await client?.close();
    await server?.close();
    client = undefined;
    server = undefined;
  });

  test('request: its progress, then its result, then completion; ids are assigned', async () => {
    server = await startServer((req, res) => {
      const id = (req.json as { id: number }).id;
      sse(res);
      res.write(`data: ${JSON.stringify(progress(1))}\n\n`);
      res.end(`data: ${JSON.stringify(result(id, { echo: 'héllo 😀' }))}\n\n`);
    });
    client = createMcpHttpClient({ url: server.url, serverStream: false });
    const messages = await lastValueFrom(client.request({ method: 'tools/call', params: { name: 'echo' } }).pipe(toArray()));
    expect(messages).toEqual([progress(1), result(1, { echo: 'héllo 😀' })]);
    expect(server.requests[0]!.json).toEqual({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo' } });
  });

  test('an answer with another id on the stream goes to messages$, not to this request', async () => {
    server = await startServer((req, res) => {
      const id = (req.json as { id: number }).id;
      sse(res);
      res.write(`data: ${JSON.stringify(result(99, { stray: true }))}\n\n`);
      res.end(`data: ${JSON.stringify(result(id, { mine: true }))}\n\n`);
    });
    client = createMcpHttpClient({ url: server.url, serverStream: false });
    const stray = firstValueFrom(client.messages$.pipe(take(1)));
    const messages = await lastValueFrom(client.request({ method: 'tools/call', id: 5 }).pipe(toArray()));
    expect(messages).toEqual([result(5, { mine: true })]);
    expect(await stray).toEqual(result(99, { stray: true }));
  });

  test('an HTTP error status errors the request with HttpStatusError', async () => {
    server = await startServer((_req, res) => json(res, { error: 'nope' }, 503));
    client = createMcpHttpClient({ url: server.url, serverStream: false, retry: { attempts: 1 } });
    await expect(lastValueFrom(client.request({ method: 'tools/list' }))).rejects.toBeInstanceOf(HttpStatusError);
  });

  test('unsubscribing before the answer closes the stream and sends notifications/cancelled', async () => {
    let closed: Promise<void> | undefined;
    server = await startServer((req, res, raw) => {
      const message = req.json as { id?: number; method: string };
      if (message.id === undefined) return void res.writeHead(202).end();
      sse(res);
      res.write(`data: ${JSON.stringify(progress(1))}\n\n`);
      closed = socketClosed(raw);
    });
    client = createMcpHttpClient({ url: server.url, serverStream: false });
    const first = await firstValueFrom(client.request({ method: 'tools/call', id: 'slow' }));
    expect(first).toEqual(progress(1));
    await waitFor(() => closed !== undefined, 'the request to reach the server');
    await closed;
    await waitFor(() => server!.requests.some((r) => (r.json as { method?: string })?.method === 'notifications/cancelled'), 'notifications/cancelled');
    const cancel = server.requests.find((r) => (r.json as { method?: string })?.method === 'notifications/cancelled')!;
    expect(cancel.json).toEqual({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'slow', reason: 'unsubscribed' } });
  });
});
