import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BudgetService } from './budget.service.js';
import { ModelCall } from './entities/model-call.entity.js';
import { UsageController } from './usage.controller.js';
import { UsageRepository } from './usage.repository.js';
import { UsageService } from './usage.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([ModelCall])],
  controllers: [UsageController],
  providers: [UsageService, UsageRepository, BudgetService],
  exports: [UsageService, UsageRepository, BudgetService],
})
export class UsageModule {}
