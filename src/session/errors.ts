/** A 404 on a request that carried a session id: the session expired or the server restarted. */
export class SessionExpiredError extends Error {
  constructor(readonly generation: number) {
    super('HTTP 404: the MCP session expired');
    this.name = 'SessionExpiredError';
  }
}
