import {
  ConflictException,
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../auth/session.service.js';
import { RunWaits } from '../agents/run-wait.js';
import { RunsService } from '../agents/runs.service.js';
import { Clock } from '../common/clock.js';
import { Periodic } from '../common/periodic.js';
import { EventBus } from '../events/event-bus.js';
import type { ToolCallRequest } from '../tools/tool-executor.js';
import type { ToolContext } from '../tools/tool.js';
import type { ApprovalPolicy } from './approval-rules.service.js';
import { ApprovalsRepository } from './approvals.repository.js';
import type { ApprovalDetailDto, ApprovalDto, ApprovalStatsDto } from './dto/approval.dto.js';
import type { Approval, ApprovalStatus } from './entities/approval.entity.js';

const SWEEP_INTERVAL_MS = 1000;
const TRANSCRIPT_TURNS = 12;
const STATS_SAMPLE = 500;

/**
 * Held tool calls: created by the approval gate, decided by a person or by their timeout, and each
 * decision puts the paused run back to work. Timeouts are swept every second and at start, so one
 * that passed while the gateway was down is applied as soon as it is up again.
 */
@Injectable()
export class ApprovalsService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ApprovalsService.name);
  private readonly sweeper = new Periodic(
    () => this.expireDue(),
    (error) => this.logger.error({ err: error }, 'Approval timeout sweep failed'),
  );

  constructor(
    private readonly approvals: ApprovalsRepository,
    private readonly runs: RunsService,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly waits: RunWaits,
  ) {}

  /** A run waiting for an approval that is cancelled withdraws it (`approval:resolved`, status withdrawn). */
  onModuleInit(): void {
    this.waits.register({ kind: 'approval', withdraw: (runId) => this.withdraw(runId) });
  }

  onApplicationBootstrap(): void {
    this.sweeper.start(SWEEP_INTERVAL_MS);
  }

  onModuleDestroy(): Promise<void> {
    return this.sweeper.stop();
  }

  findForToolCall(toolCallId: string): Promise<Approval | null> {
    return this.approvals.findByToolCall(toolCallId);
  }

  /** Stores a held call and tells the console (and webhook subscribers) that it waits for someone. */
  async hold(
    call: ToolCallRequest,
    context: ToolContext,
    policy: ApprovalPolicy,
    toolRevision: string | null = null,
  ): Promise<Approval> {
    const now = this.clock.now();
    const approval: Approval = {
      id: randomUUID(),
      runId: context.runId,
      conversationId: context.conversationId,
      groupId: context.groupId,
      toolCallId: call.id,
      toolName: call.name,
      input: call.input,
      origin: context.origin,
      riskLevel: policy.riskLevel,
      toolRevision,
      reason: policy.reason.slice(0, 200),
      status: 'pending',
      timeoutAction: policy.timeoutAction,
      expiresAt: new Date(now.getTime() + policy.timeoutMs),
      createdAt: now,
      decidedAt: null,
      decidedBy: null,
      decidedChannelId: null,
      comment: null,
    };
    await this.approvals.insert(approval);
    this.bus.emit('approval:required', {
      approvalId: approval.id,
      runId: approval.runId,
      toolName: approval.toolName,
      input: approval.input,
      reason: approval.reason,
      expiresAt: approval.expiresAt.toISOString(),
    });
    return approval;
  }

  async decide(
    id: string,
    status: 'approved' | 'rejected',
    auth: AuthContext,
    comment: string | undefined,
  ): Promise<ApprovalDto> {
    return this.record(id, status, { decidedBy: auth.username, decidedChannelId: null }, comment);
  }

  /**
   * A decision an approver sent from a chat (`/approve 1a2b3c4d`): recorded like a console decision,
   * with who and through which channel. The id may be shortened to its first characters.
   */
  async decideFromChat(
    shortId: string,
    status: 'approved' | 'rejected',
    who: { decidedBy: string; channelId: string },
    comment: string | undefined,
  ): Promise<ApprovalDto> {
    const prefix = shortId.trim().toLowerCase();
    const matches = /^[0-9a-f-]{4,36}$/.test(prefix) ? await this.approvals.findByIdPrefix(prefix) : [];
    if (matches.length === 0) throw new NotFoundException(`There is no approval ${shortId}`);
    if (matches.length > 1) throw new ConflictException(`Approval ${shortId} is ambiguous: give more of its id`);
    return this.record(
      matches[0]!.id,
      status,
      { decidedBy: who.decidedBy.slice(0, 100), decidedChannelId: who.channelId },
      comment,
    );
  }

  findById(id: string): Promise<Approval | null> {
    return this.approvals.findById(id);
  }

  private async record(
    id: string,
    status: 'approved' | 'rejected',
    who: { decidedBy: string; decidedChannelId: string | null },
    comment: string | undefined,
  ): Promise<ApprovalDto> {
    const now = this.clock.now();
    const decided = await this.approvals.decide(
      id,
      { status, decidedAt: now, ...who, comment: comment?.trim() || null },
      now,
    );
    const approval = await this.approvals.findById(id);
    if (!approval) throw new NotFoundException(`Approval ${id} not found`);
    if (!decided) throw new ConflictException(alreadyDecided(approval, now));
    await this.resolved(approval);
    return toApprovalDto(approval);
  }

  /** Applies the timeout action to every pending approval whose time is up. */
  sweep(): Promise<void> {
    return this.sweeper.run();
  }

  async list(limit: number, status?: ApprovalStatus): Promise<ApprovalDto[]> {
    return (await this.approvals.list(limit, status)).map(toApprovalDto);
  }

  async forRun(runId: string): Promise<ApprovalDto[]> {
    return (await this.approvals.forRun(runId)).map(toApprovalDto);
  }

  async detail(id: string): Promise<ApprovalDetailDto> {
    const approval = await this.approvals.findById(id);
    if (!approval) throw new NotFoundException(`Approval ${id} not found`);
    return {
      ...toApprovalDto(approval),
      conversation: await this.runs.transcript(approval.conversationId, TRANSCRIPT_TURNS),
    };
  }

  async stats(): Promise<ApprovalStatsDto> {
    const [counts, decisions] = await Promise.all([
      this.approvals.countsByStatus(),
      this.approvals.decidedByPeople(STATS_SAMPLE),
    ]);
    const seconds = decisions.map((d) => ((d.decidedAt?.getTime() ?? 0) - d.createdAt.getTime()) / 1000);
    return {
      pending: counts.pending,
      approved: counts.approved,
      rejected: counts.rejected,
      timedOut: counts.timed_out,
      averageDecisionSeconds:
        seconds.length > 0 ? Math.round((seconds.reduce((a, b) => a + b, 0) / seconds.length) * 10) / 10 : null,
    };
  }

  private async expireDue(): Promise<void> {
    const now = this.clock.now();
    for (const approval of await this.approvals.expired(now)) {
      if (!(await this.approvals.expire(approval.id, now))) continue; // decided by someone meanwhile
      this.logger.log(`Approval ${approval.id} (${approval.toolName}) timed out: ${approval.timeoutAction}`);
      await this.resolved({ ...approval, status: 'timed_out', decidedAt: now, decidedBy: null });
    }
  }

  private async withdraw(runId: string): Promise<void> {
    for (const approval of await this.approvals.withdrawForRun(runId, this.clock.now())) {
      this.logger.log(`Approval ${approval.id} (${approval.toolName}) withdrawn: its run was cancelled`);
      this.announce(approval);
    }
  }

  private async resolved(approval: Approval): Promise<void> {
    this.announce(approval);
    await this.runs.resume(approval.runId);
  }

  private announce(approval: Approval): void {
    this.bus.emit('approval:resolved', {
      approvalId: approval.id,
      runId: approval.runId,
      status: approval.status as 'approved' | 'rejected' | 'timed_out' | 'withdrawn',
      decidedBy: approval.decidedBy,
    });
  }
}

