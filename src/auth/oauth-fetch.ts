import { lastValueFrom, reduce } from 'rxjs';
import type { HttpRequest, SendHttp } from '../http/http-types';

/** The fetch-like function oauth4webapi accepts as `customFetch`. */
export type OAuthFetch = (url: string, init: { method: string; headers: Record<string, string>; body?: unknown; signal?: AbortSignal }) => Promise<Response>;

/** Metadata, registration and token answers are small; anything bigger is not one of them. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * OAuth's HTTP calls (metadata, registration, token, device, revocation) over the bridge's own
 * HTTP port, the one *without* the Authorization wrapper: they get the same proxy, CA, client
 * certificate and --insecure settings as the MCP requests, and never carry the MCP token. Each
 * call is bounded by `timeoutMs` (an authorization server that hangs must not hang the bridge).
 */
export function fetchOverSend(send: SendHttp, timeoutMs: number): OAuthFetch {
  return async (url, init) => {
    const method = init.method.toUpperCase();
    if (method !== 'GET' && method !== 'POST') throw new Error(`unsupported OAuth request method ${method}`);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const request: HttpRequest = { method, url, headers: { ...init.headers }, body: bodyText(init.body), signal, lane: 'side' };
    const res = await send(request);
    let size = 0;
    const chunks = await lastValueFrom(
      res.body.chunks().pipe(
        reduce((all: Uint8Array[], chunk: Uint8Array) => {
          size += chunk.byteLength;
          if (size > MAX_BODY_BYTES) throw new Error(`the OAuth response from ${url} is larger than ${MAX_BODY_BYTES} bytes`);
          all.push(chunk);
          return all;
        }, []),
      ),
      { defaultValue: [] as Uint8Array[] },
    );
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers.set(name, value);
    const empty = res.status === 204 || res.status === 304 || size === 0;
    return new Response(empty ? null : Buffer.concat(chunks, size), { status: res.status, statusText: res.statusText, headers });
  };
}

function bodyText(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  throw new Error('unsupported OAuth request body');
}
