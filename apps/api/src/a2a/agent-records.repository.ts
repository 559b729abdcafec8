import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, MoreThanOrEqual, Not, IsNull } from 'typeorm';
import { Run, type RunStatus, UNFINISHED_STATUSES } from '../agents/entities/run.entity.js';
import { AgentRecord } from './entities/agent-record.entity.js';

export type AgentStatus = 'working' | 'waiting' | 'idle' | 'done' | 'failed';

/** An agent with what follows from its runs: its status and the tokens its conversation used. */
export interface AgentView extends AgentRecord {
  status: AgentStatus;
  inputTokens: number;
  outputTokens: number;
}

/** All SQL for the agents of the bus. */
@Injectable()
export class AgentRecordsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  find(id: string): Promise<AgentRecord | null> {
    return this.dataSource.getRepository(AgentRecord).findOneBy({ id });
  }

  findByConversation(conversationId: string): Promise<AgentRecord | null> {
    return this.dataSource.getRepository(AgentRecord).findOneBy({ conversationId });
  }

  async insert(agent: AgentRecord): Promise<void> {
    await this.dataSource.getRepository(AgentRecord).insert(agent);
  }

  async setCurrentRun(id: string, currentRunId: string, parentRunId: string | null): Promise<void> {
    await this.dataSource
      .getRepository(AgentRecord)
      .update({ id }, parentRunId ? { currentRunId, parentRunId } : { currentRunId });
  }

  /** Recent agents, newest first (or those a run handed work to), with their status and tokens. */
  async list(options: { limit: number; parentRunId?: string; rootId?: string }): Promise<AgentView[]> {
    const where = {
      ...(options.parentRunId ? { parentRunId: options.parentRunId } : {}),
      ...(options.rootId ? { rootId: options.rootId } : {}),
    };
    const agents = await this.dataSource
      .getRepository(AgentRecord)
      .find({ where, order: { createdAt: 'DESC' }, take: options.limit });
    return this.view(agents);
  }

  /** The agents a run handed work to. */
  childrenOfRun(parentRunId: string): Promise<AgentRecord[]> {
    return this.dataSource.getRepository(AgentRecord).find({ where: { parentRunId }, order: { createdAt: 'ASC' } });
  }

  async view(agents: AgentRecord[]): Promise<AgentView[]> {
    if (agents.length === 0) return [];
    const runIds = [
      ...new Set(agents.flatMap((agent) => [agent.currentRunId, agent.parentRunId]).filter((id) => id !== null)),
    ];
    const runs = new Map(
      (runIds.length > 0
        ? await this.dataSource
            .getRepository(Run)
            .find({ select: { id: true, status: true }, where: { id: In(runIds) } })
        : []
      ).map((run) => [run.id, run.status]),
    );
    const tokens = await this.dataSource
      .getRepository(Run)
      .createQueryBuilder('r')
      .select('r.conversation_id', 'conversationId')
      .addSelect('COALESCE(SUM(r.input_tokens), 0)', 'inputTokens')
      .addSelect('COALESCE(SUM(r.output_tokens), 0)', 'outputTokens')
      .where('r.conversation_id IN (:...ids)', { ids: agents.map((agent) => agent.conversationId) })
      .groupBy('r.conversation_id')
      .getRawMany<{ conversationId: string; inputTokens: string | number; outputTokens: string | number }>();
    const used = new Map(tokens.map((row) => [row.conversationId, row]));
    return agents.map((agent) => ({
      ...agent,
      status: agentStatus(
        agent.currentRunId ? runs.get(agent.currentRunId) : undefined,
        agent.parentRunId ? runs.get(agent.parentRunId) : undefined,
      ),
      inputTokens: Number(used.get(agent.conversationId)?.inputTokens ?? 0),
      outputTokens: Number(used.get(agent.conversationId)?.outputTokens ?? 0),
    }));
  }

  /** Sub-agents whose current run has not ended, gateway-wide (the limit on agents in total). */
  async activeSubAgents(): Promise<number> {
    return this.dataSource
      .getRepository(AgentRecord)
      .createQueryBuilder('a')
      .innerJoin(Run, 'r', 'r.id = a.current_run_id')
      .where('a.depth > 0')
      .andWhere('r.status IN (:...statuses)', { statuses: UNFINISHED_STATUSES })
      .getCount();
  }

  /** Agents whose current run has not ended (top-level ones included). */
  async active(): Promise<number> {
    return this.dataSource
      .getRepository(AgentRecord)
      .createQueryBuilder('a')
      .innerJoin(Run, 'r', 'r.id = a.current_run_id')
      .where('r.status IN (:...statuses)', { statuses: UNFINISHED_STATUSES })
      .getCount();
  }

  spawnedSince(since: Date): Promise<number> {
    return this.dataSource
      .getRepository(AgentRecord)
      .count({ where: { createdAt: MoreThanOrEqual(since), parentId: Not(IsNull()) } });
  }

  /** Tokens used by sub-agents, by role. */
  async tokensByRole(): Promise<{ role: string; inputTokens: number; outputTokens: number }[]> {
    const rows = await this.dataSource
      .getRepository(AgentRecord)
      .createQueryBuilder('a')
      .innerJoin(Run, 'r', 'r.conversation_id = a.conversation_id')
      .select('a.role', 'role')
      .addSelect('COALESCE(SUM(r.input_tokens), 0)', 'inputTokens')
      .addSelect('COALESCE(SUM(r.output_tokens), 0)', 'outputTokens')
      .where('a.role IS NOT NULL')
      .groupBy('a.role')
      .orderBy('a.role')
      .getRawMany<{ role: string; inputTokens: string | number; outputTokens: string | number }>();
    return rows.map((row) => ({
      role: row.role,
      inputTokens: Number(row.inputTokens),
      outputTokens: Number(row.outputTokens),
    }));
  }
}

/**
 * working: its run is queued or running; waiting: its run waits (for an approval or its own
 * sub-agents); idle: it answered and the run that asked is still going (it can be asked again);
 * done: it answered and the asking run has ended; failed: its last run failed, was refused or cancelled.
 */
export function agentStatus(current: RunStatus | undefined, parentRun: RunStatus | undefined): AgentStatus {
  switch (current) {
    case 'queued':
    case 'running':
      return 'working';
    case 'waiting':
      return 'waiting';
    case 'completed':
      return parentRun && UNFINISHED_STATUSES.includes(parentRun) ? 'idle' : 'done';
    case undefined:
      return 'idle';
    default:
      return 'failed';
  }
}
