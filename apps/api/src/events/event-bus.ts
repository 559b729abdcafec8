import { Injectable } from '@nestjs/common';
import { Subject, filter, type Observable } from 'rxjs';
import type { EventName, EventPayloads, GatewayEvent } from '@loop-gateway/contracts';
import { Clock } from '../common/clock.js';

/**
 * The one in-process bus for catalog events. The WebSocket gateway and (later) the outbound webhook
 * dispatcher subscribe to it; emitting never waits on a subscriber.
 */
@Injectable()
export class EventBus {
  private readonly subject = new Subject<GatewayEvent>();
  private readonly revokedSessions = new Subject<string>();
  private readonly pausedRuns = new Subject<string>();

  constructor(private readonly clock: Clock) {}

  readonly events$: Observable<GatewayEvent> = this.subject.asObservable();
  /** Ids of sessions that were revoked: live connections opened with them are closed. */
  readonly sessionRevoked$: Observable<string> = this.revokedSessions.asObservable();
  /**
   * Ids of runs just stored as waiting (for an approval, say). Not a catalog event: `approval:required`
   * comes before the run's status says so, and whoever reads the run on it may still see it running.
   */
  readonly runPaused$: Observable<string> = this.pausedRuns.asObservable();

  emit<E extends EventName>(event: E, payload: EventPayloads[E]): void {
    this.subject.next({ event, payload, timestamp: this.clock.now().toISOString() } as GatewayEvent);
  }

  on<E extends EventName>(event: E): Observable<GatewayEvent<E>> {
    // The catalog's union narrows by name; TypeScript cannot see that for a generic E.
    return this.events$.pipe(filter((e) => e.event === event)) as Observable<GatewayEvent<E>>;
  }

  sessionRevoked(sessionId: string): void {
    this.revokedSessions.next(sessionId);
  }

  runPaused(runId: string): void {
    this.pausedRuns.next(runId);
  }
}
