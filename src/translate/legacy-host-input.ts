/**
 * MRTR (basic/patterns/mrtr.md) seen from a 2025 host: a 2026 server's `InputRequiredResult`
 * becomes the server→client requests a 2025 server would have sent (`elicitation/create`,
 * `sampling/createMessage`, `roots/list`), and the host's answers become `inputResponses`.
 */
import { match, P } from 'ts-pattern';
import type { JsonRpcErrorObject } from '../../operators';
import { isObject, type Params, type Response } from './legacy-host-messages';

/** The parts of an `InputRequiredResult` the retry needs. */
export interface InputRequired {
  inputRequests: Record<string, { method: string; params: Params }>;
  /** Opaque: echoed byte for byte, and only when the server sent one (MRTR client requirement 2). */
  requestState?: string;
}

/** MCP 2026-07-28's MissingRequiredClientCapability: what the server itself answers when a capability is missing. */
export const MISSING_CAPABILITY = -32021;

/** The `InputRequiredResult` in an upstream answer, if that is what it is. */
export function inputRequiredOf(reply: Response): InputRequired | undefined {
  return match(reply.message)
    .with({ result: { resultType: 'input_required' } }, (m) => {
      const result = (m as { result: Params }).result;
      const requests = isObject(result.inputRequests) ? result.inputRequests : {};
      const inputRequests: InputRequired['inputRequests'] = {};
      for (const [key, value] of Object.entries(requests)) {
        const method = isObject(value) && typeof value.method === 'string' ? value.method : '';
        inputRequests[key] = { method, params: isObject(value) && isObject(value.params) ? value.params : {} };
      }
      return typeof result.requestState === 'string' ? { inputRequests, requestState: result.requestState } : { inputRequests };
    })
    .otherwise(() => undefined);
}

/**
 * The capability a host must have declared in `initialize` for one input request, or an error
 * naming what is missing. A 2025 host is only ever asked what it said it can do: a request it
 * cannot handle would get a "method not found" it never expected to give a server.
 */
export function capabilityProblem(key: string, request: { method: string; params: Params }, capabilities: Params): JsonRpcErrorObject | undefined {
  const required = match(request)
    .with({ method: 'elicitation/create', params: { mode: 'url' } }, () => ({ elicitation: { url: {} } }))
    .with({ method: 'elicitation/create' }, () => ({ elicitation: { form: {} } }))
    .with({ method: 'sampling/createMessage' }, () => ({ sampling: {} }))
    .with({ method: 'roots/list' }, () => ({ roots: {} }))
    .otherwise(() => undefined);
  if (required === undefined) {
    return { code: -32603, message: `the server asked for input "${key}" with ${JSON.stringify(request.method)}, which no 2025 host can answer`, data: { inputRequest: key, method: request.method } };
  }
  if (declares(capabilities, required)) return undefined;
  const name = Object.keys(required)[0]!;
  const detail = name === 'elicitation' ? ` (${Object.keys((required as { elicitation: Params }).elicitation)[0]} mode)` : '';
  return {
    code: MISSING_CAPABILITY,
    message: `the server needs the "${name}" client capability${detail} for input "${key}" (${request.method}), and the host did not declare it in initialize`,
    data: { requiredCapabilities: required, inputRequest: key },
  };
}

/**
 * Whether the host's capabilities cover `required`. For elicitation, 2025-11-25 says an empty
 * object means form mode only (client/elicitation.md "Capabilities").
 */
function declares(capabilities: Params, required: Params): boolean {
  return match(required)
    .with({ elicitation: { url: P._ } }, () => isObject(capabilities.elicitation) && isObject(capabilities.elicitation.url))
    .with({ elicitation: P._ }, () => isObject(capabilities.elicitation) && (Object.keys(capabilities.elicitation).length === 0 || isObject(capabilities.elicitation.form)))
    .otherwise((r) => isObject(capabilities[Object.keys(r)[0]!]));
}

/**
 * The host's capabilities as a 2026 server reads them: `elicitation: {}` (2025: form mode) is
 * spelled out as `{form: {}}`, so that a server checking for `elicitation.form` sees what the
 * host meant.
 */
export function modernCapabilities(capabilities: Params): Params {
  const elicitation = capabilities.elicitation;
  if (!isObject(elicitation) || Object.keys(elicitation).length > 0) return capabilities;
  return { ...capabilities, elicitation: { form: {} } };
}

/** The host's answer to one input request, as an `inputResponses` value, or the error to answer the host's request with. */
export function inputResponseOf(key: string, method: string, answer: Response): { value: unknown } | { error: JsonRpcErrorObject } {
  return match(answer.message)
    .with({ result: P.select() }, (value) => ({ value }))
    .otherwise((m) => {
      const error = (m as { error: JsonRpcErrorObject }).error;
      return { error: { code: error.code, message: `the host answered ${method} (input "${key}") with an error: ${error.message}`, data: { inputRequest: key, error } } };
    });
}
