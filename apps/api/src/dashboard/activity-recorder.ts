import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { GatewayEvent } from '@loop-gateway/contracts';
import type { Subscription } from 'rxjs';
import { Periodic } from '../common/periodic.js';
import { timeOrderedId } from '../common/time-ordered-id.js';
import { EventBus } from '../events/event-bus.js';
import { ActivityRepository } from './activity.repository.js';
import type { ActivityEvent } from './entities/activity-event.entity.js';

/** How many events are kept for the feed; older ones are deleted once a minute. */
export const ACTIVITY_KEEP = 1000;
const PRUNE_INTERVAL_MS = 60_000;
/**
 * How long events gather before they are written: the feed is informational, so a quiet gateway
 * writes many runs' events in one commit instead of adding one to each run's.
 */
const FLUSH_DELAY_MS = 200;
/**
 * At most this many events a commit, and written at once when this many have gathered: a burst of
 * runs (a thousand started together) must not hold the event loop for one long insert.
 */
const FLUSH_MAX_EVENTS = 128;

/**
 * Keeps every catalog event but the streamed text (one per chunk) for the console's activity feed,
 * bounded to the newest ACTIVITY_KEEP. A WhatsApp QR code is short-lived and secret-ish: not kept.
 * Off the runs' path: events gather for FLUSH_DELAY_MS and are written together; the feed's reader
 * and the shutdown flush what has gathered first.
 */
@Injectable()
export class ActivityRecorder implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ActivityRecorder.name);
  private subscription?: Subscription;
  private buffer: ActivityEvent[] = [];
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly pruning = new Periodic(
    () => this.activity.prune(ACTIVITY_KEEP),
    (error) => this.logger.warn({ err: error }, 'Pruning the activity events failed'),
  );

  constructor(
    private readonly bus: EventBus,
    private readonly activity: ActivityRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.bus.events$.subscribe((event) => this.keep(event));
    this.pruning.start(PRUNE_INTERVAL_MS);
  }

  async onModuleDestroy(): Promise<void> {
    this.subscription?.unsubscribe();
    await this.pruning.stop();
    await this.flush();
  }

  private keep(event: GatewayEvent): void {
    if (event.event === 'agent:run:text') return;
    const payload = event.event === 'channel:status' ? { ...event.payload, qr: null } : event.payload;
    this.buffer.push({
      id: timeOrderedId(),
      event: event.event,
      payload: JSON.stringify(payload),
      createdAt: new Date(event.timestamp),
    });
    if (this.buffer.length === 1) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
      this.timer.unref();
    } else if (this.buffer.length === FLUSH_MAX_EVENTS) void this.flush();
  }

  /** Writes the events gathered so far; resolves once they (and any write under way) are stored. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    await this.flushing;
    while (this.buffer.length > 0) {
      const events = this.buffer.splice(0, FLUSH_MAX_EVENTS);
      this.flushing = this.activity.insertMany(events).catch((error: unknown) => {
        this.logger.warn({ err: error, events: events.length }, 'Keeping activity events failed');
      });
      await this.flushing;
    }
    // Another flush may have taken the last events meanwhile: they are stored once its write is.
    await this.flushing;
  }
}
