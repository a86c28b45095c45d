/**
 * A value for `Mcp-Name` or `Mcp-Param-{Name}` (streamable-http.md, "Value Encoding"): as it is
 * when it is plain visible ASCII (0x21-0x7E, with inner spaces and tabs allowed), otherwise the
 * Base64 of its UTF-8 bytes between the case-sensitive sentinels `=?base64?` and `?=`. A plain
 * value that itself looks like the sentinel form is encoded too, so that it cannot be misread.
 */
export function headerValue(value: string): string {
  return isPlainHeaderValue(value) && !looksEncoded(value) ? value : `=?base64?${base64Utf8(value)}?=`;
}

/** Visible ASCII, space and tab only, and no blank at either end (a header's edges are trimmed). */
function isPlainHeaderValue(value: string): boolean {
  if (value.length === 0) return true;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (!((c >= 0x21 && c <= 0x7e) || c === 0x20 || c === 0x09)) return false;
  }
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  return first !== 0x20 && first !== 0x09 && last !== 0x20 && last !== 0x09;
}

function looksEncoded(value: string): boolean {
  return value.startsWith('=?base64?') && value.endsWith('?=');
}

/** Base64 of the UTF-8 bytes, without Node's Buffer (this module runs in browsers too). */
function base64Utf8(value: string): string {
  const bytes = new TextEncoder().encode(value);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
