import { DestroyRef, Injectable, InjectionToken, computed, inject, signal } from '@angular/core';
import { listActivity } from '@loop-gateway/api-client';
import { EVENT_CATALOG, type EventName, type GatewayEvent, isEventName } from '@loop-gateway/contracts';
import { API_CLIENT } from '../core/api/api-client';
import { followGateway } from '../core/realtime/follow-gateway';
import { SessionStore } from '../core/session/session.store';
import { type ActivityTone, summarizeEvent } from './event-summary';

export interface ActivityEntry {
  id: number;
  event: EventName;
  /** ISO time the gateway emitted the event. */
  timestamp: string;
  summary: string;
  /** The catalog's description of this kind of event. */
  description: string;
  tone: ActivityTone;
}

/** How many entries the feed keeps; older ones fall off the end. */
export const ACTIVITY_FEED_LIMIT = new InjectionToken<number>('ACTIVITY_FEED_LIMIT', {
  providedIn: 'root',
  factory: () => 200,
});

/** Two sightings of the same event (from the kept history and live) count once. */
const sameEvent = (event: GatewayEvent) => `${event.event}|${event.timestamp}|${JSON.stringify(event.payload)}`;

/**
 * The activity feed: the events the gateway kept (so a reload shows what happened before it), then
 * every event it pushes over the WebSocket, newest first, bounded. The history is fetched again when
 * the live connection comes back. It is emptied when the session ends.
 */
@Injectable({ providedIn: 'root' })
export class ActivityFeedStore {
  private readonly limit = inject(ACTIVITY_FEED_LIMIT);
  private readonly api = inject(API_CLIENT);
  private readonly list = signal<readonly ActivityEntry[]>([]);
  private readonly seen = new Set<string>();
  private nextId = 1;

  readonly entries = this.list.asReadonly();
  readonly latest = computed(() => this.list()[0] ?? null);

  constructor() {
    followGateway(
      () => this.loadHistory(),
      (event) => this.add(event),
    );
    const stopListening = inject(SessionStore).onEnd(() => this.clear());
    inject(DestroyRef).onDestroy(() => stopListening());
  }

  /** The events the gateway kept, merged with what arrived live meanwhile. */
  async loadHistory(): Promise<void> {
    const { data } = await listActivity({ client: this.api, query: { limit: Math.min(200, this.limit) } });
    if (!data) return;
    const kept = data
      .filter((entry) => isEventName(entry.event))
      .map((entry) => ({ event: entry.event, payload: entry.payload, timestamp: entry.timestamp }) as GatewayEvent)
      .filter((event) => !this.seen.has(sameEvent(event)))
      .map((event) => this.entryFor(event))
      .filter((entry): entry is ActivityEntry => entry !== null);
    this.list.update((entries) =>
      [...entries, ...kept]
        .sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp) || b.id - a.id)
        .slice(0, this.limit),
    );
  }

  add(event: GatewayEvent): void {
    const entry = this.entryFor(event);
    if (!entry) return;
    this.list.update((entries) => [entry, ...entries.slice(0, Math.max(0, this.limit - 1))]);
  }

  /** A feed entry, or null when the event is not shown or was seen already. */
  private entryFor(event: GatewayEvent): ActivityEntry | null {
    const key = sameEvent(event);
    if (this.seen.has(key)) return null;
    const summary = summarizeEvent(event);
    if (!summary) return null;
    this.seen.add(key);
    const { text, tone } = summary;
    return {
      id: this.nextId++,
      event: event.event,
      timestamp: event.timestamp,
      summary: text,
      description: EVENT_CATALOG[event.event],
      tone,
    };
  }

  clear(): void {
    this.list.set([]);
    this.seen.clear();
  }
}
