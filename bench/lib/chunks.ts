/**
 * Lazy chunk sources for benches. Big inputs are never materialised: a fixed-size buffer is
 * yielded again and again (consumers decode each chunk synchronously before asking for the
 * next, so reuse is safe), and a 500 MiB line costs only the memory of the string being built.
 */

/** `bytes` as consecutive `chunkSize` views (no copies). */
export function* sliceChunks(bytes: Uint8Array, chunkSize: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += chunkSize) yield bytes.subarray(at, Math.min(at + chunkSize, bytes.length));
}

/**
 * `prefix`, then `fill` repeated up to `totalBytes` in all, then `suffix`, in `chunkSize` chunks
 * (the first and the last may be shorter). `fill` should be ASCII so that no chunk boundary has
 * to fall on a code point boundary.
 */
export function* repeatedChunks(options: {
  totalBytes: number;
  chunkSize: number;
  fillByte: number;
  prefix?: Uint8Array;
  suffix?: Uint8Array;
}): Generator<Uint8Array> {
  const { totalBytes, chunkSize, fillByte } = options;
  const prefix = options.prefix ?? new Uint8Array(0);
  const suffix = options.suffix ?? new Uint8Array(0);
  const chunk = new Uint8Array(chunkSize).fill(fillByte);
  let fillLeft = totalBytes - prefix.length - suffix.length;
  if (fillLeft < 0) throw new RangeError('totalBytes is smaller than prefix + suffix');
  if (prefix.length > 0) yield prefix;
  while (fillLeft > 0) {
    const n = Math.min(chunkSize, fillLeft);
    yield n === chunkSize ? chunk : chunk.subarray(0, n);
    fillLeft -= n;
  }
  if (suffix.length > 0) yield suffix;
}
