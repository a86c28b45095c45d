import { Component, inject, signal } from '@angular/core';
import type { Subscription } from 'rxjs';
import { McpService } from './mcp.service';
// Written by the package test: each import line of the README in a module of its own.
import { readmeImports } from './readme/index';
import { ToolResultComponent } from './tool-result.component';

/** A standalone component: one streamed tool call, and a child view whose async pipe can be removed. */
@Component({
  selector: 'app-root',
  imports: [ToolResultComponent],
  template: `
    <p id="status">ready</p>
    <button id="slow" (click)="callSlow()">call slow</button>
    <ol id="messages">
      @for (message of messages(); track $index) {
        <li>{{ message }}</li>
      }
    </ol>
    <p id="completed">{{ completed() }}</p>
    <button id="show" (click)="showResult.set(true)">show forever</button>
    <button id="hide" (click)="showResult.set(false)">hide forever</button>
    @if (showResult()) {
      <app-tool-result />
    }
  `,
})
export class AppComponent {
  private readonly mcp = inject(McpService);
  readonly messages = signal<string[]>([]);
  readonly completed = signal('no');
  readonly showResult = signal(false);
  private call?: Subscription;

  constructor() {
    (window as unknown as { readmeImports: unknown }).readmeImports = readmeImports;
  }

  callSlow(): void {
    this.call?.unsubscribe();
    this.call = this.mcp.callTool('slow', { text: 'héllo 🌍' }).subscribe({
      next: (message) => this.messages.update((all) => [...all, JSON.stringify(message)]),
      error: (err: unknown) => this.completed.set(`error: ${String(err)}`),
      complete: () => this.completed.set('yes'),
    });
  }
}
