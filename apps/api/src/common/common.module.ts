import { Global, Module } from '@nestjs/common';
import { Clock } from './clock.js';

/** Side-effect providers every feature may inject (clock; later HTTP, filesystem, …). */
@Global()
@Module({
  providers: [Clock],
  exports: [Clock],
})
export class CommonModule {}
