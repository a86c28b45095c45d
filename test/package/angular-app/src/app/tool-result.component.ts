import { AsyncPipe, JsonPipe } from '@angular/common';
import { Component, inject } from '@angular/core';
import { McpService } from './mcp.service';

/** The result of the 'forever' tool through the async pipe: removing this view cancels the call. */
@Component({
  selector: 'app-tool-result',
  imports: [AsyncPipe, JsonPipe],
  template: `
    @if (result$ | async; as result) {
      <p id="result">{{ result | json }}</p>
    } @else {
      <p id="result">waiting</p>
    }
  `,
})
export class ToolResultComponent {
  readonly result$ = inject(McpService).result('forever', {});
}
