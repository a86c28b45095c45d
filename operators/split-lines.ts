import type { OperatorFunction } from 'rxjs';
import { LineTooLongError } from './errors';
import { pushParserOperator } from './push-parser';
import { TextAccumulator } from './text-accumulator';
import { exceedsUtf8, utf8Length } from './utf8-length';

/** How much of an over-long line its error keeps: enough to find a leading JSON-RPC id. */
const HEAD_CHARS = 256;

export interface SplitLinesOptions {
  /** Longest line accepted, in UTF-8 bytes (terminator excluded). Default: unlimited. */
  maxLineBytes?: number;
  /**
   * What to do with an over-long line. `'error'` (default) errors the stream with a
   * `LineTooLongError`. `'emit'` emits the `LineTooLongError` as a value in place of that line,
   * discards the rest of it up to the next LF and goes on: a reader of stdin must keep serving.
   */
  onOversize?: 'error' | 'emit';
}

const LF = '\n';
const CR = 13;

/**
 * Frames text into lines on LF and CRLF; the terminator is not part of the line. A CR at the end
 * of one chunk and an LF at the start of the next form one terminator (only the LF is searched
 * for; a CR right before it is trimmed from the finished line). A last line without a terminator
 * is emitted on completion.
 *
 * Cost is O(n) in total: each chunk is searched once, from where the previous search stopped,
 * and a line spanning many chunks is collected by a `TextAccumulator` (never searched again) and
 * joined once when its LF arrives.
 */
export function splitLines(options?: SplitLinesOptions & { onOversize?: 'error' }): OperatorFunction<string, string>;
export function splitLines(options: SplitLinesOptions & { onOversize: 'emit' }): OperatorFunction<string, string | LineTooLongError>;
export function splitLines(options: SplitLinesOptions = {}): OperatorFunction<string, string | LineTooLongError> {
  const max = options.maxLineBytes ?? Infinity;
  const emitOversize = options.onOversize === 'emit';
  return pushParserOperator<string, string | LineTooLongError>((emit) => {
    const pending = new TextAccumulator();
    // UTF-8 size of `pending`, kept up to date fragment by fragment (each byte counted once).
    let pendingBytes = 0;
    // True while discarding the remainder of an over-long line (emit mode only).
    let discarding = false;

    /** Hands one finished line on (an over-long one as the error, or thrown). */
    const deliver = (line: string): void => {
      const end = line.length > 0 && line.charCodeAt(line.length - 1) === CR ? line.length - 1 : line.length;
      if (exceedsUtf8(line, max, 0, end)) return oversize(line);
      emit(end === line.length ? line : line.slice(0, end));
    };
    const oversize = (head: string): void => {
      const err = new LineTooLongError(max, head.slice(0, HEAD_CHARS));
      if (!emitOversize) throw err;
      emit(err);
    };

    return {
      feed(chunk) {
        let start = 0;
        let lf = chunk.indexOf(LF);
        while (lf !== -1) {
          if (discarding) {
            discarding = false;
          } else {
            const line = pending.length > 0 ? pending.take(chunk.slice(start, lf)) : chunk.slice(start, lf);
            pendingBytes = 0;
            deliver(line);
          }
          start = lf + 1;
          lf = chunk.indexOf(LF, start);
        }
        if (start < chunk.length && !discarding) {
          const fragment = start === 0 ? chunk : chunk.slice(start);
          pending.push(fragment);
          if (max !== Infinity) pendingBytes += utf8Length(fragment);
          // +1: a trailing CR may still turn out to be half of a CRLF.
          if (pendingBytes > max + 1) {
            const head = pending.head(HEAD_CHARS);
            pending.clear();
            pendingBytes = 0;
            discarding = true;
            oversize(head);
          }
        }
      },
      end() {
        if (pending.length > 0 && !discarding) {
          const line = pending.take();
          pendingBytes = 0;
          deliver(line);
        }
      },
    };
  });
}
