import { Global, Module } from '@nestjs/common';
import { ContainerPool } from './container-pool.js';
import { ContainersController } from './containers.controller.js';

/** Container mode (AGENT_CONTAINER_MODE): the agent containers and their state. */
@Global()
@Module({
  controllers: [ContainersController],
  providers: [ContainerPool],
  exports: [ContainerPool],
})
export class ContainersModule {}
