import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThanOrEqual, Like, MoreThan } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { Approval, type ApprovalStatus } from './entities/approval.entity.js';

export type Decision = Pick<Approval, 'status' | 'decidedAt' | 'decidedBy' | 'decidedChannelId' | 'comment'>;

/** All SQL for held tool calls and their decisions. */
@Injectable()
export class ApprovalsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get approvals() {
    return this.dataSource.getRepository(Approval);
  }

  findById(id: string): Promise<Approval | null> {
    return this.approvals.findOneBy({ id });
  }

  /** Approvals whose id starts with `prefix` (the short id a chat shows), at most two: enough to tell it is ambiguous. */
  findByIdPrefix(prefix: string): Promise<Approval[]> {
    return this.approvals.find({ where: { id: Like(`${prefix}%`) }, take: 2 });
  }

  findByToolCall(toolCallId: string): Promise<Approval | null> {
    return this.approvals.findOneBy({ toolCallId });
  }

  async insert(approval: Approval): Promise<void> {
    await this.approvals.insert(approval as QueryDeepPartialEntity<Approval>);
  }

  list(limit: number, status?: ApprovalStatus): Promise<Approval[]> {
    return this.approvals.find({ where: status ? { status } : {}, order: { createdAt: 'DESC' }, take: limit });
  }

  forRun(runId: string): Promise<Approval[]> {
    return this.approvals.find({ where: { runId }, order: { createdAt: 'ASC' } });
  }

  /** Records a human's decision if the approval is still pending and not yet expired; false otherwise. */
  async decide(id: string, decision: Decision, now: Date): Promise<boolean> {
    const result = await this.approvals.update({ id, status: 'pending', expiresAt: MoreThan(now) }, decision);
    return (result.affected ?? 0) > 0;
  }

  /** Pending approvals whose time is up, oldest first. */
  expired(now: Date): Promise<Approval[]> {
    return this.approvals.find({
      where: { status: 'pending', expiresAt: LessThanOrEqual(now) },
      order: { expiresAt: 'ASC' },
    });
  }

  /** Records a timeout if nobody decided first; false when someone did. */
  async expire(id: string, decidedAt: Date): Promise<boolean> {
    const result = await this.approvals.update(
      { id, status: 'pending' },
      { status: 'timed_out', decidedAt, decidedBy: null },
    );
    return (result.affected ?? 0) > 0;
  }

  /** Withdraws a run's pending approvals (its run was cancelled); returns those it withdrew. */
  async withdrawForRun(runId: string, decidedAt: Date): Promise<Approval[]> {
    const pending = await this.approvals.findBy({ runId, status: 'pending' });
    const withdrawn: Approval[] = [];
    for (const approval of pending) {
      const result = await this.approvals.update(
        { id: approval.id, status: 'pending' },
        { status: 'withdrawn', decidedAt, decidedBy: null },
      );
      if ((result.affected ?? 0) > 0) withdrawn.push({ ...approval, status: 'withdrawn', decidedAt });
    }
    return withdrawn;
  }

  async countsByStatus(): Promise<Record<ApprovalStatus, number>> {
    const rows = await this.approvals
      .createQueryBuilder('a')
      .select('a.status', 'status')
      .addSelect('COUNT(*)', 'count')
      .groupBy('a.status')
      .getRawMany<{ status: ApprovalStatus; count: string | number }>();
    const counts: Record<ApprovalStatus, number> = { pending: 0, approved: 0, rejected: 0, timed_out: 0, withdrawn: 0 };
    for (const row of rows) counts[row.status] = Number(row.count);
    return counts;
  }

  /** Human decisions (not timeouts), for the average time to decide. */
  decidedByPeople(limit: number): Promise<Pick<Approval, 'createdAt' | 'decidedAt'>[]> {
    return this.approvals
      .createQueryBuilder('a')
      .select(['a.createdAt', 'a.decidedAt'])
      .where('a.decided_by IS NOT NULL')
      .orderBy('a.decided_at', 'DESC')
      .take(limit)
      .getMany();
  }
}
