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
