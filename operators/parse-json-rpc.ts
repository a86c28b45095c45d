import { Observable, type OperatorFunction } from 'rxjs';
import { classifyJsonRpc, type ClassifiedMessage } from './json-rpc';

/**
 * Classifies each text (one JSON-RPC message per value, e.g. from `splitLines`) as a request,
 * notification, response, batch or invalid message. Never errors on bad input: an invalid
 * message carries the JSON-RPC error to answer with (-32700 parse error, -32600 invalid request).
 * Blank texts are skipped.
 */
export function parseJsonRpc(): OperatorFunction<string, ClassifiedMessage> {
  return (source) =>
    new Observable<ClassifiedMessage>((subscriber) =>
      source.subscribe({
        next(text) {
          if (text.trim().length > 0) subscriber.next(classifyJsonRpc(text));
        },
        error(err: unknown) {
          subscriber.error(err);
        },
        complete() {
          subscriber.complete();
        },
      }),
    );
}
