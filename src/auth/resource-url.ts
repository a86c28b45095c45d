/**
 * RFC 8707 / RFC 9728 resource identifiers and the MCP server URL: which resource a server URL
 * belongs to, and the canonical form of a server URL (no fragment, no trailing slash on the path
 * unless it is the root) used when the server publishes no metadata.
 */
export function canonicalResource(serverUrl: string): string {
  const url = new URL(serverUrl);
  url.hash = '';
  let text = url.href;
  if (url.pathname !== '/' && text.endsWith('/') && url.search === '') text = text.slice(0, -1);
  if (url.pathname === '/' && url.search === '') text = text.slice(0, -1);
  return text;
}

/**
 * True when protected resource metadata for `resource` may speak for `serverUrl`: same origin,
 * and the server's path is the resource's path or below it (segment-wise). A document for another
 * origin (or a sibling path) is refused: signing in for it would hand its token to the wrong server.
 */
export function resourceCovers(resource: string, serverUrl: string): boolean {
  let r: URL;
  let s: URL;
  try {
    r = new URL(resource);
    s = new URL(serverUrl);
  } catch {
    return false;
  }
  if (r.origin !== s.origin || r.hash !== '') return false;
  const base = r.pathname.endsWith('/') ? r.pathname : `${r.pathname}/`;
  const path = s.pathname.endsWith('/') ? s.pathname : `${s.pathname}/`;
  return path.startsWith(base);
}

/** Loopback hosts, where plain http is accepted for the authorization server (local development). */
export function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}
