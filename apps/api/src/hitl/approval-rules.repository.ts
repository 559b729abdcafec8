import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApprovalRule } from './entities/approval-rule.entity.js';

/** The operator's approval rules, one per tool. */
@Injectable()
export class ApprovalRulesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get rules() {
    return this.dataSource.getRepository(ApprovalRule);
  }

  list(): Promise<ApprovalRule[]> {
    return this.rules.find({ order: { toolName: 'ASC' } });
  }

  find(toolName: string): Promise<ApprovalRule | null> {
    return this.rules.findOneBy({ toolName });
  }

  async save(rule: ApprovalRule): Promise<void> {
    await this.rules.save(rule);
  }

  async remove(toolName: string): Promise<boolean> {
    const result = await this.rules.delete({ toolName });
    return (result.affected ?? 0) > 0;
  }
}
