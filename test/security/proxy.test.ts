import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { runCli } from '../helpers/cli-process';
import { json, startServer, type TestServer } from '../helpers/http-server';
import { makeTlsFiles, startTlsServer, type TlsFiles, type TlsServer } from '../helpers/chaos-tls';

/**
 * HTTP_PROXY / HTTPS_PROXY / NO_PROXY: a real forward proxy on loopback (absolute-form requests
 * for http targets, CONNECT tunnels for https ones) records what went through it.
 */
describe('proxies from the environment', () => {
  let proxy: Server;
  let proxyUrl: string;
  const through: string[] = [];
  let target: TestServer;
  let tls: TlsFiles;
  let secure: TlsServer;

  beforeAll(async () => {
    proxy = createServer((req, res) => {
      through.push(`${req.method} ${req.url}`);
      const u = new URL(req.url!);
      const upstream = request({ host: u.hostname, port: u.port, path: u.pathname, method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode!, r.headers);
        r.pipe(res);
      });
      req.pipe(upstream);
    });
    proxy.on('connect', (req, socket, head) => {
      through.push(`CONNECT ${req.url}`);
      const [host, port] = req.url!.split(':');
      const upstream = connect(Number(port), host!, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    target = await startServer((req, res) => json(res, { jsonrpc: '2.0', id: req.json.id, result: { plain: true } }));
    tls = makeTlsFiles();
    secure = await startTlsServer(tls);
  });
  afterAll(async () => {
    proxy.closeAllConnections();
    proxy.close();
    await target.close();
    await secure.close();
    tls.remove();
  });
  beforeEach(() => (through.length = 0));

  async function ping(url: string, env: Record<string, string>, args: string[] = []): Promise<unknown> {
    const cli = runCli(['--url', url, '--quiet', ...args], env);
    cli.send({ jsonrpc: '2.0', id: 1, method: 'ping' });
    cli.end();
    await cli.exited;
    return cli.messages()[0];
  }

  test('HTTP_PROXY carries an http request (absolute-form through the proxy)', async () => {
    const url = target.url.replace('127.0.0.1', 'localhost');
    expect(await ping(url, { HTTP_PROXY: proxyUrl })).toEqual({ jsonrpc: '2.0', id: 1, result: { plain: true } });
    expect(through).toEqual([`POST ${url}`]);
  });

  test('NO_PROXY bypasses the proxy for a listed host', async () => {
    const url = target.url.replace('127.0.0.1', 'localhost');
    expect(await ping(url, { HTTP_PROXY: proxyUrl, NO_PROXY: 'localhost' })).toEqual({ jsonrpc: '2.0', id: 1, result: { plain: true } });
    expect(through).toEqual([]);
  });

  test('HTTPS_PROXY tunnels https with CONNECT, and the extra CA still verifies the server', async () => {
    const reply = (await ping(secure.url, { HTTPS_PROXY: proxyUrl }, ['--tls-cert', tls.cert])) as { id: number; result?: unknown };
    expect(reply.id).toBe(1);
    expect(reply.result).toBeDefined();
    expect(through).toEqual([`CONNECT ${new URL(secure.url).host}`]);
  });
});
