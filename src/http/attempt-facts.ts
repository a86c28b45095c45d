import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';

/**
 * What the socket saw of one failed attempt, when the transport can tell (nodeHttpAdapter). The
 * retry rules need these to know whether a request that is not safe to repeat can have run: a
 * status code or an error code alone cannot say whether the server read the request.
 */
export interface AttemptFacts {
  /** The request went out on a keep-alive socket that had carried an earlier exchange. */
  reusedSocket: boolean;
  /** The connection was established (TCP connected; a reused socket always was). */
  connected: boolean;
  /** The whole request was handed to the kernel (the ClientRequest's 'finish'). */
  written: boolean;
  /** At least one byte came back on the socket for this request before the failure. */
  responseBytes: boolean;
}

/**
 * Keyed by the error object rather than a property on it: axios passes the adapter's rejection
 * through unchanged, and the facts stay out of what the error prints or serialises.
 */
const FACTS = new WeakMap<object, AttemptFacts>();

/** The facts of the attempt `err` ended, or undefined when the transport could not observe them. */
export function attemptFactsOf(err: unknown): AttemptFacts | undefined {
  return err !== null && typeof err === 'object' ? FACTS.get(err) : undefined;
}

export function recordAttemptFacts(err: object, facts: AttemptFacts): void {
  FACTS.set(err, facts);
}

/**
 * Watches a ClientRequest from the moment it is created, and returns a snapshot function to call
 * when it fails. Cost per request: two once-listeners, removed at the response.
 */
export function watchAttempt(req: ClientRequest): () => AttemptFacts {
  let written = false;
  let responseBytes = false;
  let connected = false;
  let socket: Socket | undefined;
  const onData = () => (responseBytes = true);
  req.once('finish', () => (written = true));
  req.once('socket', (s: Socket) => {
    socket = s;
    // After a failure the socket no longer knows it was connected: note it when it happens.
    if (!s.pending) connected = true;
    else s.once('connect', () => (connected = true));
    // A once-listener only: the HTTP parser consumes the data; this notes that some arrived.
    s.once('data', onData);
  });
  req.once('response', () => socket?.off('data', onData));
  req.once('close', () => socket?.off('data', onData));
  return () => ({
    reusedSocket: req.reusedSocket === true,
    connected: connected || req.reusedSocket === true,
    written,
    responseBytes,
  });
}
