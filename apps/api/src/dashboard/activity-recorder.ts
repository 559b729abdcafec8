import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { GatewayEvent } from '@loop-gateway/contracts';
import { randomUUID } from 'node:crypto';
import type { Subscription } from 'rxjs';
import { Periodic } from '../common/periodic.js';
import { EventBus } from '../events/event-bus.js';
import { ActivityRepository } from './activity.repository.js';

/** How many events are kept for the feed; older ones are deleted once a minute. */
export const ACTIVITY_KEEP = 1000;
const PRUNE_INTERVAL_MS = 60_000;

/**
 * Keeps every catalog event but the streamed text (one per chunk) for the console's activity feed,
 * bounded to the newest ACTIVITY_KEEP. A WhatsApp QR code is short-lived and secret-ish: not kept.
 */
@Injectable()
export class ActivityRecorder implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ActivityRecorder.name);
  private subscription?: Subscription;
  private readonly pruning = new Periodic(
    () => this.activity.prune(ACTIVITY_KEEP),
    (error) => this.logger.warn({ err: error }, 'Pruning the activity events failed'),
  );

  constructor(
    private readonly bus: EventBus,
    private readonly activity: ActivityRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.bus.events$.subscribe((event) => void this.keep(event));
    this.pruning.start(PRUNE_INTERVAL_MS);
  }

  async onModuleDestroy(): Promise<void> {
    this.subscription?.unsubscribe();
    await this.pruning.stop();
  }

  private async keep(event: GatewayEvent): Promise<void> {
    if (event.event === 'agent:run:text') return;
    const payload = event.event === 'channel:status' ? { ...event.payload, qr: null } : event.payload;
    try {
      await this.activity.insert({
        id: randomUUID(),
        event: event.event,
        payload: JSON.stringify(payload),
        createdAt: new Date(event.timestamp),
      });
    } catch (error) {
      this.logger.warn({ err: error, event: event.event }, 'Keeping an activity event failed');
    }
  }
}
