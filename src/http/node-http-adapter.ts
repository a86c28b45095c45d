import * as http from 'node:http';
import type * as https from 'node:https';
import type { Readable } from 'node:stream';
import { urlToHttpOptions } from 'node:url';
import type * as zlib from 'node:zlib';
import { AxiosError, type AxiosAdapter, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { httpsAgentOf } from './agents';
import { recordAttemptFacts, watchAttempt } from './attempt-facts';
import { segmentsLength } from './request-body';

/** What the bridge accepts when the request does not say: what `decompressed` can undo. */
const ACCEPT_ENCODING = 'gzip, deflate, br';

/**
 * An axios adapter for the bridge's common case, plain HTTP/1.1 without a proxy: the request goes
 * straight to `http.request` with the configured keep-alive agent, and the response is handed
 * back as a stream. Why: axios' own Node adapter does much the bridge never needs (proxy lookup,
 * follow-redirects wiring, progress and size-limit transforms, form data), and cost ~80 µs of CPU
 * per request on top of axios' core; with this adapter pipelined throughput went from 1,917 to
 * 2,282 req/s and the p50 round trip from ~0.67 to ~0.63 ms (bench:profile, same machine).
 *
 * axios still builds the request (config merging, headers) and its errors: network errors come
 * back as AxiosError with the socket error's code and the error as `cause`, as from its adapter.
 * Redirects are not followed here (redirects.ts does it for both adapters); proxies and HTTP/2
 * keep axios' adapter (see HttpTransport). Bodies are strings, or segments of bytes (HttpRequest.body).
 */
export const nodeHttpAdapter: AxiosAdapter = (config: InternalAxiosRequestConfig) =>
  new Promise<AxiosResponse>((resolve, reject) => {
    const target = targetOf(config.url!);
    const secure = target.protocol === 'https:';
    const body = typeof config.data === 'string' || Array.isArray(config.data) ? (config.data as string | readonly Uint8Array[]) : undefined;
    const headers = config.headers.toJSON(true) as Record<string, string>;
    if (!hasHeader(headers, 'accept-encoding')) headers['Accept-Encoding'] = ACCEPT_ENCODING;
    if (body !== undefined) headers['Content-Length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : segmentsLength(body));
    const options: http.RequestOptions = {
      ...target,
      method: (config.method ?? 'get').toUpperCase(),
      headers,
      agent: secure ? httpsAgentOf(config.httpsAgent) : config.httpAgent,
    };
    const req = (secure ? httpsModule() : http).request(options, (res) => {
      const status = res.statusCode ?? 0;
      const data = options.method === 'HEAD' || status === 204 || status === 304 ? res : decompressed(res);
      // Plain headers: axios' dispatchRequest wraps them in AxiosHeaders itself.
      resolve({ data, status, statusText: res.statusMessage ?? '', headers: res.headers, config, request: req });
    });
    abortOn(config.signal as AbortSignal | undefined, req);
    // What the socket saw, for the retry rules: was the request sent, on a reused socket? (attempt-facts.ts)
    const facts = watchAttempt(req);
    req.on('error', (err: NodeJS.ErrnoException) => {
      const axiosError = AxiosError.from(err, err.code, config, req);
      recordAttemptFacts(axiosError, facts());
      reject(axiosError);
    });
    // Segments (a large host message as received) are written as they are: no join, no copy.
    if (typeof body === 'string' || body === undefined) req.end(body);
    else {
      for (const segment of body) req.write(segment);
      req.end();
    }
  });

/**
 * Node's https and zlib, loaded on the first https:// request and the first compressed answer:
 * https brings tls and crypto (~20 modules), zlib its binding; a bridge talking plain http to a
 * server that does not compress needs neither. Loading both (with the agent, axios' adapter and
 * crypto made lazy beside them, see scripts/bundle-cli.mjs) at start-up cost 1.4 MiB of idle RSS
 * (48.7 vs 47.3 MiB) and 10-16 ms before the answer to initialize (medians of 20 interleaved
 * spawns against bench/mock-server, three rounds).
 */
let httpsLoaded: typeof https | undefined;
let zlibLoaded: typeof zlib | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const httpsModule = (): typeof https => (httpsLoaded ??= require('node:https') as typeof https);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const zlibModule = (): typeof zlib => (zlibLoaded ??= require('node:zlib') as typeof zlib);

/**
 * Aborting `signal` destroys the request (and so its response) until the request closes, with the
 * error Node gives for its `signal` option (AbortError, ABORT_ERR). Done here rather than with
 * that option, which also attaches end-of-stream tracking (about seven listeners) to every
 * request to remove its one abort listener; a 'close' listener does that here. Node's abort and
 * end-of-stream code went from ~20 to ~7 µs per request in the 10,000-pipelined profile.
 */
function abortOn(signal: AbortSignal | undefined, req: http.ClientRequest): void {
  if (signal === undefined) return;
  const onAbort = () => req.destroy(Object.assign(new Error('The operation was aborted', { cause: signal.reason }), { name: 'AbortError', code: 'ABORT_ERR' }));
  if (signal.aborted) {
    process.nextTick(onAbort);
    return;
  }
  signal.addEventListener('abort', onAbort, { once: true });
  req.once('close', () => signal.removeEventListener('abort', onAbort));
}

/** Request options of the URLs lately used (the server's, an endpoint, a redirect target), by URL. */
const targets = new Map<string, http.RequestOptions>();
const TARGETS_KEPT = 16;

/**
 * `http.request`'s options for a URL, parsed once: the bridge sends every request to the same
 * URL, and parsing it (new URL, then Node's urlToHttpOptions) cost ~10 µs of a request's CPU.
 */
function targetOf(url: string): http.RequestOptions {
  let target = targets.get(url);
  if (target === undefined) {
    if (targets.size >= TARGETS_KEPT) targets.clear();
    target = urlToHttpOptions(new URL(url));
    targets.set(url, target);
  }
  return target;
}

function hasHeader(headers: Record<string, string>, lowerName: string): boolean {
  return Object.keys(headers).some((name) => name.toLowerCase() === lowerName);
}

/**
 * The body with its Content-Encoding undone, flushing as data arrives (Z_SYNC_FLUSH), so that a
 * compressed event stream still streams. Either side failing or closing ends the other: destroying
 * the returned stream (the bridge abandoning a body) destroys the response and its socket.
 */
function decompressed(res: http.IncomingMessage): Readable {
  const encoding = (res.headers['content-encoding'] ?? '').trim().toLowerCase();
  const gzip = encoding === 'gzip' || encoding === 'x-gzip';
  if (!gzip && encoding !== 'deflate' && encoding !== 'br') return res;
  const zlib = zlibModule();
  const sync = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const inflate = gzip
    ? zlib.createGunzip(sync)
    : encoding === 'deflate'
      ? zlib.createInflate(sync)
      : zlib.createBrotliDecompress({ flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
  delete res.headers['content-encoding'];
  res.on('error', (err) => inflate.destroy(err));
  inflate.on('close', () => res.destroy());
  return res.pipe(inflate);
}
