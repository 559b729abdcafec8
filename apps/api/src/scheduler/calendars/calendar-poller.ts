import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { Periodic } from '../../common/periodic.js';
import { CalendarSync, WINDOW_BACK_MS } from './calendar-sync.js';
import { CalendarsRepository } from './calendars.repository.js';

const TICK_MS = 5000;
/** Feeds fetched at once. */
const CONCURRENT_SYNCS = 4;

/** Syncs each calendar on its poll interval; each poll is claimed in the database, so it runs once. */
@Injectable()
export class CalendarPoller implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CalendarPoller.name);
  private readonly periodic = new Periodic(
    () => this.syncDue(),
    (error) => this.logger.error({ err: error }, 'Calendar poll failed'),
  );

  constructor(
    private readonly repository: CalendarsRepository,
    private readonly sync: CalendarSync,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.periodic.start(TICK_MS);
  }

  async onModuleDestroy(): Promise<void> {
    this.sync.stop();
    await this.periodic.stop();
  }

  /** Syncs the calendars that are due now (also called by tests that move the clock). */
  tick(): Promise<void> {
    return this.periodic.run();
  }

  private async syncDue(): Promise<void> {
    const now = this.clock.now();
    const claimed = [];
    for (const calendar of await this.repository.dueForSync(now)) {
      const next = new Date(now.getTime() + calendar.pollMinutes * 60_000);
      if (await this.repository.claimSync(calendar.id, calendar.nextSyncAt, next)) {
        claimed.push({ ...calendar, nextSyncAt: next });
      }
    }
    if (claimed.length === 0) return;
    for (let i = 0; i < claimed.length; i += CONCURRENT_SYNCS) {
      await Promise.all(claimed.slice(i, i + CONCURRENT_SYNCS).map((calendar) => this.sync.sync(calendar)));
    }
    // Instances long out of the window can never fire again: forget which jobs fired for them.
    await this.repository.pruneFirings(new Date(now.getTime() - WINDOW_BACK_MS - 86_400_000));
  }
}
