/** Backpressure as every layer sees it, with no runtime type in it. */

/**
 * Returns a promise while the consumer cannot take more (e.g. stdout awaits 'drain'), or
 * undefined when it can. Consulted after every chunk: this is how backpressure crosses from the
 * single stdout writer back to the socket a response is read from.
 */
export type BackpressureGate = () => Promise<void> | undefined;

/** What to do with a body that is unsubscribed from before its end. */
export type ReleaseMode = 'destroy' | 'drain';
