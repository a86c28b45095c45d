import { Observable, type OperatorFunction } from 'rxjs';
import { LineTooLongError } from './errors';

export interface SplitLinesOptions {
  /**
   * Longest line accepted, counted in UTF-16 code units of the decoded text (equal to bytes for
   * ASCII, and what the line costs in memory). Default: unlimited.
   */
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
 * and a line spanning many chunks is kept as a V8 rope (`+=` on strings that are never searched)
 * and flattened once when its LF arrives.
 */
export function splitLines(options?: SplitLinesOptions & { onOversize?: 'error' }): OperatorFunction<string, string>;
export function splitLines(options: SplitLinesOptions & { onOversize: 'emit' }): OperatorFunction<string, string | LineTooLongError>;
export function splitLines(options: SplitLinesOptions = {}): OperatorFunction<string, string | LineTooLongError> {
  const max = options.maxLineBytes ?? Infinity;
  const emitOversize = options.onOversize === 'emit';
  return (source) =>
    new Observable<string | LineTooLongError>((subscriber) => {
      let pending = '';
      // True while discarding the remainder of an over-long line (emit mode only).
      let discarding = false;

      /** Hands one finished line on; returns false when the stream was errored. */
      const deliver = (line: string): boolean => {
        const end = line.length > 0 && line.charCodeAt(line.length - 1) === CR ? line.length - 1 : line.length;
        if (end > max) return oversize();
        subscriber.next(end === line.length ? line : line.slice(0, end));
        return true;
      };
      const oversize = (): boolean => {
        const err = new LineTooLongError(max);
        if (!emitOversize) {
          subscriber.error(err);
          return false;
        }
        subscriber.next(err);
        return true;
      };

      return source.subscribe({
        next(chunk) {
          let start = 0;
          let lf = chunk.indexOf(LF);
          while (lf !== -1) {
            if (discarding) {
              discarding = false;
            } else {
              const line = pending.length > 0 ? pending + chunk.slice(start, lf) : chunk.slice(start, lf);
              pending = '';
              if (!deliver(line)) return;
            }
            start = lf + 1;
            lf = chunk.indexOf(LF, start);
          }
          if (start < chunk.length && !discarding) {
            pending += start === 0 ? chunk : chunk.slice(start);
            // +1: a trailing CR may still turn out to be half of a CRLF.
            if (pending.length > max + 1) {
              pending = '';
              discarding = true;
              oversize();
            }
          }
        },
        error(err: unknown) {
          subscriber.error(err);
        },
        complete() {
          if (pending.length > 0 && !discarding) {
            const line = pending;
            pending = '';
            if (!deliver(line)) return;
          }
          subscriber.complete();
        },
      });
    });
}
