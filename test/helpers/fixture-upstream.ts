/**
 * The bridge's upstream client options for tests that drive a translator directly against a
 * fixture server: a real HttpTransport and the settings the CLI would pass, with bounds that fail
 * a broken test in seconds rather than at jest's timeout.
 */
import { HttpTransport } from '../../src/http/http-transport';
import type { Logger } from '../../src/log/logger';
import type { ClientOptions } from '../../src/session/client-options';

/** ClientOptions for `url`, sending `userAgent` as User-Agent (which test is calling). */
export function fixtureClientOptions(url: string, logger: Logger, userAgent: string): ClientOptions {
  const transport = new HttpTransport({ maxSockets: 16, idleTimeoutMs: 1000, connectTimeoutMs: 5000, insecure: false, http2: false, userAgent, sensitiveHeaders: [] }, logger);
  return {
    url,
    headers: {},
    contentType: 'application/json',
    timeoutMs: 20_000,
    maxMessageBytes: 64 * 1024 * 1024,
    retry: { attempts: 2, baseMs: 50, maxMs: 200 },
    logger,
    send: (request) => transport.send(request),
  };
}
