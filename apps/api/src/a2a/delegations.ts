import {
  ConflictException,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Subscription } from 'rxjs';
import type { Run } from '../agents/entities/run.entity.js';
import {
  type ContinuationHandler,
  type RunContinuation,
  RunContinuations,
  RunLifecycle,
} from '../agents/run-continuation.js';
import { type RunProfile, RunProfiles } from '../agents/run-profile.js';
import { RunWaits } from '../agents/run-wait.js';
import { isFinished, RunsService } from '../agents/runs.service.js';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { EventBus } from '../events/event-bus.js';
import type { ToolContext, ToolResult } from '../tools/tool.js';
import { A2aBus } from './a2a-bus.js';
import { A2aMessagesRepository } from './a2a-messages.repository.js';
import { AgentRecordsRepository } from './agent-records.repository.js';
import { AgentRoles } from './agent-roles.js';
import type { A2aMessage } from './entities/a2a-message.entity.js';
import type { AgentRecord } from './entities/agent-record.entity.js';

/** What the delegate and query tools ask: a task for a role (a new sub-agent) or for a known agent. */
export interface AskRequest {
  type: 'delegate' | 'query';
  role?: string;
  agentId?: string;
  text: string;
  context?: string;
}

/** A delegation refused before anything was stored (a limit, an unknown role or agent): the model reads why. */
class Refused extends Error {}

/**
 * Agents handing work to agents. A delegation (or query) is stored as a message, then delivered as a
 * run of the receiving agent in its own conversation; the asking run waits without holding a run slot
 * (its tool call returns a wait) and resumes when that run ends: the run's `agent-answer` continuation
 * stores the answer and wakes it, once, after a restart too. A run that ends without completing
 * (cancelled through the `agents` wait kind; failed or refused through its end) cancels the runs it
 * started that still work, which withdraws what they hold for approval; a crash in between is caught
 * up at the next start.
 */
@Injectable()
export class Delegations
  implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy, ContinuationHandler<'agent-answer'>
{
  readonly kind = 'agent-answer' as const;
  readonly durable = true;
  private readonly logger = new Logger(Delegations.name);
  private subscription?: Subscription;
  /** Cancels under way after a run's end (awaited at shutdown). */
  private readonly cascades = new Set<Promise<void>>();

  constructor(
    private readonly runs: RunsService,
    private readonly agents: AgentRecordsRepository,
    private readonly messages: A2aMessagesRepository,
    private readonly a2a: A2aBus,
    private readonly roles: AgentRoles,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly continuations: RunContinuations,
    private readonly waits: RunWaits,
    private readonly profiles: RunProfiles,
    private readonly lifecycle: RunLifecycle,
  ) {}

  onModuleInit(): void {
    this.continuations.register(this);
    this.waits.register({
      kind: 'agents',
      withdraw: (runId) => this.cancelStartedBy(runId, `the cancellation of run ${runId}`),
    });
    this.profiles.register({ profileFor: (run) => this.profileFor(run) });
    // A run that failed or was refused leaves nothing working for it (a cancel is handled by its withdraw).
    this.subscription = this.lifecycle.ended$.subscribe((run) => {
      if (run.status !== 'failed' && run.status !== 'refused') return;
      const cascade = this.cancelStartedBy(run.id, endedBy(run.id, run.status)).catch((error: unknown) =>
        this.logger.error({ err: error, runId: run.id }, 'Could not cancel the runs it started'),
      );
      this.cascades.add(cascade);
      void cascade.finally(() => this.cascades.delete(cascade));
    });
  }

