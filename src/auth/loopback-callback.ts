import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The redirect target of the authorization code flow: a one-shot HTTP server on 127.0.0.1. */
export interface LoopbackCallback {
  redirectUri: string;
  port: number;
  /** The callback's query parameters, once a request with the expected `state` arrived. */
  wait(state: string, timeoutMs: number, signal?: AbortSignal): Promise<URLSearchParams>;
  close(): Promise<void>;
}

const PAGE = (title: string) =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><body style="font-family:sans-serif"><p>${title}</p><p>You can close this window.</p></body>`;

/**
 * Listens on 127.0.0.1 (never on all interfaces: nobody else may deliver a code), on `port`
 * or a free one. Only a request to /callback carrying the `state` of the pending authorization
 * is taken; anything else gets 400 and the wait goes on (a forged request cannot end a sign-in).
 */
export async function startLoopbackCallback(port: number): Promise<LoopbackCallback> {
  let expected: { state: string; resolve: (p: URLSearchParams) => void } | undefined;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const state = url.searchParams.get('state');
    if (url.pathname !== '/callback' || expected === undefined || state !== expected.state) {
      res.writeHead(400, { 'Content-Type': 'text/html; charset=utf-8' }).end(PAGE('This is not the sign-in you started.'));
      return;
    }
    const failed = url.searchParams.has('error');
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', Connection: 'close' }).end(PAGE(failed ? 'Sign-in did not complete.' : 'Signed in to the MCP server.'));
    expected.resolve(url.searchParams);
    expected = undefined;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    redirectUri: `http://127.0.0.1:${actual}/callback`,
    port: actual,
    wait(state, timeoutMs, signal) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`no sign-in within ${Math.round(timeoutMs / 1000)} s (--auth-timeout)`)), timeoutMs);
        const onAbort = () => finish(new Error('sign-in aborted'));
        const finish = (err?: Error, params?: URLSearchParams) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          expected = undefined;
          if (err) reject(err);
          else resolve(params!);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        expected = { state, resolve: (p) => finish(undefined, p) };
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The port of a stored loopback redirect URI, to listen there again (the registration names it). */
export function loopbackPort(redirectUris: unknown): number | undefined {
  if (!Array.isArray(redirectUris)) return undefined;
  for (const uri of redirectUris) {
    try {
      const url = new URL(String(uri));
      if (url.hostname === '127.0.0.1' && url.port !== '') return Number(url.port);
    } catch {
      // not a URL
    }
  }
  return undefined;
}
