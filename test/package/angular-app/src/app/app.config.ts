import { inject, provideAppInitializer, provideBrowserGlobalErrorListeners, type ApplicationConfig } from '@angular/core';
// mcp.service.ts is the README's Angular service, written here verbatim by the package test.
import { MCP_URL, McpService } from './mcp.service';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    // The test's MCP endpoint is on another origin (CORS); its URL comes in the page's query.
    { provide: MCP_URL, useFactory: () => new URLSearchParams(location.search).get('mcp') ?? '/mcp' },
    provideAppInitializer(() => inject(McpService).initialize()),
  ],
};
