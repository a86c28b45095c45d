import type { ClassifiedMessage, JsonRpcId } from '../../operators';

/**
 * The one rule for "is this the answer to my request?": a response (result or error) carrying
 * the request's id, matched by type and value (1 and "1" differ, as JSON-RPC says). Every layer
 * that waits for an answer (the bridge, the transports, the library) asks this.
 */
export function isAnswerTo(reply: ClassifiedMessage, id: JsonRpcId): boolean {
  return reply.kind === 'response' && reply.id === id;
}

/** An answer to some request (a response with an id), whichever request that is. */
export function isAnswer(reply: ClassifiedMessage): reply is Extract<ClassifiedMessage, { kind: 'response' }> & { id: JsonRpcId } {
  return reply.kind === 'response' && reply.id !== null;
}

/** 2xx: the only statuses whose body carries the exchange's messages. */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300;
}
