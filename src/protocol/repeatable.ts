import type { ClassifiedMessage } from '../../operators';
import { paramsName } from './meta';
import type { ToolCatalog } from './tool-catalog';

/** Methods that read or negotiate and change nothing: sending one twice does no harm. */
const SAFE_METHODS = new Set(['initialize', 'ping', 'server/discover', 'resources/read', 'prompts/get', 'completion/complete', 'subscriptions/listen']);

/**
 * Whether a message may be sent again even if it may already have run (RFC 9110 §9.2.2: only
 * idempotent requests may be repeated automatically). Requests: the methods above, every
 * `…/list`, and `tools/call` of a tool whose `tools/list` entry says `readOnlyHint` or
 * `idempotentHint`; any other call (or an unknown method) is not. One-way messages (notifications,
 * the host's answers to server requests) are: a server drops a duplicate.
 */
export function isRepeatable(m: ClassifiedMessage, tools: ToolCatalog): boolean {
  if (m.kind !== 'request') return true;
  if (SAFE_METHODS.has(m.method) || m.method.endsWith('/list')) return true;
  if (m.method !== 'tools/call') return false;
  const name = paramsName(m);
  return name !== undefined && (tools.facts(name)?.repeatable ?? false);
}
