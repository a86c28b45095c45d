/**
 * The UTF-8 size of `text[start, end)` without encoding it: 1 byte below U+0080, 2 below U+0800,
 * 4 per surrogate pair (2 per surrogate), 3 otherwise. Lets the operators enforce their caps in
 * bytes, as the flags promise, while working on decoded text.
 */
export function utf8Length(text: string, start = 0, end = text.length): number {
  let bytes = end - start;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) bytes += c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 1 : 2;
  }
  return bytes;
}

/** Whether `text[start, end)` is longer than `max` UTF-8 bytes; scans only when it could be. */
export function exceedsUtf8(text: string, max: number, start = 0, end = text.length): boolean {
  const units = end - start;
  if (units > max) return true;
  // At most 3 bytes per UTF-16 unit: below a third of the cap nothing needs counting.
  return units * 3 > max && utf8Length(text, start, end) > max;
}
