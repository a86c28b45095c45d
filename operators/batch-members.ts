import { concatMap, type OperatorFunction } from 'rxjs';
import { jsonArrayItems } from './json-array-items';
import { classifyValue, errorResponse, ErrorCode, type ClassifiedMessage } from './json-rpc';

/**
 * Host batches taken apart: each member of a JSON-RPC batch goes on as if it had come on its own
 * line, so that every request in it gets exactly one answer with its own id (from the server, or
 * an error of ours). Why not reject the batch whole: a single error with id null leaves each
 * request in it unanswered. Why not forward it whole: MCP 2025-06-18 has no batches, so a current
 * server may refuse it. Answers come back one per line, as for any request (JSON-RPC lets a batch
 * be processed as separate calls). Members keep their text as written (big integers survive).
 * An empty batch, or a batch inside a batch, is one -32600 with id null, as JSON-RPC says.
 */
export function batchMembers(): OperatorFunction<ClassifiedMessage, ClassifiedMessage> {
  return concatMap((m) => (m.kind === 'batch' ? membersOf(m.items, m.text) : [m]));
}

/** The members of a batch, each classified on its own (see batchMembers). */
export function membersOf(items: unknown[], text: string): ClassifiedMessage[] {
  if (items.length === 0) return [invalidBatch('Invalid Request: an empty batch')];
  const found = jsonArrayItems(text);
  const texts = found.length === items.length ? found : items.map((item) => JSON.stringify(item));
  return items.map((item, i) => {
    const member = classifyValue(item, texts[i]!);
    return member.kind === 'batch' ? invalidBatch('Invalid Request: a batch inside a batch', texts[i]!) : member;
  });
}

function invalidBatch(message: string, text = '[]'): ClassifiedMessage {
  return { kind: 'invalid', id: null, error: errorResponse(null, ErrorCode.InvalidRequest, message), text };
}
