import type { ClassifiedMessage } from '../../operators';

/**
 * What the client knows about its MCP session: the id the server gave in the initialize response,
 * the negotiated protocol version, and the gate that holds later messages while an initialize
 * (first, or replayed after a 404) is under way, so that none of them goes out without the session
 * and starts a session of its own.
 */
export class SessionState {
  sessionId: string | undefined;
  protocolVersion: string | undefined;
  /** Bumped each time a new session is established; a 404 is only recovered once per generation. */
  generation = 0;
  /** The host's initialize request and its `notifications/initialized`, replayed after a 404. */
  initialize: Extract<ClassifiedMessage, { kind: 'request' }> | undefined;
  initialized: ClassifiedMessage | undefined;
  private gate: Promise<void> = Promise.resolve();
  private openGates = 0;

  /** Resolves when no initialize is under way. */
  ready(): Promise<void> {
    return this.gate;
  }

  get initializing(): boolean {
    return this.openGates > 0;
  }

  /** Closes the gate until the returned release function is called (idempotent). */
  hold(): () => void {
    let release!: () => void;
    const previous = this.gate;
    const mine = new Promise<void>((resolve) => (release = resolve));
    this.gate = previous.then(() => mine);
    this.openGates++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.openGates--;
      release();
    };
  }

  /** Headers that tie a request to the session (none before the session exists). */
  headers(): Record<string, string> {
    const h: Record<string, string> = {};
    if (this.sessionId !== undefined) h['Mcp-Session-Id'] = this.sessionId;
    if (this.protocolVersion !== undefined) h['MCP-Protocol-Version'] = this.protocolVersion;
    return h;
  }

  /** Forgets the session (a new initialize negotiates both again). */
  reset(): void {
    this.sessionId = undefined;
    this.protocolVersion = undefined;
  }
}
