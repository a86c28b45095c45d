/**
 * Building blocks for the 2025-host → 2026-server translation (legacy-host-on-modern-server.ts):
 * the host's identity from its `initialize`, the per-request `_meta` envelope, and messages the
 * translator writes itself (answers, upstream requests), serialized so that the host's id goes
 * back exactly as the host wrote it.
 */
import { match, P } from 'ts-pattern';
import { classifyValue, idTextOf, type ClassifiedMessage, type JsonRpcErrorObject, type JsonRpcId } from '../../operators';
import { FIRST_MODERN_VERSION, META, paramsOf } from '../protocol/meta';

export type Request = Extract<ClassifiedMessage, { kind: 'request' }>;
export type Notification = Extract<ClassifiedMessage, { kind: 'notification' }>;
export type Response = Extract<ClassifiedMessage, { kind: 'response' }>;
export type Params = Record<string, unknown>;

/** The handshake revisions a 2025-era host may ask for; its own version is echoed when it is one of them. */
const LEGACY_VERSIONS = new Set(['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25']);
/** What a 2025 host is told when it asks for a version the bridge does not know (the newest handshake revision). */
export const NEWEST_LEGACY_VERSION = '2025-11-25';

/** What the host declared in `initialize`: it becomes the `_meta` envelope of every upstream request. */
export interface HostIdentity {
  clientInfo: unknown;
  capabilities: Params;
  /** The version the host is answered with: its own when it is a handshake revision (an older host stays on what it knows). */
  protocolVersion: string;
}

/** Before any `initialize` (the translator driven directly): a modern server requires the keys anyway. */
export const UNKNOWN_HOST: HostIdentity = {
  clientInfo: { name: 'mcp-rx-bridge-host', version: '0' },
  capabilities: {},
  protocolVersion: NEWEST_LEGACY_VERSION,
};

export function hostIdentityOf(initialize: Request): HostIdentity {
  const params = paramsOf(initialize) ?? {};
  const requested = params.protocolVersion;
  return {
    clientInfo: params.clientInfo ?? UNKNOWN_HOST.clientInfo,
    capabilities: isObject(params.capabilities) ? params.capabilities : {},
    protocolVersion: typeof requested === 'string' && LEGACY_VERSIONS.has(requested) ? requested : NEWEST_LEGACY_VERSION,
  };
}

/** The 2026-07-28 per-request `_meta` keys for this host (basic/index.md "Per-request protocol fields"). */
export function envelopeOf(host: HostIdentity, logLevel: string | undefined): Params {
  return {
    [META.protocolVersion]: FIRST_MODERN_VERSION,
    [META.clientInfo]: host.clientInfo,
    [META.clientCapabilities]: host.capabilities,
    // Absent means "send no notifications/message for this request": a 2025 host that never
    // called logging/setLevel gets none, as from a 2025 server that defaults to silence.
    ...(logLevel !== undefined ? { [META.logLevel]: logLevel } : {}),
  };
}

/** `params` with the envelope merged into `_meta`; the host's own keys (progressToken, traceparent) stay. */
export function withEnvelope(params: Params | undefined, envelope: Params): Params {
  const meta = isObject(params?._meta) ? params._meta : {};
  return { ...params, _meta: { ...meta, ...envelope } };
}

/**
 * The id of a message as JSON text, exactly as the host wrote it: a number beyond 2^53 (or 1e400)
 * does not survive JSON.parse, and the host matches answers by what it sent.
 */
export function idTextFor(m: Request): string {
  if (typeof m.id === 'string') return JSON.stringify(m.id);
  return idTextOf(m.text) ?? JSON.stringify(m.id);
}

/** True when re-serializing the parsed id would change it (so an upstream answer must be rewritten). */
export function idIsLossy(m: Request): boolean {
  return typeof m.id === 'number' && idTextFor(m) !== JSON.stringify(m.id);
}

/** A request to send upstream: `idText` goes into the text verbatim, `id` is what answers are matched by. */
export function requestOf(id: JsonRpcId, idText: string, method: string, params: Params): Request {
  const message = { jsonrpc: '2.0' as const, id, method, params };
  const text = `{"jsonrpc":"2.0","id":${idText},"method":${JSON.stringify(method)},"params":${JSON.stringify(params)}}`;
  return classifyValue(message, text) as Request;
}

export function notificationOf(method: string, params: Params | undefined): Notification {
  const message = params === undefined ? { jsonrpc: '2.0' as const, method } : { jsonrpc: '2.0' as const, method, params };
  return classifyValue(message, JSON.stringify(message)) as Notification;
}

/** A request the bridge mints (its own string ids: nothing to preserve). */
export function mintedRequest(id: string, method: string, params: Params): Request {
  return requestOf(id, JSON.stringify(id), method, params);
}

/** The host request `req` answered with `result`, under its id as written. */
export function resultFor(req: Request, result: unknown): Response {
  return responseOf(req, 'result', result);
}

/** The host request `req` answered with an error, under its id as written. */
export function errorFor(req: Request, error: JsonRpcErrorObject): Response {
  return responseOf(req, 'error', error);
}

function responseOf(req: Request, key: 'result' | 'error', value: unknown): Response {
  const message = { jsonrpc: '2.0' as const, id: req.id, [key]: value };
  const text = `{"jsonrpc":"2.0","id":${idTextFor(req)},${JSON.stringify(key)}:${JSON.stringify(value)}}`;
  return classifyValue(message, text) as Response;
}

/** An upstream answer (to whichever upstream id) as the answer to the host's request. */
export function answerAs(req: Request, reply: Response): Response {
  return match(reply.message)
    .with({ error: P.select() }, (error) => errorFor(req, error))
    .otherwise((m) => resultFor(req, (m as { result: unknown }).result));
}

export function isObject(value: unknown): value is Params {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
