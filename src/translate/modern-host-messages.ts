/**
 * Building blocks for the 2026-07-28-host → 2025-server translation
 * (modern-host-on-legacy-server.ts): what a 2025 server must not see of a 2026 request, the
 * messages the translator writes itself, and answers that carry the host's id exactly as the host
 * wrote it.
 */
import { idTextOf, type ClassifiedMessage, type JsonRpcErrorObject, type JsonRpcId } from '../../operators';
import { META } from '../protocol/meta';

export type Request = Extract<ClassifiedMessage, { kind: 'request' }>;
export type Notification = Extract<ClassifiedMessage, { kind: 'notification' }>;
export type Response = Extract<ClassifiedMessage, { kind: 'response' }>;
export type Params = Record<string, unknown>;
/** What an answer carries: a result or a JSON-RPC error. */
export type AnswerBody = { result: unknown } | { error: JsonRpcErrorObject };

/** The newest handshake revision: what the translator asks a 2025 server for. */
export const NEWEST_LEGACY_VERSION = '2025-11-25';
/** The prefix of every `_meta` key the MCP specification reserves for itself. */
const SPEC_META_PREFIX = 'io.modelcontextprotocol/';
/** Who the host is when its first request names nobody (a host driven by hand). */
export const UNKNOWN_CLIENT = { name: 'mcp-rx-bridge-host', version: '0' };

/** What a 2025 server told in its `initialize` answer: the source of the host's `server/discover` answer. */
export interface LegacyServer {
  protocolVersion: string;
  capabilities: Params;
  serverInfo: unknown;
  instructions?: string;
}

/** A JSON-RPC error the server answered one of the translator's own requests with. */
export class UpstreamRpcError extends Error {
  constructor(
    readonly method: string,
    readonly error: JsonRpcErrorObject,
  ) {
    super(`${method} was refused: ${error.code} ${error.message}`);
    this.name = 'UpstreamRpcError';
  }
}

export function isObject(value: unknown): value is Params {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function paramsOf(m: Request | Notification): Params | undefined {
  return isObject(m.message.params) ? m.message.params : undefined;
}

/** The request's `_meta`, or an empty object. */
export function metaOf(m: Request | Notification): Params {
  const meta = paramsOf(m)?._meta;
  return isObject(meta) ? meta : {};
}

/**
 * `params` without the 2026 `_meta` keys (`io.modelcontextprotocol/*`) and without the named
 * top-level keys: a 2025 server should ignore unknown `_meta`, but strict ones reject it, and a
 * request that carries `io.modelcontextprotocol/protocolVersion` would leave the 2025 session
 * (the transport sends such messages statelessly). The host's own keys (progressToken) stay.
 */
export function legacyParams(params: Params | undefined, dropKeys: readonly string[] = []): Params | undefined {
  if (params === undefined) return undefined;
  const out: Params = {};
  for (const [key, value] of Object.entries(params)) if (!dropKeys.includes(key)) out[key] = value;
  if (!isObject(params._meta)) return out;
  const meta: Params = {};
  for (const [key, value] of Object.entries(params._meta)) if (!key.startsWith(SPEC_META_PREFIX)) meta[key] = value;
  if (Object.keys(meta).length === 0) delete out._meta;
  else out._meta = meta;
  return out;
}

export function request(id: string, method: string, params?: Params): Request {
  const message = { jsonrpc: '2.0' as const, id, method, ...(params !== undefined ? { params } : {}) };
  return { kind: 'request', id, method, message, text: JSON.stringify(message) };
}

export function notification(method: string, params?: Params): Notification {
  const message = { jsonrpc: '2.0' as const, method, ...(params !== undefined ? { params } : {}) };
  return { kind: 'notification', method, message, text: JSON.stringify(message) };
}

/** The translator's answer to a server's request (an upstream POST of a JSON-RPC response). */
export function responseTo(id: JsonRpcId, body: AnswerBody): Response {
  const message = { jsonrpc: '2.0' as const, id, ...body } as Response['message'];
  return { kind: 'response', id, message, text: JSON.stringify(message) };
}

/**
 * An answer to a host request, written with the host's id text: a number beyond 2^53 (or 1e400)
 * does not survive JSON.parse, and the host matches answers by what it sent.
 */
export function answerHost(host: Request, body: AnswerBody): Response {
  const message = { jsonrpc: '2.0' as const, id: host.id, ...body } as Response['message'];
  const idText = (typeof host.id === 'number' ? idTextOf(host.text) : undefined) ?? JSON.stringify(host.id);
  const text = `{"jsonrpc":"2.0","id":${idText},${'result' in body ? `"result":${JSON.stringify(body.result)}` : `"error":${JSON.stringify(body.error)}`}}`;
  return { kind: 'response', id: host.id, message, text };
}

/**
 * Results whose 2026 form is a `CacheableResult`: `ttlMs` and `cacheScope` are required there
 * (changelog "Require ttlMs and cacheScope"; the SDK v2 host refuses a tools/list without them).
 */
const CACHEABLE_METHODS: ReadonlySet<string> = new Set(['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list', 'resources/read']);

/**
 * A 2025 server's result in its 2026 form: it says what it is (`resultType`), and a cacheable one
 * says not to cache it (`ttlMs: 0`: a 2025 server gives no freshness; `private`: it is the
 * session's answer).
 */
export function completeResult(method: string, result: unknown): unknown {
  if (!isObject(result)) return result;
  const cacheable = CACHEABLE_METHODS.has(method) ? { ttlMs: 0, cacheScope: 'private' } : {};
  return { resultType: 'complete', ...cacheable, ...result };
}

/** The body of a server's answer: its result, or its error. */
export function bodyOf(answer: Response): AnswerBody {
  return 'error' in answer.message ? { error: answer.message.error } : { result: answer.message.result };
}

/** `server/discover`'s answer, told from the 2025 server's `initialize` answer (server/discover.md). */
export function discoverResult(server: LegacyServer, supportedVersion: string): Params {
  return {
    resultType: 'complete',
    supportedVersions: [supportedVersion],
    capabilities: server.capabilities,
    ...(server.instructions !== undefined ? { instructions: server.instructions } : {}),
    _meta: { [META.serverInfo]: server.serverInfo },
    // A 2025 server's capabilities hold for its session only: nothing to cache beyond it.
    ttlMs: 0,
    cacheScope: 'private',
  };
}

/** Reads a 2025 `initialize` result. */
export function legacyServerOf(result: unknown): LegacyServer {
  const r = isObject(result) ? result : {};
  return {
    protocolVersion: typeof r.protocolVersion === 'string' ? r.protocolVersion : NEWEST_LEGACY_VERSION,
    capabilities: isObject(r.capabilities) ? r.capabilities : {},
    serverInfo: r.serverInfo ?? { name: 'unknown', version: '0' },
    ...(typeof r.instructions === 'string' ? { instructions: r.instructions } : {}),
  };
}
