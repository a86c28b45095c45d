/**
 * The baseline: the bench process itself talking to the mock server with node:http over a
 * keep-alive Agent, reading each full body (no parsing). What a bridge costs is measured
 * against this.
 */
import * as http from 'node:http';

export interface DirectAnswer {
  status: number;
  bytes: number;
}

export class DirectClient {
  private readonly agent: http.Agent;
  private readonly target: URL;
  private sessionId: string | undefined;
  private nextId = 1;

  constructor(url: string, maxSockets: number) {
    this.target = new URL(url);
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' });
  }

  id(): number {
    return this.nextId++;
  }

  post(message: unknown): Promise<DirectAnswer> {
    const body = JSON.stringify(message);
    return new Promise<DirectAnswer>((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        'Content-Length': Buffer.byteLength(body),
      };
      if (this.sessionId) {
        headers['Mcp-Session-Id'] = this.sessionId;
        headers['MCP-Protocol-Version'] = '2025-06-18';
      }
      const req = http.request(
        { agent: this.agent, host: this.target.hostname, port: this.target.port, path: this.target.pathname, method: 'POST', headers },
        (res) => {
          let bytes = 0;
          res.on('data', (chunk: Buffer) => (bytes += chunk.length));
          res.on('end', () => {
            const sid = res.headers['mcp-session-id'];
            if (typeof sid === 'string') this.sessionId = sid;
            resolve({ status: res.statusCode ?? 0, bytes });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  request(method: string, params: unknown): Promise<DirectAnswer> {
    return this.post({ jsonrpc: '2.0', id: this.id(), method, params });
  }

  async initialize(): Promise<void> {
    await this.request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'direct', version: '1' } });
    await this.post({ jsonrpc: '2.0', method: 'notifications/initialized' });
  }

  close(): void {
    this.agent.destroy();
  }
}
