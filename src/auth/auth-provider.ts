import type { BearerChallenge } from './www-authenticate';

/**
 * Where the Authorization header comes from: OAuth sign-in (oauth-provider.ts) or a command
 * (command-provider.ts). The HTTP wrapper (with-authorization.ts) asks it for the header of each
 * request and tells it what the server said.
 */
export interface AuthProvider {
  /** The Authorization value for the next request; undefined when there is none yet. */
  authorization(signal: AbortSignal): Promise<string | undefined>;
  /**
   * The server answered 401 to a request sent with `used`. Resolves true when a different
   * credential is now available (renewed here, or by a concurrent request), so that the request
   * may be sent again once; false when the 401 should go to the host as it is.
   */
  unauthorized(used: string | undefined, challenge: BearerChallenge | undefined, signal: AbortSignal): Promise<boolean>;
  /** 403 with error="insufficient_scope": true when a credential with more scopes was obtained. */
  insufficientScope(used: string | undefined, challenge: BearerChallenge, signal: AbortSignal): Promise<boolean>;
  /** The server accepted `used` (any status but 401/403). */
  accepted(used: string | undefined): void;
  /** A credential obtained for a 401 was itself refused with 401 right away. */
  rejected(used: string | undefined): void;
  /**
   * RFC 9449: the `DPoP` proof header to send with a "DPoP <token>" credential to `method url`;
   * undefined for a Bearer credential (and absent from providers without DPoP).
   */
  proof?(used: string, method: string, url: string): Promise<string | undefined>;
  /** RFC 9449 section 8: the server's DPoP-Nonce, for the proofs that follow. */
  nonce?(value: string): void;
}
