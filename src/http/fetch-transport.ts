import axios from 'axios';
import type { HttpRequest, HttpResponse, SendHttp } from './http-types';
import { WebResponseBody } from './web-body';

/**
 * HTTP through axios' fetch adapter with streamed bodies: the browser path (no Node built-in),
 * also usable in Node 20+. TLS, proxies and pooling are the runtime's business here.
 */
export function createFetchTransport(): SendHttp {
  const client = axios.create({
    adapter: 'fetch',
    responseType: 'stream',
    validateStatus: () => true,
    timeout: 0,
    maxBodyLength: Infinity,
    transformRequest: [(data: unknown) => data],
  });
  return async (request: HttpRequest): Promise<HttpResponse> => {
    const res = await client.request({ method: request.method, url: request.url, headers: request.headers, data: typeof request.body === 'object' ? new Blob(request.body as unknown as BlobPart[]) : request.body, signal: request.signal });
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(res.headers ?? {})) {
      headers[name.toLowerCase()] = value == null ? undefined : String(value);
    }
    return { status: res.status, statusText: res.statusText ?? '', headers, body: new WebResponseBody(res.data as ReadableStream<Uint8Array> | null) };
  };
}
