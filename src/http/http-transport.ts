import type { Readable } from 'node:stream';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { Logger } from '../log/logger';
import { createAgents, type AgentOptions } from './agents';
import type { HttpRequest, HttpResponse } from './http-types';
import { NodeResponseBody } from './node-body';

export type { HttpRequest, HttpResponse } from './http-types';

export interface HttpTransportOptions extends AgentOptions {
  http2: boolean;
  userAgent: string;
  /** Header names that must not follow a redirect to another origin (user-supplied secrets). */
  sensitiveHeaders: string[];
}

/**
 * One HTTP exchange with axios, body streamed (`responseType: 'stream'`), every status returned
 * to the caller (the bridge maps statuses itself), no hidden timeout (the bridge owns timeouts),
 * no size cap below the bridge's own. Proxies come from HTTP(S)_PROXY / NO_PROXY through axios,
 * which tunnels HTTPS with CONNECT and takes the TLS settings of our https agent.
 */
export class HttpTransport {
  private readonly axios: AxiosInstance;

  constructor(
    options: HttpTransportOptions,
    private readonly logger: Logger,
  ) {
    const { httpAgent, httpsAgent } = createAgents(options);
    this.axios = axios.create({
      httpAgent,
      httpsAgent,
      responseType: 'stream',
      validateStatus: () => true,
      timeout: 0,
      // No maxContentLength: with one set, axios wraps the stream and destroying the wrapper
      // leaves the socket busy in the pool. The bridge enforces --max-message-bytes itself.
      maxBodyLength: Infinity,
      maxRedirects: 5,
      decompress: true,
      transformRequest: [(data: unknown) => data],
      transitional: { clarifyTimeoutError: true },
      ...(options.http2 ? { httpVersion: 2, http2Options: { rejectUnauthorized: !options.insecure } } : {}),
      ...(options.sensitiveHeaders.length > 0 ? { sensitiveHeaders: options.sensitiveHeaders } : {}),
      headers: { 'User-Agent': options.userAgent },
    } as Parameters<typeof axios.create>[0]);
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    if (this.logger.enabled('debug')) this.logger.debug(`${request.method} ${request.url}`, { bytes: request.body?.length ?? 0 });
    const res: AxiosResponse<Readable> = await this.axios.request({
      method: request.method,
      url: request.url,
      headers: request.headers,
      data: request.body,
      signal: request.signal,
    });
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value == null ? undefined : String(value);
    }
    if (this.logger.enabled('debug')) this.logger.debug(`HTTP ${res.status} ${headers['content-type'] ?? ''}`.trim(), { method: request.method });
    return { status: res.status, statusText: res.statusText ?? '', headers, body: new NodeResponseBody(res.data) };
  }
}
