import type { ClassifiedMessage } from '../../operators';

/** The `_meta` keys of MCP 2026-07-28 that the bridge reads (basic/index.md, versioning.md). */
export const META = {
  protocolVersion: 'io.modelcontextprotocol/protocolVersion',
  clientInfo: 'io.modelcontextprotocol/clientInfo',
  clientCapabilities: 'io.modelcontextprotocol/clientCapabilities',
  logLevel: 'io.modelcontextprotocol/logLevel',
  subscriptionId: 'io.modelcontextprotocol/subscriptionId',
  serverInfo: 'io.modelcontextprotocol/serverInfo',
} as const;

/**
 * A JSON-RPC error code from the range the MCP specification reserves for itself (-32020 to
 * -32099: HeaderMismatch, MissingRequiredClientCapability, UnsupportedProtocolVersion, ...): only
 * a modern (2026-07-28 or later) server answers with one.
 */
export function isSpecErrorCode(code: number): boolean {
  return code <= -32020 && code >= -32099;
}

/** The first revision that carries its version per request instead of an `initialize` handshake. */
export const FIRST_MODERN_VERSION = '2026-07-28';

/** `params` of a request or notification, when it is an object. */
export function paramsOf(m: ClassifiedMessage): Record<string, unknown> | undefined {
  if (m.kind !== 'request' && m.kind !== 'notification') return undefined;
  const params = m.message.params;
  return params !== null && typeof params === 'object' && !Array.isArray(params) ? (params as Record<string, unknown>) : undefined;
}

/**
 * `params.name` of a request or notification, when it is a string: from the scan when the message
 * was classified from its bytes (no parse of a 64 MiB tools/call to learn its tool), else from
 * `params`. A name the scan did not capture (none, or longer than it captures) is looked up in
 * `params`, so the answer is always JSON.parse's.
 */
export function paramsName(m: ClassifiedMessage): string | undefined {
  if (m.scan?.paramsName !== undefined && (m.kind === 'request' || m.kind === 'notification')) return m.scan.paramsName;
  const name = paramsOf(m)?.name;
  return typeof name === 'string' ? name : undefined;
}

/**
 * The protocol version a message declares in `params._meta` (MCP 2026-07-28: every request
 * carries it), or undefined for a message of the handshake era.
 */
export function declaredVersion(m: ClassifiedMessage): string | undefined {
  // A message classified from its bytes (a large stdin line) is not parsed for this: the scan
  // read the same member, as JSON.parse keeps it.
  if (m.scan !== undefined) return (m.kind === 'request' || m.kind === 'notification') && m.scan.protocolVersion !== '' ? m.scan.protocolVersion : undefined;
  const meta = paramsOf(m)?._meta;
  if (meta === null || typeof meta !== 'object') return undefined;
  const version = (meta as Record<string, unknown>)[META.protocolVersion];
  return typeof version === 'string' && version !== '' ? version : undefined;
}

/** A modern (2026-07-28 or later) version: dates compare as strings. */
export function isModernVersion(version: string | undefined): boolean {
  return version !== undefined && version >= FIRST_MODERN_VERSION;
}

/** A message of the stateless era: no session, no GET stream, no resumption applies to it. */
export function isModernMessage(m: ClassifiedMessage): boolean {
  return isModernVersion(declaredVersion(m));
}

/**
 * A request whose answer is a stream that lives as long as the host or the server wants
 * (`subscriptions/listen`): no response timeout, no request slot, closed at once at shutdown.
 */
export function isLongLived(m: ClassifiedMessage): boolean {
  return m.kind === 'request' && m.method === 'subscriptions/listen';
}
