import type { Readable } from 'node:stream';
import { filter, map, type Observable } from 'rxjs';
import { classifyJsonRpc, errorResponse, ErrorCode, LineTooLongError, splitLines, type ClassifiedMessage } from '../../operators';
import type { BackpressureGate } from '../http/http-types';
import { fromReadable } from '../util/readable-observable';
import { decodeUtf8Node } from '../util/string-decoder-operator';
import { batchMembers } from './batch-members';
import { peekId } from './peek-id';

/**
 * stdin as classified JSON-RPC messages: bytes → incremental UTF-8 → lines (LF or CRLF) → one
 * message per non-blank line, a batch's members one by one (see batchMembers). An over-long line
 * becomes an `invalid` message (-32600) and reading goes on. `gate` pauses stdin while the bridge has too much queued.
 */
export function stdinMessages(stdin: Readable, maxLineBytes: number, gate?: BackpressureGate): Observable<ClassifiedMessage> {
  return fromReadable(stdin, gate, () => 'pause').pipe(
    decodeUtf8Node(),
    splitLines({ maxLineBytes, onOversize: 'emit' }),
    map((line): ClassifiedMessage | undefined => {
      if (line instanceof LineTooLongError) {
        // The line is not kept, but its head usually names the id the host waits on.
        const id = peekId(line.head);
        const error = errorResponse(id, ErrorCode.InvalidRequest, `Invalid Request: message exceeds the limit of ${line.limit} bytes (--max-message-bytes)`);
        return { kind: 'invalid', id, error, text: '' };
      }
      return line.trim().length === 0 ? undefined : classifyJsonRpc(line);
    }),
    // Blank lines are accepted and ignored.
    filter((m): m is ClassifiedMessage => m !== undefined),
    batchMembers(),
  );
}
