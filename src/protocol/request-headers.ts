import type { ClassifiedMessage } from '../../operators';
import { headerValue } from './header-value';
import { declaredVersion, isModernVersion, paramsName, paramsOf } from './meta';
import type { ToolCatalog } from './tool-catalog';

/** Methods whose `params.name` or `params.uri` goes into `Mcp-Name` (streamable-http.md, "Standard Request Headers"). */
const NAMED_METHODS = new Set(['tools/call', 'prompts/get', 'resources/read']);

/**
 * The MCP headers of one POST, derived from the message itself (MCP 2026-07-28, "Request
 * Metadata"): `MCP-Protocol-Version` from the version the message declares in `_meta`, else the
 * one a 2025 `initialize` negotiated; `Mcp-Method` on every request and notification; `Mcp-Name`
 * for tools/call, prompts/get and resources/read; `Mcp-Param-*` for the call's arguments that the
 * tool's schema marks with `x-mcp-header`. Values that are not plain ASCII take the Base64 form.
 * A message of the handshake era gets only the negotiated version, as before: the 2025 revisions
 * define no other header, and a browser's CORS preflight would refuse headers a 2025 server does
 * not allow.
 */
export function requestHeaders(m: ClassifiedMessage, tools: ToolCatalog, negotiatedVersion: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  const declared = declaredVersion(m);
  const version = declared ?? negotiatedVersion;
  if (version !== undefined) headers['MCP-Protocol-Version'] = headerValue(version);
  if (!isModernVersion(declared) || (m.kind !== 'request' && m.kind !== 'notification')) return headers;
  headers['Mcp-Method'] = headerValue(m.method);
  if (m.kind !== 'request' || !NAMED_METHODS.has(m.method)) return headers;
  // paramsName reads a scanned message's name from its scan; its params (a parse) are needed only
  // for a uri, or for the arguments of a tool that mirrors some into headers.
  const name = paramsName(m) ?? uriOf(m);
  if (name === undefined) return headers;
  headers['Mcp-Name'] = headerValue(name);
  if (m.method === 'tools/call' && (tools.facts(name)?.headerParams.length ?? 0) > 0) Object.assign(headers, tools.paramHeaders(name, paramsOf(m)?.arguments));
  return headers;
}

function uriOf(m: ClassifiedMessage): string | undefined {
  const uri = paramsOf(m)?.uri;
  return typeof uri === 'string' ? uri : undefined;
}
