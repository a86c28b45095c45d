import type { ServerResponse } from 'node:http';
import type { SeenRequest } from './http-server';
import { sleep, waitFor, within } from './wait';

export { sleep, waitFor, within };

/** What a fake MCP server answers to initialize. */
export const initializeResult = (protocolVersion = '2025-06-18') => ({
  protocolVersion,
  capabilities: { tools: {}, logging: {} },
  serverInfo: { name: 'session-test-server', version: '1.0.0' },
});

export const INITIALIZED = { jsonrpc: '2.0', method: 'notifications/initialized' } as const;

/** Writes one SSE event (data is JSON-encoded unless it is a string). */
export function sseEvent(res: ServerResponse, data: unknown, fields: { id?: string; retry?: number; event?: string } = {}, cb?: () => void): void {
  let text = '';
  if (fields.retry !== undefined) text += `retry: ${fields.retry}\n`;
  if (fields.id !== undefined) text += `id: ${fields.id}\n`;
  if (fields.event !== undefined) text += `event: ${fields.event}\n`;
  text += `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
  res.write(text, cb);
}

/** The JSON-RPC method of a POSTed message, or 'response' for a host's answer (no method). */
export function kindOf(req: SeenRequest): string | undefined {
  const m = req.json as Record<string, unknown> | undefined;
  if (!m || typeof m !== 'object') return undefined;
  if (typeof m.method === 'string') return m.method;
  return 'id' in m ? 'response' : undefined;
}

/** [method or kind, Mcp-Session-Id] of every POST, in arrival order. */
export const postsSeen = (requests: SeenRequest[]) =>
  requests.filter((r) => r.method === 'POST').map((r) => [kindOf(r), r.headers['mcp-session-id']] as const);


