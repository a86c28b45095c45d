/**
 * Shared by the operator property tests (not a test file: jest only runs `*.test.ts`):
 * stream generators, chunkings of one byte string, and a synchronous collector.
 */
import fc from 'fast-check';
import { from, type OperatorFunction } from 'rxjs';

const encoder = new TextEncoder();

/** Characters chosen to hit every branch: multi-byte UTF-8 (2, 3 and 4 bytes), line ends, NUL, BOM, colon, space. */
const interestingChar = fc.constantFrom('a', 'Z', '0', '7', ' ', '\t', ':', '{', '}', '"', 'é', '€', '中', '😀', '\0', '\uFEFF', '\r', '\n');
const textUnit = fc.oneof({ weight: 3, arbitrary: interestingChar }, { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) });
export const smallText = (maxLength = 8) => fc.string({ unit: textUnit, maxLength });

export const lineEnd = fc.constantFrom('\n', '\r', '\r\n');

/** `field` + separator + value + line end, with the variations the SSE grammar cares about. */
export const sseFieldLine = fc
  .tuple(
    fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom('data', 'data', 'data', 'event', 'id', 'retry') },
      { weight: 1, arbitrary: fc.constantFrom('', 'dat', 'Data', 'data ', 'retry ') },
      { weight: 1, arbitrary: smallText(4) },
    ),
    fc.constantFrom(': ', ': ', ':', ':  ', '', '::'),
    fc.oneof(
      { weight: 3, arbitrary: smallText() },
      { weight: 2, arbitrary: fc.stringMatching(/^[0-9]{1,5}$/) }, // valid `retry`
      { weight: 1, arbitrary: fc.constantFrom('1\u00002', '12a', '-1', ' 5', '') },
    ),
    lineEnd,
  )
  .map((parts) => parts.join(''));

/** One piece of a stream, as bytes. Raw bytes (often invalid UTF-8) are rarer than text. */
const piece: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 4, arbitrary: sseFieldLine.map((s) => encoder.encode(s)) },
  { weight: 3, arbitrary: smallText().map((s) => encoder.encode(s)) },
  { weight: 2, arbitrary: lineEnd.map((s) => encoder.encode(s)) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 3 }) },
);

export const byteStream = (maxPieces = 24): fc.Arbitrary<Uint8Array> => fc.array(piece, { maxLength: maxPieces }).map(concat);

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The chunks of `bytes` cut at `cuts` (any order, duplicates and out-of-range offsets ignored). */
export function cutAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(start, p));
    start = p;
  }
  if (start < bytes.length) chunks.push(bytes.subarray(start));
  return chunks;
}

export const oneByteChunks = (bytes: Uint8Array): Uint8Array[] => Array.from(bytes, (b) => Uint8Array.of(b));

/** Offsets that cut a UTF-8 sequence (before a continuation byte) or a CRLF in two. */
export function trickyOffsets(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 1; i < bytes.length; i++) {
    if ((bytes[i] & 0xc0) === 0x80 || (bytes[i - 1] === 13 && bytes[i] === 10)) out.push(i);
  }
  return out;
}

/** Every chunking a property checks: random cuts, plus the systematic ones derived from the bytes. */
export function chunkings(bytes: Uint8Array, randomCuts: readonly number[]): Array<{ name: string; chunks: Uint8Array[] }> {
  const all = [
    { name: 'random cuts', chunks: cutAt(bytes, randomCuts) },
    { name: '1-byte chunks', chunks: oneByteChunks(bytes) },
    { name: 'cut inside every code point and CRLF', chunks: cutAt(bytes, trickyOffsets(bytes)) },
  ];
  for (let at = 1; at < bytes.length; at++) all.push({ name: `split at ${at}`, chunks: cutAt(bytes, [at]) });
  return all;
}

export interface Outcome<T> {
  values: T[];
  /** `Name(message)` of the error, so that outcomes compare with `toEqual`. */
  error?: string;
  completed: boolean;
}

/** Runs `chunks` through `operator` synchronously (`from` of an array emits on subscribe). */
export function collect<T>(chunks: readonly Uint8Array[], operator: OperatorFunction<Uint8Array, T>): Outcome<T> {
  const outcome: Outcome<T> = { values: [], completed: false };
  from(chunks)
    .pipe(operator)
    .subscribe({
      next: (value) => outcome.values.push(value),
      error: (err: unknown) => (outcome.error = describeError(err)),
      complete: () => (outcome.completed = true),
    });
  return outcome;
}

export const describeError = (err: unknown): string => (err instanceof Error ? `${err.name}(${err.message})` : `non-error ${String(err)}`);
