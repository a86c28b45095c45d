import { scanJsonRpc } from './json-scanner';

/**
 * The top-level `id` of a message exactly as written (`18446744073709551616`, `1e400`, `"a"`), for
 * an answer the bridge writes itself: JSON.parse turns such numbers into 18446744073709552000 and
 * Infinity (which JSON.stringify writes as null), and the host matches answers by what it sent.
 */
export function idTextOf(text: string): string | undefined {
  const scan = scanJsonRpc(new TextEncoder().encode(text));
  return scan.ok ? scan.id?.text : undefined;
}
