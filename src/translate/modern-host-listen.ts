/**
 * `subscriptions/listen` (basic/patterns/subscriptions.md) told from a 2025 session: the filter a
 * 2026 host asks for, the part a 2025 server can honour (its capabilities), and the 2025 GET
 * stream's change notifications tagged with the subscription's id.
 */
import { match, P } from 'ts-pattern';
import type { JsonRpcId } from '../../operators';
import { META } from '../protocol/meta';
import { isObject, notification, type Notification, type Params } from './modern-host-messages';

export interface ListenFilter {
  toolsListChanged?: boolean;
  promptsListChanged?: boolean;
  resourcesListChanged?: boolean;
  resourceSubscriptions?: string[];
}

/** The 2025 notifications a listen stream may carry. */
export const CHANGE_METHODS: ReadonlySet<string> = new Set([
  'notifications/tools/list_changed',
  'notifications/prompts/list_changed',
  'notifications/resources/list_changed',
  'notifications/resources/updated',
]);

/** The filter of a listen request (`params.notifications`). */
export function requestedFilter(params: unknown): ListenFilter {
  const wanted = isObject(params) && isObject(params.notifications) ? params.notifications : {};
  const uris = Array.isArray(wanted.resourceSubscriptions) ? wanted.resourceSubscriptions.filter((u): u is string => typeof u === 'string') : [];
  return {
    ...(wanted.toolsListChanged === true ? { toolsListChanged: true } : {}),
    ...(wanted.promptsListChanged === true ? { promptsListChanged: true } : {}),
    ...(wanted.resourcesListChanged === true ? { resourcesListChanged: true } : {}),
    ...(uris.length > 0 ? { resourceSubscriptions: [...new Set(uris)] } : {}),
  };
}

/**
 * What the 2025 server can deliver of a filter: list changes it declared (`listChanged`), and
 * resource updates only when it supports `resources/subscribe`. The host is told this subset in
 * the acknowledgement, as a 2026 server would.
 */
export function honoredFilter(requested: ListenFilter, capabilities: Params): ListenFilter {
  const declares = (feature: string, flag: string) => isObject(capabilities[feature]) && (capabilities[feature] as Params)[flag] === true;
  return {
    ...(requested.toolsListChanged && declares('tools', 'listChanged') ? { toolsListChanged: true } : {}),
    ...(requested.promptsListChanged && declares('prompts', 'listChanged') ? { promptsListChanged: true } : {}),
    ...(requested.resourcesListChanged && declares('resources', 'listChanged') ? { resourcesListChanged: true } : {}),
    ...(requested.resourceSubscriptions && declares('resources', 'subscribe') ? { resourceSubscriptions: requested.resourceSubscriptions } : {}),
  };
}

/** Whether a change notification from the 2025 server is one the filter asks for. */
export function wants(filter: ListenFilter, note: Notification): boolean {
  return match(note.method)
    .with('notifications/tools/list_changed', () => filter.toolsListChanged === true)
    .with('notifications/prompts/list_changed', () => filter.promptsListChanged === true)
    .with('notifications/resources/list_changed', () => filter.resourcesListChanged === true)
    .with('notifications/resources/updated', () =>
      match(note.message.params)
        .with({ uri: P.string }, (p) => filter.resourceSubscriptions?.includes(p.uri) === true)
        .otherwise(() => false),
    )
    .otherwise(() => false);
}

/** A change notification with the subscription's id in `_meta`, so that the host can demultiplex. */
export function tagged(note: Notification, subscriptionId: JsonRpcId): Notification {
  const params = isObject(note.message.params) ? note.message.params : {};
  const meta = isObject(params._meta) ? params._meta : {};
  return notification(note.method, { ...params, _meta: { ...meta, [META.subscriptionId]: subscriptionId } });
}

/** The first message of every listen stream: the honoured filter. */
export function acknowledged(filter: ListenFilter, subscriptionId: JsonRpcId): Notification {
  return notification('notifications/subscriptions/acknowledged', { notifications: filter, _meta: { [META.subscriptionId]: subscriptionId } });
}
