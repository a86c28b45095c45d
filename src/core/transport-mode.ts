/** Which MCP transport to speak: Streamable HTTP, the legacy HTTP+SSE, or the first that works. */
export type TransportMode = 'auto' | 'streamable-http' | 'sse';
