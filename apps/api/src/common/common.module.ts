import { Global, Module } from '@nestjs/common';
import { ApiRateLimits } from './api-rate-limits.js';
import { Clock } from './clock.js';

/** Side-effect providers every feature may inject (clock; later HTTP, filesystem, …). */
@Global()
@Module({
  providers: [Clock, ApiRateLimits],
  exports: [Clock, ApiRateLimits],
})
export class CommonModule {}
