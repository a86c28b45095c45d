import type { Readable } from 'node:stream';
import axios, { Axios, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import type { Logger } from '../log/logger';
import { createAgents, type AgentOptions } from './agents';
import type { HttpRequest, HttpResponse } from './http-types';
import { NodeResponseBody } from './node-body';
import { nodeHttpAdapter } from './node-http-adapter';
import { followRedirects } from './redirects';
import { segmentsLength } from './request-body';

/** The environment variables axios reads a proxy from (their URL's password is a secret too). */
export const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'];

function hasProxyEnv(env: NodeJS.ProcessEnv): boolean {
  return PROXY_VARIABLES.some((name) => (env[name] ?? '') !== '');
}


/** Sockets of the side lane (see HttpRequest.lane): the GET stream and one-way messages. */
const SIDE_SOCKETS = 4;
/** Sockets of the stream lane: long-lived streams (subscriptions/listen), one socket each. */
const STREAM_SOCKETS = 64;

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
 * which tunnels HTTPS with CONNECT and takes the TLS settings of our https agent. Without a proxy
 * or HTTP/2, requests go through the lean `nodeHttpAdapter` rather than axios' Node adapter.
 */
export class HttpTransport {
  /** One axios instance per lane (see HttpRequest.lane), each with that lane's agents as defaults. */
  private readonly lanes: Record<NonNullable<HttpRequest['lane']>, Axios>;
  private readonly sensitive: Set<string>;
  /** Requests go through nodeHttpAdapter, which writes a body of segments as it is (axios' adapters want one buffer). */
  private readonly lean: boolean;

  constructor(
    options: HttpTransportOptions,
    private readonly logger: Logger,
  ) {
    // `maxSockets` is the request lane's; the side lane has its own few sockets.
    const request = createAgents(options);
    const side = createAgents({ ...options, maxSockets: SIDE_SOCKETS });
    const stream = createAgents({ ...options, maxSockets: STREAM_SOCKETS });
    this.sensitive = new Set(['authorization', 'cookie', 'proxy-authorization', ...options.sensitiveHeaders.map((h) => h.toLowerCase())]);
    this.lean = !(hasProxyEnv(process.env) || options.http2);
    const instance = (agents: Agents): Axios => (this.lean ? leanAxios(agents, options.userAgent) : fullAxios(agents, options));
    this.lanes = { request: instance(request), side: instance(side), stream: instance(stream) };
  }

  /** One exchange, following up to five redirects (see redirects.ts). */
  send(request: HttpRequest): Promise<HttpResponse> {
    return followRedirects((r) => this.sendOnce(r), request, this.sensitive);
  }

  private async sendOnce(request: HttpRequest): Promise<HttpResponse> {
    if (this.logger.enabled('debug')) this.logger.debug(`${request.method} ${request.url}`, { bytes: bodyBytes(request.body) });
    const res: AxiosResponse<Readable> = await this.lanes[request.lane ?? 'request'].request({
      method: request.method,
      url: request.url,
      headers: request.headers,
      data: typeof request.body === 'object' && !this.lean ? Buffer.concat(request.body) : request.body,
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

function bodyBytes(body: HttpRequest['body']): number {
  return typeof body === 'string' ? body.length : segmentsLength(body ?? []);
}

type Agents = ReturnType<typeof createAgents>;

/**
 * The common case, plain HTTP/1.1 without a proxy: requests go through `nodeHttpAdapter`, which
 * reads only the method, URL, headers, body, signal and agents. The instance has those defaults
 * alone instead of axios' global ones (transforms, per-method header buckets, transitional
 * options, XSRF names, size limits), which axios would otherwise merge, validate and flatten
 * again on every request for an adapter that never reads them: that halved axios' own CPU per
 * request (a no-op adapter in a loop, medians of 11 rounds of 20,000: 48.7 -> 26.1 µs). axios
 * still builds each request (config merge, AxiosHeaders, interceptors, dispatch) and its errors.
 * Not sent any more: axios' default `Accept: application/json, text/plain, *\/*` on a request
 * that names none (the session's DELETE; every POST and GET sets its own).
 */
function leanAxios(agents: Agents, userAgent: string): Axios {
  const defaults: AxiosRequestConfig = { adapter: nodeHttpAdapter, httpAgent: agents.httpAgent, httpsAgent: agents.httpsAgent, headers: { 'User-Agent': userAgent } };
  return new Axios(defaults);
}

/** With a proxy (HTTP(S)_PROXY) or HTTP/2: axios' own Node adapter, configured as described on HttpTransport. */
function fullAxios(agents: Agents, options: HttpTransportOptions): Axios {
  return axios.create({
    httpAgent: agents.httpAgent,
    httpsAgent: agents.httpsAgent,
    responseType: 'stream',
    validateStatus: () => true,
    timeout: 0,
    // No maxContentLength: with one set, axios wraps the stream and destroying the wrapper
    // leaves the socket busy in the pool. The bridge enforces --max-message-bytes itself.
    maxBodyLength: Infinity,
    // Redirects are followed in redirects.ts: axios' follow-redirects layer costs a quarter of
    // the CPU of a request, and without it axios uses Node's http module directly.
    maxRedirects: 0,
    // Without proxy variables, skip axios' per-request proxy lookup altogether.
    ...(hasProxyEnv(process.env) ? {} : { proxy: false }),
    decompress: true,
    transformRequest: [(data: unknown) => data],
    transitional: { clarifyTimeoutError: true },
    ...(options.http2 ? { httpVersion: 2, http2Options: { rejectUnauthorized: !options.insecure } } : {}),
    headers: { 'User-Agent': options.userAgent },
  } as Parameters<typeof axios.create>[0]);
}
