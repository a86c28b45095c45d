/**
 * sendWithRetry over the real HttpTransport, as the session layer calls it (not a test file):
 * one tools/call per call, its outcome reduced to what the retry-safety tests assert.
 */
import { HttpTransport } from '../../src/http/http-transport';
import type { HttpResponse } from '../../src/http/http-types';
import { sendWithRetry, type RetryPolicy } from '../../src/http/retry';
import { Logger } from '../../src/log/logger';

export const POLICY: RetryPolicy = { attempts: 5, baseMs: 1, maxMs: 2 };

export interface Outcome {
  status?: number;
  mayHaveRun?: true;
  error?: unknown;
}

export interface Client {
  transport: HttpTransport;
  /** Every log line (info and up). */
  logs: string[];
  /** A tools/call with this id; `repeatable` as the session layer would set it. */
  call(url: string, id: number | string, repeatable: boolean, policy?: RetryPolicy): Promise<Outcome>;
}

export function createClient(): Client {
  const logs: string[] = [];
  const logger = new Logger({ level: 'info', format: 'text', sink: (line) => logs.push(line) });
  const transport = new HttpTransport(
    { maxSockets: 4, idleTimeoutMs: 30_000, connectTimeoutMs: 5_000, insecure: false, http2: false, userAgent: 'retry-safety-test', sensitiveHeaders: [] },
    logger,
  );
  return {
    transport,
    logs,
    async call(url, id, repeatable, policy = POLICY) {
      const body = JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: repeatable ? 'read' : 'write', arguments: {} } });
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(new Error('test request timed out')), 20_000);
      try {
        const res = await sendWithRetry(
          (r) => transport.send(r),
          { method: 'POST', url, headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' }, body, signal: ac.signal, repeatable },
          policy,
          logger,
        );
        await readToEnd(res);
        return res.mayHaveRun ? { status: res.status, mayHaveRun: res.mayHaveRun } : { status: res.status };
      } catch (error) {
        return { error };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * Reads the body to its end, then lets the agent take the socket back (it does so on a later
 * tick), so that the next request goes out on the same keep-alive connection.
 */
async function readToEnd(res: HttpResponse): Promise<void> {
  await new Promise<void>((resolve) => res.body.chunks().subscribe({ error: () => resolve(), complete: () => resolve() }));
  await new Promise((resolve) => setTimeout(resolve, 5));
}