function alreadyDecided(approval: Approval, now: Date): string {
  if (approval.status === 'pending') {
    return `Approval ${approval.id} timed out at ${approval.expiresAt.toISOString()}; it will be ${approval.timeoutAction === 'approve' ? 'approved' : 'rejected'} automatically`;
  }
  const when = approval.decidedAt?.toISOString() ?? now.toISOString();
  if (approval.status === 'timed_out') return `Approval ${approval.id} already timed out at ${when}`;
  if (approval.status === 'withdrawn') return `Approval ${approval.id} was withdrawn at ${when}: its run was cancelled`;
  return `Approval ${approval.id} was already ${approval.status} by ${approval.decidedBy ?? 'someone'} at ${when}`;
}

export function toApprovalDto(approval: Approval): ApprovalDto {
  return {
    id: approval.id,
    runId: approval.runId,
    conversationId: approval.conversationId,
    groupId: approval.groupId,
    toolCallId: approval.toolCallId,
    toolName: approval.toolName,
    input: (approval.input ?? {}) as object,
    origin: approval.origin,
    riskLevel: approval.riskLevel,
    reason: approval.reason,
    status: approval.status,
    timeoutAction: approval.timeoutAction,
    expiresAt: approval.expiresAt.toISOString(),
    createdAt: approval.createdAt.toISOString(),
    decidedAt: approval.decidedAt?.toISOString() ?? null,
    decidedBy: approval.decidedBy,
    decidedChannelId: approval.decidedChannelId ?? null,
    comment: approval.comment,
  };
}
