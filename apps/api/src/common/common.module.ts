import { Global, Module } from '@nestjs/common';
import { ApiRateLimits } from './api-rate-limits.js';
import { Clock } from './clock.js';
import { LoopSlices } from './loop-slices.js';

/** Side-effect providers every feature may inject (clock, the event loop's slices; later HTTP, filesystem, …). */
@Global()
@Module({
  providers: [Clock, ApiRateLimits, LoopSlices],
  exports: [Clock, ApiRateLimits, LoopSlices],
})
export class CommonModule {}