  /** What a crash left between a run's end and the cancel of the runs it started: cancelled now. */
  async onApplicationBootstrap(): Promise<void> {
    for (const left of await this.messages.runsLeftByEndedRuns()) {
      await this.cancelOne(left.runId, endedBy(left.fromRunId, left.parentStatus));
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.subscription?.unsubscribe();
    await Promise.allSettled([...this.cascades]);
  }

  /**
   * The delegate and query tools: the first call stores and delivers the message and waits; when the
   * run resumes, the same call answers with the agent's answer (or waits again until there is one).
   */
  async ask(request: AskRequest, context: ToolContext): Promise<ToolResult> {
    if (!context.callId) return { content: 'This tool can only be used by an agent run.', isError: true };
    let message = await this.messages.findByToolCall(context.callId);
    try {
      message ??= await this.send(request, context);
      if (!message.runId) await this.deliver(message, context);
    } catch (error) {
      if (error instanceof Refused) return { content: error.message, isError: true };
      throw error;
    }
    return this.answerOf(message);
  }

  /** The broadcast tool: a message to the run's active sub-agents (all, or those of a role), no answer awaited. */
  async broadcast(text: string, to: string, context: ToolContext): Promise<ToolResult> {
    const sender = await this.agentOf(context);
    const children = await this.agents.view(await this.agents.childrenOfRun(context.runId));
    const recipients = children.filter(
      (agent) => ['working', 'waiting', 'idle'].includes(agent.status) && (to === 'all' || agent.role === to),
    );
    if (recipients.length === 0) {
      const which = to === 'all' ? '' : ` with the role ${to}`;
      return { content: `This run has no active sub-agents${which} to broadcast to.`, isError: true };
    }
    for (const agent of recipients) {
      const message = await this.a2a.post({
        conversationId: sender.rootId,
        type: 'broadcast',
        fromAgentId: sender.id,
        toAgentId: agent.id,
        text,
        fromRunId: context.runId,
        toolCallId: `${context.callId}:${agent.id}`,
        replyTo: null,
      });
      // Delivered as a run of its own in the agent's conversation (after the one it works on).
      if (message) await this.deliver(message, context, agent);
    }
    return { content: `Sent to ${recipients.map((agent) => `${agent.role} ${agent.id}`).join(', ')}.` };
  }

  /** A sub-agent's run ended: its answer goes back to the asking run, which resumes. */
  async handle(run: Run, continuation: Extract<RunContinuation, { kind: 'agent-answer' }>): Promise<'done'> {
    const message = await this.messages.find(continuation.messageId);
    if (!message) return 'done';
    await this.settle(message, run);
    if (message.fromRunId) await this.runs.resume(message.fromRunId);
    return 'done';
  }

  private async send(request: AskRequest, context: ToolContext): Promise<A2aMessage> {
    const sender = await this.agentOf(context);
    const asked = await this.messages.askedBy(context.runId);
    if (asked >= this.config.agentMaxPerRun) {
      throw new Refused(
        `Refused: this run has already asked other agents ${asked} times (AGENT_MAX_PER_RUN=${this.config.agentMaxPerRun}). Finish with what you have.`,
      );
    }
    const target = request.agentId
      ? await this.knownAgent(request.agentId, sender, request.type)
      : await this.newAgent(request.role!, sender, context);
    const text = request.context ? `${request.text}\n\n<context>\n${request.context}\n</context>` : request.text;
    const message = await this.a2a.post({
      conversationId: sender.rootId,
      type: request.type,
      fromAgentId: sender.id,
      toAgentId: target.id,
      text,
      fromRunId: context.runId,
      toolCallId: context.callId!,
      replyTo: null,
    });
    // Stored by an earlier try of this same call (a crash between the look-up and here).
    return message ?? (await this.messages.findByToolCall(context.callId!))!;
  }

  /** Submits the run that delivers a stored message, in the receiving agent's conversation. */
  private async deliver(message: A2aMessage, context: ToolContext, known?: AgentRecord): Promise<void> {
    const agent = known ?? (await this.agents.find(message.toAgentId));
    if (!agent) throw new Refused(`Agent ${message.toAgentId} no longer exists.`);
    const first = agent.currentRunId === null;
    const untrusted = await this.runs.untrustedSource(context.conversationId);
    const answers = message.type !== 'broadcast';
    let run: Run;
    try {
      run = await this.runs.submit({
        message: deliveredText(message),
        origin: {
          kind: 'a2a',
          ref: agent.id,
          ...(agent.role ? { role: agent.role } : {}),
          parentRunId: context.runId,
        },
        groupId: agent.groupId ?? undefined,
        conversationId: agent.conversationId,
        createConversation: true,
        ...(answers ? { continuation: { kind: 'agent-answer', messageId: message.id } } : {}),
        ...(untrusted ? { untrusted: `a task from an agent that read ${untrusted}` } : {}),
      });
    } catch (error) {
      // The run queue is full: the asking agent hears it as this call's error.
      const reason = error instanceof Error ? error.message : String(error);
      throw new Refused(`The message to agent ${agent.id} could not be delivered: ${reason}`);
    }
    await this.messages.setRun(message.id, run.id);
    message.runId = run.id;
    await this.agents.setCurrentRun(agent.id, run.id, answers ? context.runId : null);
    if (first && agent.role && agent.parentId) {
      this.bus.emit('agent:spawned', {
        agentId: agent.id,
        role: agent.role,
        parentId: agent.parentId,
        parentRunId: context.runId,
        runId: run.id,
        depth: agent.depth,
      });
    }
  }

  /** The answer to a delegation or query, once its run has ended; else a wait for that run. */
  private async answerOf(message: A2aMessage): Promise<ToolResult> {
    let reply = await this.messages.findReply(message.id);
    if (!reply) {
      const run = message.runId ? await this.runs.find(message.runId) : null;
      if (run && !isFinished(run.status)) return { content: '', wait: { kind: 'agents', runIds: [run.id] } };
      reply = run ? await this.settle(message, run) : null;
    }
    if (!reply) return { content: `Agent ${message.toAgentId} did not answer.`, isError: true };
    const agent = await this.agents.find(message.toAgentId);
    const untrusted = agent ? (await this.runs.untrustedSource(agent.conversationId)) !== null : false;
    const from = `${agent?.role ?? 'agent'} ${message.toAgentId}`;
    return reply.type === 'error'
      ? { content: `Agent ${from} did not finish: ${reply.text}`, isError: true }
      : { content: `Answer from ${from}:\n${reply.text}`, untrusted };
  }

  /** Stores the answer of an ended run to the message that started it (once); returns it. */
  private async settle(message: A2aMessage, run: Run): Promise<A2aMessage> {
    const completed = run.status === 'completed';
    const stored = await this.a2a.post({
      conversationId: message.conversationId,
      type: completed ? (message.type === 'query' ? 'answer' : 'result') : 'error',
      fromAgentId: message.toAgentId,
      toAgentId: message.fromAgentId,
      text: completed ? (run.reply ?? '(no answer)') : `${run.status}: ${run.error ?? 'no reason given'}`,
      fromRunId: run.id,
      toolCallId: null,
      replyTo: message.id,
    });
    if (stored) {
      const agent = await this.agents.find(message.toAgentId);
      this.bus.emit('agent:finished', {
        agentId: message.toAgentId,
        role: agent?.role ?? null,
        runId: run.id,
        parentRunId: message.fromRunId,
        status: run.status as 'completed' | 'failed' | 'refused' | 'cancelled',
      });
      return stored;
    }
    return (await this.messages.findReply(message.id))!;
  }

  /** The agent a run works as: its conversation's, or a new top-level agent for a run that first delegates. */
  private async agentOf(context: ToolContext): Promise<AgentRecord> {
    const known = await this.agents.findByConversation(context.conversationId);
    if (known) {
      if (known.depth === 0 && known.currentRunId !== context.runId) {
        await this.agents.setCurrentRun(known.id, context.runId, null);
      }
      return known;
    }
    const id = randomUUID();
    const root: AgentRecord = {
      id,
      role: null,
      parentId: null,
      rootId: id,
      conversationId: context.conversationId,
      groupId: context.groupId,
      depth: 0,
      parentRunId: null,
      currentRunId: context.runId,
      createdAt: this.clock.now(),
    };
    try {
      await this.agents.insert(root);
      return root;
    } catch (error) {
      // Another call of the same conversation created it first.
      const created = await this.agents.findByConversation(context.conversationId);
      if (!created) throw error;
      return created;
    }
  }

  private async newAgent(roleName: string, sender: AgentRecord, context: ToolContext): Promise<AgentRecord> {
    const role = await this.roles.find(roleName);
    if (!role) {
      const names = (await this.roles.list()).map((r) => r.name).join(', ');
      throw new Refused(`Unknown role "${roleName}". The roles are: ${names}.`);
    }
    if (sender.depth + 1 > this.config.agentMaxDepth) {
      throw new Refused(
        `Refused: a sub-agent here would be at depth ${sender.depth + 1}, past the limit (AGENT_MAX_DEPTH=${this.config.agentMaxDepth}). Do this part yourself.`,
      );
    }
    const active = await this.agents.activeSubAgents();
    if (active >= this.config.agentMaxActive) {
      throw new Refused(
        `Refused: ${active} sub-agents are already working (AGENT_MAX_ACTIVE=${this.config.agentMaxActive}). Do this part yourself or try later.`,
      );
    }
    const agent: AgentRecord = {
      id: randomUUID(),
      role: role.name,
      parentId: sender.id,
      rootId: sender.rootId,
      conversationId: randomUUID(),
      groupId: context.groupId,
      depth: sender.depth + 1,
      parentRunId: context.runId,
      currentRunId: null,
      createdAt: this.clock.now(),
    };
    await this.agents.insert(agent);
    return agent;
  }

  private async knownAgent(agentId: string, sender: AgentRecord, type: AskRequest['type']): Promise<AgentRecord> {
    const agent = await this.agents.find(agentId);
    // Only agents of the same tree: an agent id is not a way into another conversation.
    if (!agent || agent.rootId !== sender.rootId || agent.id === sender.id) {
      throw new Refused(`Unknown agent ${agentId}: ask an agent this conversation delegated to.`);
    }
    const [view] = await this.agents.view([agent]);
    if (view!.status === 'working' || view!.status === 'waiting') {
      throw new Refused(
        `Agent ${agentId} is ${view!.status}; ${type === 'query' ? 'query' : 'delegate to'} it once it has answered.`,
      );
    }
    return agent;
  }

  /** A sub-agent's run works under its role: the role's prompt, model and skills, within its group. */
  private async profileFor(run: Run): Promise<RunProfile | null> {
    if (run.origin.kind !== 'a2a' || !run.origin.ref) return null;
    const agent = await this.agents.find(run.origin.ref);
    const role = agent?.role ? await this.roles.find(agent.role) : null;
    if (!agent || !role) return null;
    const whoAmI =
      `\n\n<agent id="${agent.id}" role="${role.name}" depth="${agent.depth}">\n` +
      'You are a sub-agent: the user turns of this conversation are tasks from the agent that delegated to you. ' +
      'Your final answer goes back to that agent, not to a person.\n</agent>';
    return {
      systemPrompt: role.systemPrompt + whoAmI,
      ...(role.model ? { model: role.model } : {}),
      ...(role.skills ? { skills: role.skills } : {}),
    };
  }

  /**
   * Cancels the unfinished runs a run started (which cancel theirs in turn, and withdraw what they
   * hold for approval), because that run ended without completing.
   */
  private async cancelStartedBy(runId: string, cancelledBy: string): Promise<void> {
    for (const childRunId of await this.messages.runsStartedBy(runId)) await this.cancelOne(childRunId, cancelledBy);
  }

  private async cancelOne(runId: string, cancelledBy: string): Promise<void> {
    const run = await this.runs.find(runId);
    if (!run || isFinished(run.status)) return;
    try {
      await this.runs.cancel(runId, cancelledBy);
    } catch (error) {
      // It ended meanwhile.
      if (!(error instanceof ConflictException)) this.logger.error({ err: error, runId }, 'Cancel failed');
    }
  }
}

/** Who cancelled a sub-agent's run: the end of the run that started it. */
function endedBy(runId: string, status: string): string {
  if (status === 'cancelled') return `the cancellation of run ${runId}`;
  return `the ${status === 'refused' ? 'refusal' : 'failure'} of run ${runId}`;
}

/** What the receiving agent reads: who sent it and what. */
function deliveredText(message: A2aMessage): string {
  const what = { delegate: 'Task', query: 'Follow-up question', broadcast: 'Broadcast (no answer expected)' }[
    message.type as 'delegate' | 'query' | 'broadcast'
  ];
  return `${what} from agent ${message.fromAgentId}:\n\n${message.text}`;
}
