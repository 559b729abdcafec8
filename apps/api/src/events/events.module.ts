import { Global, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { EventBus } from './event-bus.js';
import { EventsGateway } from './events.gateway.js';

/** The event bus, injectable everywhere without importing this module. */
@Global()
@Module({
  providers: [EventBus],
  exports: [EventBus],
})
export class EventsModule {}

/** The console's live-event WebSocket; it needs sessions to authenticate clients. */
@Module({
  imports: [AuthModule],
  providers: [EventsGateway],
})
export class EventsGatewayModule {}
