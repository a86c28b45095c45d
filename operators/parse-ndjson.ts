import { filter, map, pipe, type OperatorFunction } from 'rxjs';

/**
 * NDJSON records from lines (use after `splitLines`): each line trimmed of surrounding
 * whitespace, blank lines dropped. Records are not parsed here: the caller validates them, so
 * that the original text can be forwarded byte for byte.
 */
export function parseNdjson(): OperatorFunction<string, string> {
  return pipe(
    map((line) => line.trim()),
    filter((record) => record.length > 0),
  );
}
