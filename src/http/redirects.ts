import type { HttpRequest, HttpResponse, SendHttp } from './http-types';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/**
 * Dropped across origins whatever the caller counts as sensitive: the MCP session id names a
 * session that another origin has no business joining (or hijacking). MCP-Protocol-Version,
 * Accept and Content-Type stay: they say what the request is, and carry no secret.
 */
const SESSION_HEADERS: ReadonlySet<string> = new Set(['mcp-session-id']);

/**
 * Follows redirects for a JSON-RPC bridge: 307/308 (and 301/302, which a POST API means the same
 * way) repeat the request with its method and body; 303 turns it into a GET. Across origins
 * (scheme, host or port), Authorization, cookies, the user's own headers and Mcp-Session-Id are
 * dropped, so that a server cannot send our credentials or our session elsewhere.
 */
export async function followRedirects(send: SendHttp, request: HttpRequest, sensitive: ReadonlySet<string>): Promise<HttpResponse> {
  let current = request;
  for (let hop = 0; ; hop++) {
    const res = await send(current);
    const location = res.headers['location'];
    if (!REDIRECTS.has(res.status) || location === undefined || hop >= MAX_REDIRECTS) return res;
    res.body.discard();
    const target = new URL(location, current.url);
    const headers = { ...current.headers };
    if (target.origin !== new URL(current.url).origin) {
      for (const name of Object.keys(headers)) {
        const lower = name.toLowerCase();
        if (sensitive.has(lower) || SESSION_HEADERS.has(lower)) delete headers[name];
      }
    }
    current =
      res.status === 303
        ? { method: 'GET', url: target.toString(), headers: withoutBodyHeaders(headers), signal: current.signal, lane: current.lane }
        : { ...current, url: target.toString(), headers };
  }
}

function withoutBodyHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (name.toLowerCase() !== 'content-type') out[name] = value;
  return out;
}
