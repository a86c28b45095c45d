/**
 * Server URL handling compatible with mcpgateway.wrapper: ContextForge URLs are rewritten to the
 * gateway's Streamable HTTP endpoint, every other URL is used as given.
 */

/** Thrown for a URL the bridge cannot use; the CLI prints it and exits with status 2. */
export class InvalidServerUrlError extends Error {}

const SERVERS_PATH = /\/servers\/[^/]+(\/.*)?$/;

/**
 * ContextForge rules, as in the reference wrapper's tests:
 * - `…/servers/<id>` gains `/mcp/`; `…/servers/<id>/` becomes `…/servers/<id>//mcp/` in the
 *   reference; we normalise that double slash (documented in the migration notes);
 * - `…/servers/<id>/mcp` gains its trailing slash; `…/servers/<id>/sse` becomes `…/mcp/`.
 * Any URL outside a `/servers/<id>` path is returned unchanged.
 */
export function rewriteContextForgeUrl(raw: string): string {
  const url = new URL(raw);
  const path = url.pathname;
  const m = SERVERS_PATH.exec(path);
  if (!m) return raw;
  const tail = m[1] ?? '';
  const base = path.slice(0, path.length - tail.length);
  let next: string;
  if (tail === '' || tail === '/') next = `${base}/mcp/`;
  else if (tail === '/mcp' || tail === '/mcp/') next = `${base}/mcp/`;
  else if (tail === '/sse' || tail === '/sse/') next = `${base}/mcp/`;
  else return raw;
  if (next === path) return raw;
  url.pathname = next;
  return url.toString();
}

/** Validates the URL (http or https only) and applies the rewrite unless disabled. */
export function resolveServerUrl(raw: string, rewrite: boolean): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidServerUrlError(`--url is not a valid URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidServerUrlError(`--url must be http:// or https://, got ${url.protocol}//`);
  }
  return rewrite ? rewriteContextForgeUrl(url.toString()) : url.toString();
}
