import type { ClassifiedMessage } from '../../operators';
import type { RequestBody } from './http-types';

/**
 * Request body encoding, as mcpgateway.wrapper does it: JSON by default; form encoding on
 * request (a flat object's fields as `a=b&c=1`, nested values as JSON text); any other setting
 * auto-detects (a flat object of scalars goes as a form, everything else as JSON).
 */
export interface EncodedBody {
  body: string;
  contentType: string;
}

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

export function encodeBody(text: string, value: unknown, setting: string): EncodedBody {
  const mode = setting.split(';')[0]!.trim().toLowerCase();
  if (mode === JSON_TYPE) return { body: text, contentType: JSON_TYPE };
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (mode === FORM_TYPE) {
    return { body: isObject ? formEncode(value as Record<string, unknown>) : text, contentType: FORM_TYPE };
  }
  if (isObject && Object.values(value as object).every(isScalar)) {
    return { body: formEncode(value as Record<string, unknown>), contentType: FORM_TYPE };
  }
  return { body: text, contentType: JSON_TYPE };
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function formEncode(obj: Record<string, unknown>): string {
  const form = new URLSearchParams();
  for (const [key, v] of Object.entries(obj)) {
    form.append(key, typeof v === 'string' ? v : v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  return form.toString();
}

/**
 * encodeBody for a classified message. A message held as its bytes (`raw`: a large stdin line,
 * classified by the byte scanner) goes as those bytes when the setting sends JSON, with no
 * decode, parse or re-encode; with any other setting, and for every other message, as
 * encodeBody decides (which may parse a scanned message, on demand). `text` and `message` are
 * read only when needed: on a scanned message each is a 64 MiB decode or parse.
 */
export function encodeMessageBody(m: ClassifiedMessage, setting: string, valueOf: (m: ClassifiedMessage) => unknown = valueToEncode): { body: RequestBody; contentType: string } {
  if (m.raw !== undefined && setting.split(';')[0]!.trim().toLowerCase() === JSON_TYPE) return { body: m.raw, contentType: JSON_TYPE };
  return encodeBody(m.text, valueOf(m), setting);
}

/** How many bytes a body of segments holds. */
export function segmentsLength(segments: readonly Uint8Array[]): number {
  let n = 0;
  for (const segment of segments) n += segment.length;
  return n;
}

/** The value a form encoding is made of: the message, a batch's items. */
function valueToEncode(m: ClassifiedMessage): unknown {
  return m.kind === 'batch' ? m.items : m.kind === 'invalid' ? undefined : m.message;
}
