import { filter, map, pipe, type OperatorFunction } from 'rxjs';
import { LineTooLongError } from './errors';
import { classifyJsonRpc, errorResponse, ErrorCode, type ClassifiedMessage } from './json-rpc';
import { peekId } from './peek-id';

/**
 * Classifies each text (one JSON-RPC message per value, e.g. from `splitLines`) as a request,
 * notification, response, batch or invalid message. Never errors on bad input: an invalid
 * message carries the JSON-RPC error to answer with (-32700 parse error, -32600 invalid request).
 * Blank texts are skipped. An over-long line (`splitLines` in its 'emit' mode) becomes an invalid
 * message too: its text is gone, but its head usually names the id the sender waits on.
 */
export function parseJsonRpc(): OperatorFunction<string | LineTooLongError, ClassifiedMessage> {
  return pipe(
    filter((text) => typeof text !== 'string' || text.trim().length > 0),
    map((text) => (typeof text === 'string' ? classifyJsonRpc(text) : tooLong(text))),
  );
}

/** The invalid message that stands for an over-long line: -32600, under the id its head shows. */
export function tooLong(line: LineTooLongError): ClassifiedMessage {
  const id = peekId(line.head);
  const error = errorResponse(id, ErrorCode.InvalidRequest, `Invalid Request: message exceeds the limit of ${line.limit} bytes (--max-message-bytes)`);
  return { kind: 'invalid', id, error, text: '' };
}
