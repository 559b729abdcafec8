import { DestroyRef, Injectable, InjectionToken, computed, inject, signal } from '@angular/core';
import { EVENT_CATALOG, type EventName, type GatewayEvent } from '@loop-gateway/contracts';
import { GatewaySocket } from '../core/realtime/gateway-socket';
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

/**
 * The live activity feed: every event the gateway pushes over the WebSocket, newest first, bounded.
 * It is emptied when the session ends.
 */
@Injectable({ providedIn: 'root' })
export class ActivityFeedStore {
  private readonly limit = inject(ACTIVITY_FEED_LIMIT);
  private readonly list = signal<readonly ActivityEntry[]>([]);
  private nextId = 1;

  readonly entries = this.list.asReadonly();
  readonly latest = computed(() => this.list()[0] ?? null);

  constructor() {
    const subscription = inject(GatewaySocket).events.subscribe((event) => this.add(event));
    const stopListening = inject(SessionStore).onEnd(() => this.clear());
    inject(DestroyRef).onDestroy(() => {
      subscription.unsubscribe();
      stopListening();
    });
  }

  add(event: GatewayEvent): void {
    const summary = summarizeEvent(event);
    if (!summary) return;
    const { text, tone } = summary;
    const entry: ActivityEntry = {
      id: this.nextId++,
      event: event.event,
      timestamp: event.timestamp,
      summary: text,
      description: EVENT_CATALOG[event.event],
      tone,
    };
    this.list.update((entries) => [entry, ...entries.slice(0, Math.max(0, this.limit - 1))]);
  }

  clear(): void {
    this.list.set([]);
  }
}
