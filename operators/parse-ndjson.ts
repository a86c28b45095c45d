import { Observable, type OperatorFunction } from 'rxjs';

/**
 * NDJSON records from lines (use after `splitLines`): each line trimmed of surrounding
 * whitespace, blank lines dropped. Records are not parsed here: the caller validates them, so
 * that the original text can be forwarded byte for byte.
 */
export function parseNdjson(): OperatorFunction<string, string> {
  return (source) =>
    new Observable<string>((subscriber) =>
      source.subscribe({
        next(line) {
          const record = line.trim();
          if (record.length > 0) subscriber.next(record);
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
