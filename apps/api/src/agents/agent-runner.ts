import { Injectable, Logger } from '@nestjs/common';
import { AGENT_SKILL_TOOLS } from '../agent-skills/agent-skill-tools.js';
import { AgentSkillsService } from '../agent-skills/agent-skills.service.js';
import { Clock } from '../common/clock.js';
import { timeOrderedId } from '../common/time-ordered-id.js';
import { AppConfig } from '../config/app-config.js';
import {
  agentLoop,
  type LoopStep,
  type LoopSteps,
  type LoopTurn,
  nextStep,
} from '@loop-gateway/agent-runner/agent-loop';
import { ContainerFailure, type RunnerMessage } from '../containers/agent-container.js';
import { ContainerModeError, ContainerPool } from '../containers/container-pool.js';
import { EventBus } from '../events/event-bus.js';
import type { AgentGroup } from '../groups/entities/agent-group.entity.js';
import { GroupsService } from '../groups/groups.service.js';
import { ToolExecutor } from '../tools/tool-executor.js';
import { ToolRegistry } from '../tools/tool-registry.js';
import type { Tool, ToolResult } from '../tools/tool.js';
import { BudgetService } from '../usage/budget.service.js';
import type { ConversationMessage } from './entities/conversation-message.entity.js';
import { type Run, UNFINISHED_STATUSES } from './entities/run.entity.js';
import type { ToolCallRecord } from './entities/tool-call.entity.js';
import {
  type ContentBlock,
  ModelCallError,
  ModelProvider,
  type ToolResultBlock,
  type ToolUseBlock,
} from './model/model-provider.js';
import { ConversationCompactor, isPromptTooLong } from './conversation-compactor.js';
import { readChannelStyles, readDefaultSystemPrompt } from './prompt-files.js';
import { RunLifecycle } from './run-continuation.js';
import { type RunProfile, RunProfiles } from './run-profile.js';
import type { RunSlot } from './run-queue.js';
import { combineWaits, type RunWait } from './run-wait.js';
import { RunsRepository } from './runs.repository.js';
import { buildSystemPrompt, type PromptSources, withAgentSkills } from './system-prompt.js';

type RunEnd = Pick<Run, 'status' | 'reply' | 'error' | 'finishedAt' | 'durationMs'> & { durationMs: number };

/** How `execute` left a run: finished (one way or another, or ended by someone else), or waiting. */
export type RunOutcome = 'finished' | 'paused';

/**
 * A run stored as started with its request (see `prepareStart`), with what its start was worked out
 * from, so `execute` need not read it again.
 */
export interface StartedRun {
  run: Run;
  input: ConversationMessage;
  group: AgentGroup;
  profile: RunProfile;
  history: ConversationMessage[];
}

/** The run waits for something (a human's decision on a held tool call) and frees its place in the queue. */
class RunPaused extends Error {
  constructor(readonly wait: RunWait) {
    super('waiting');
  }
}

/** Someone else changed the run's status first (it was cancelled): this execution stops, quietly. */
class RunTaken extends Error {}

/** A run ends early with this message as its error. */
class RunStop extends Error {
  constructor(
    message: string,
    readonly status: 'failed' | 'refused',
  ) {
    super(message);
  }
}

/**
 * The tool-use loop for one run: model call, tool calls, tool results, until the model ends its turn
 * or the iteration limit. Every step is stored before it is acted on, so `execute` can be called
 * again after a crash and continues from the last stored step; a tool call that may already have
 * run is never run twice.
 */
@Injectable()
export class AgentRunner {
  private readonly logger = new Logger(AgentRunner.name);
  private readonly prompts: PromptSources = {
    defaultPrompt: readDefaultSystemPrompt(),
    defaultStyles: readChannelStyles(),
  };

  constructor(
    private readonly runs: RunsRepository,
    private readonly groups: GroupsService,
    private readonly model: ModelProvider,
    private readonly tools: ToolRegistry,
    private readonly executor: ToolExecutor,
    private readonly budget: BudgetService,
    private readonly bus: EventBus,
    private readonly lifecycle: RunLifecycle,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly compactor: ConversationCompactor,
    private readonly profiles: RunProfiles,
    private readonly containers: ContainerPool,
    private readonly agentSkills: AgentSkillsService,
  ) {}

  /**
   * `slot`: the run's work slot, let go while the model is answering (see RunQueue). `started`: the
   * run was stored as started with its request (see `prepareStart`); its start is announced here.
   */
  async execute(runId: string, signal: AbortSignal, slot: RunSlot, started?: StartedRun): Promise<RunOutcome> {
    // Read again even when just stored: it may have been cancelled meanwhile.
    const run = await this.runs.findRun(runId);
    if (!run || !UNFINISHED_STATUSES.includes(run.status)) return 'finished';
    const group = started?.group ?? (await this.groupFor(run));
    const profile = started?.profile ?? (await this.profiles.for(run));
    const history = started ? [...started.history, started.input] : await this.runs.history(run.conversationId);
    let failure: AbortSignal | null = null;
    try {
      if (run.status === 'queued') await this.start(run, group, profile, history);
      else if (started && run.status === 'running') this.announceStart(run, group);
      if (run.status === 'waiting') {
        if (!(await this.runs.transition(run.id, ['waiting'], { status: 'running', waitingFor: null }))) {
          return 'finished';
        }
        run.status = 'running';
      }
      failure = await this.openContainer(run, signal);
      const stepSignal = failure ? AbortSignal.any([signal, failure]) : signal;
      const steps = await this.loopSteps(run, group, profile, history, stepSignal, slot);
      if (failure) await this.loopInContainer(run, history, steps, stepSignal);
      else await agentLoop(this.turn(run, history), steps);
      return 'finished';
    } catch (error) {
      if (error instanceof RunPaused) {
        // The container goes with the pause: a new one continues after the decision.
        await this.closeContainer(run, null);
        const paused = await this.runs.transition(run.id, ['running'], { status: 'waiting', waitingFor: error.wait });
        if (paused) this.bus.runPaused(run.id);
        return paused ? 'paused' : 'finished';
      }
      if (error instanceof RunTaken) return 'finished';
      // Cancelled (its status is already `cancelled`), or shutting down: the run stays "running" and
      // resumes at the next start.
      if (signal.aborted) return 'finished';
      // The container failed the call (timeout, OOM, crash, garbled line, engine gone): that is the reason.
      const containerFailure = failure?.aborted ? (failure.reason as ContainerFailure) : null;
      const stop =
        error instanceof RunStop
          ? error
          : containerFailure
            ? new RunStop(containerFailure.message, 'failed')
            : error instanceof ContainerFailure
              ? new RunStop(error.message, 'failed')
              : null;
      if (!stop) this.logger.error({ err: error, runId }, 'Run failed');
      await this.finish(run, {
        status: stop?.status ?? 'failed',
        error: stop?.message ?? (error instanceof ModelCallError ? error.message : 'The run failed unexpectedly'),
        reply: stop?.status === 'refused' ? stop.message : lastText(history, run.id),
      });
      return 'finished';
    } finally {
      if (failure) await this.closeContainer(run, signal.aborted ? await this.abortReason(run.id) : null);
    }
  }

  /**
   * Container mode: the call gets its own container (waiting its turn when all are taken); returns the
   * signal that aborts when the container fails the call. Null when container mode is off.
   */
  private async openContainer(run: Run, signal: AbortSignal): Promise<AbortSignal | null> {
    if (!this.containers.enabled) return null;
    if (!run.isolated) {
      await this.runs.updateRun(run.id, { isolated: true });
      run.isolated = true;
    }
    try {
      const { container, waitedMs, warm } = await this.containers.acquire(run.id, signal);
      this.bus.emit('container:start', { runId: run.id, containerId: container.id, waitedMs, warm });
      return container.failure;
    } catch (error) {
      if (error instanceof ContainerModeError) throw new RunStop(error.message, 'failed');
      throw error;
    }
  }

  /** Ends the run's container (asked to exit, or killed for `killReason`) and stores how it ended. */
  private async closeContainer(run: Run, killReason: string | null): Promise<string | null> {
    const exit = await this.containers.release(run.id, killReason);
    if (!exit) return null;
    run.containerExit = exit.description;
    await this.runs.updateRun(run.id, { containerExit: exit.description });
    this.bus.emit('container:exit', {
      runId: run.id,
      containerId: exit.containerId,
      exit: exit.description,
      failed: exit.failed,
    });
    return exit.description;
  }

  private async abortReason(runId: string): Promise<string> {
    const run = await this.runs.findRun(runId);
    return run?.status === 'cancelled' ? 'killed: the run was cancelled' : 'killed: the gateway is shutting down';
  }

  /**
   * Starts a run that can start at once in its request's own transaction (one commit instead of two):
   * the run as started and its user message, to be stored together; `execute` then goes on from there.
   * Null when it must start the usual way (a refused run is stored as such by `start`).
   */
  async prepareStart(queued: Run, history: ConversationMessage[]): Promise<StartedRun | null> {
    const run = { ...queued };
    const group = await this.groupFor(run);
    const profile = await this.profiles.for(run);
    const { input, refusal } = await this.starting(run, group, profile, history);
    return refusal ? null : { run, input, group, profile, history };
  }

  private async start(run: Run, group: AgentGroup, profile: RunProfile, history: ConversationMessage[]): Promise<void> {
    const { input, refusal } = await this.starting(run, group, profile, history);
    const patch = { startedAt: run.startedAt, model: run.model, groupId: group.id, toolPins: run.toolPins };
    // One transaction: a run stored as running always has its user message (a refused run gets none).
    if (!(await this.runs.startRun(run.id, patch, refusal ? null : input))) throw new RunTaken();
    this.announceStart(run, group);
    if (refusal) throw new RunStop(refusal, 'refused');
    history.push(input);
  }

  /** A run's start, in memory: its status, model, group and tool pins, its user message, and whether its budget refuses it. */
  private async starting(
    run: Run,
    group: AgentGroup,
    profile: RunProfile,
    history: ConversationMessage[],
  ): Promise<{ input: ConversationMessage; refusal: string | null }> {
    run.status = 'running';
    run.startedAt = this.clock.now();
    run.model = profile.model ?? this.groups.modelFor(group);
    run.groupId = group.id;
    const refusal = await this.budget.refusal(group);
    // Tool calls an earlier run asked for and never answered (it was cancelled or stopped) are closed
    // first: the model only accepts a history in which every tool_use has its tool_result.
    const unanswered = unansweredToolUses(history).map((id) =>
      toolResult(id, 'This tool call did not run: the run that asked for it ended first (cancelled or stopped).', true),
    );
    const input = this.message(run, history, 'user', [...unanswered, { type: 'text', text: run.input }]);
    // The run keeps the skill versions it started with, across hot reloads and restarts.
    run.toolPins = this.tools.revisions();
    return { input, refusal };
  }

  private announceStart(run: Run, group: AgentGroup): void {
    this.bus.emit('agent:run:start', {
      runId: run.id,
      conversationId: run.conversationId,
      groupId: group.id,
      origin: run.origin,
    });
  }

  /**
   * The work behind each of the loop's steps (agent-runner/agent-loop.js decides which comes next):
   * the same in both modes, each step stored before it is acted on.
   */
  private async loopSteps(
    run: Run,
    group: AgentGroup,
    profile: RunProfile,
    history: ConversationMessage[],
    signal: AbortSignal,
    slot: RunSlot,
  ): Promise<LoopSteps> {
    const pins = run.toolPins ?? {};
    // Agent Skills the group (and role) allow: listed in the system prompt, read with load_skill and
    // read_skill_file, which come with them (a group's allowlist names the skills, not those two tools).
    const catalog = this.agentSkills.catalog(group.skills, profile.skills);
    const skillTools = catalog.length > 0 ? this.agentSkills.runTools() : [];
    const tools = [
      ...(await this.pinnedTools(group, pins)).filter(
        (tool) =>
          (!profile.skills || profile.skills.includes(tool.name)) &&
          !Object.values<string>(AGENT_SKILL_TOOLS).includes(tool.name),
      ),
      ...skillTools,
    ];
    const offered = skillTools.length > 0 ? catalog : [];
    const system = withAgentSkills(
      profile.systemPrompt ?? buildSystemPrompt(this.prompts, group, run.origin.channelType ?? null),
      offered,
    );
    const agentSkills = offered.map((skill) => skill.name);
    return {
      model: async () =>
        (await this.callModel(run, group, system, tools, history, signal, slot)) ? null : this.turn(run, history),
      // The calls of the answer as stored, whoever asks (the runner only says which it expects).
      tools: async () => {
        const results = await this.runTools(run, lastToolUses(history), signal, pins, agentSkills);
        await this.append(run, history, 'user', results);
        return this.turn(run, history);
      },
      finish: () => this.finish(run, { status: 'completed', reply: lastText(history, run.id), error: null }),
      limit: () => {
        const which =
          this.turn(run, history).maxIterations < this.config.runMaxIterations
            ? 'the run’s limit'
            : 'RUN_MAX_ITERATIONS';
        return Promise.reject(new RunStop(`Stopped after ${run.iterations} model calls (${which})`, 'failed'));
      },
    };
  }

  /** Where the run stands, as the loop's decisions read it. */
  private turn(run: Run, history: ConversationMessage[]): LoopTurn {
    const last = history.at(-1);
    return {
      answer: last?.runId === run.id && last.role === 'assistant' ? last.content : null,
      iterations: run.iterations,
      maxIterations: Math.min(run.maxIterations ?? Infinity, this.config.runMaxIterations),
    };
  }

  /**
   * Container mode: the runner in the container steps the loop and asks for each step over the
   * protocol; the gateway makes it with the same steps as direct mode, holding the key and the
   * database. A step is made only when it is the one the loop takes from the run as stored, and one
   * at a time: code running in the container can write to the runner's stdout, so a request proves
   * nothing by itself, and a runner that asks for anything else is killed.
   */
  private async loopInContainer(
    run: Run,
    history: ConversationMessage[],
    steps: LoopSteps,
    signal: AbortSignal,
  ): Promise<void> {
    const container = this.containers.forRun(run.id);
    if (!container) throw new ContainerFailure('The agent container is gone');
    // What stopped the loop on the gateway's side (a pause, a stop, a failed model call), thrown as in direct mode.
    let halt: unknown = null;
    let ended = false;
    let step: Promise<unknown> | null = null;
    const broker = (message: RunnerMessage): Promise<Record<string, unknown>> => {
      const expected = nextStep(this.turn(run, history));
      const refusal =
        step || ended || halt
          ? `asked for a step while ${step ? 'another was being made' : 'the loop was over'}`
          : !isStep(expected, message)
            ? `asked for ${describeStep(message['call'])} where the loop's next step is ${describeStep(expected.kind)}`
            : null;
      if (refusal) {
        container.kill(`killed: its runner ${refusal}`);
        return Promise.reject(new Error(refusal));
      }
      const made = this.makeStep(expected, steps).then(
        (turn) => {
          if (turn === null) ended = true;
          return { turn: turn ?? null };
        },
        (error: unknown) => {
          halt = error;
          throw new Error('the run stops here');
        },
      );
      step = made.finally(() => (step = null)).catch(() => undefined);
      return made;
    };
    const answer = await container
      .request<RunnerMessage>({ type: 'run', turn: this.turn(run, history) }, signal, broker)
      .then(
        (message) => ({ message }),
        (error: unknown) => ({ error }),
      );
    // The runner's answer can come before the step that ended it has returned (the run's end closes the container).
    await step;
    if (halt) throw halt;
    if (ended) return;
    if ('error' in answer) throw answer.error;
    const detail = typeof answer.message['error'] === 'string' ? `: ${answer.message['error']}` : '';
    throw new ContainerFailure(`The agent container's runner ended the loop before the run ended${detail}`);
  }

  /** Makes one step; resolves with where the run stands after it, or null once the run has ended. */
  private async makeStep(step: LoopStep, steps: LoopSteps): Promise<LoopTurn | null> {
    switch (step.kind) {
      case 'model':
        return steps.model();
      case 'tools':
        return steps.tools(step.toolUseIds);
      case 'finish':
        await steps.finish();
        return null;
      case 'limit':
        await steps.limit();
        return null;
    }
  }

  private async callModel(
    run: Run,
    group: AgentGroup,
    system: string,
    tools: Tool[],
    history: ConversationMessage[],
    signal: AbortSignal,
    slot: RunSlot,
  ): Promise<boolean> {
    const model = run.model ?? this.groups.modelFor(group);
    const prompt = {
      model,
      system,
      tools: this.tools.specs(tools),
      maxTokens: this.config.modelMaxTokens,
      apiKey: this.groups.apiKeyFor(group),
    };
    const messages = await this.compactor.fit(run, group, prompt, history, signal);
    const worstCase = estimateTokens(system, messages) + this.config.modelMaxTokens;
    const reservation = await this.budget.reserve(group, worstCase);
    if ('refused' in reservation) throw new RunStop(reservation.refused, 'failed');
    const startedAt = Date.now();
    const call = {
      id: timeOrderedId(),
      runId: run.id,
      groupId: group.id,
      channelType: run.origin.channelType ?? null,
      model,
      createdAt: this.clock.now(),
    };
    try {
      const options = { signal, onText: (delta: string) => this.bus.emit('agent:run:text', { runId: run.id, delta }) };
      // Waiting on the model is I/O: the run holds no work slot meanwhile.
      const response = await slot
        .whileWaiting(() => this.model.call({ ...prompt, messages }, options))
        .catch(async (error: unknown) => {
          // The estimate fell short of the API's count: compact harder and try once more.
          if (!isPromptTooLong(error)) throw error;
          const fitted = await this.compactor.fit(run, group, prompt, history, signal, true);
          return slot.whileWaiting(() => this.model.call({ ...prompt, messages: fitted }, options));
        });
      run.iterations += 1;
      run.inputTokens += response.usage.inputTokens;
      run.outputTokens += response.usage.outputTokens;
      const answer = this.message(run, history, 'assistant', response.content);
      const { inputTokens, cacheReadTokens, cacheCreationTokens } = response.usage;
      answer.contextTokens = inputTokens + cacheReadTokens + cacheCreationTokens;
      // An answer without tool calls ends the run: its end is stored in the same transaction.
      const ends = !response.content.some((block) => block.type === 'tool_use');
      const reply = ends ? lastText([...history, answer], run.id) : null;
      // The container is asked to end now; how it ended is stored when the engine reports it, which the
      // run's end does not wait for (that report takes tens to hundreds of ms).
      // A failure there (the database) is logged: it cannot undo the run's end, stored meanwhile.
      const closing = ends
        ? this.closeContainer(run, null).catch((error: unknown) =>
            this.logger.error({ err: error, runId: run.id }, 'Storing the container exit failed'),
          )
        : null;
      const ended = ends ? this.ended(run, { status: 'completed', reply, error: null }) : null;
      const finished = await this.runs.recordModelCall(
        { ...call, status: 'ok', error: null, ...response.usage, durationMs: Date.now() - startedAt },
        answer,
        { iterations: run.iterations, inputTokens: run.inputTokens, outputTokens: run.outputTokens },
        ended ? { from: ['queued', 'running'], patch: ended } : undefined,
      );
      history.push(answer);
      const { outputTokens } = response.usage;
      await this.budget.noticeSpend(group, answer.contextTokens + outputTokens);
      if (ended && finished) this.announceEnd(run, ended);
      await closing;
      return ends;
    } catch (error) {
      if (!signal.aborted) {
        const message = error instanceof Error ? error.message : String(error);
        await this.runs.recordModelCall(
          {
            ...call,
            status: 'error',
            error: message,
            inputTokens: 0,
            outputTokens: 0,
            cacheCreationTokens: 0,
            cacheReadTokens: 0,
            durationMs: Date.now() - startedAt,
          },
          null,
          {},
        );
      }
      throw error;
    } finally {
      this.budget.release(reservation);
    }
  }

  /** The tools the group's runs may use, each in the revision this run pinned (what the model is shown). */
  private async pinnedTools(group: AgentGroup, pins: Record<string, string>): Promise<Tool[]> {
    const tools = await Promise.all(
      this.tools.available(group.skills).map((tool) => this.tools.pinned(tool.name, pins[tool.name])),
    );
    return tools.filter((tool): tool is Tool => tool !== undefined);
  }

  /**
   * Runs each requested tool once: a call recorded as started but never finished is not run again.
   * A call a gate holds pauses the run; when the run resumes, the gate is asked again for that call.
   * A call that waits for what it started (a delegation) does not stop the others of the turn, so
   * several delegations run in parallel; the run then pauses until they are done, and each such call
   * is asked again when it resumes.
   */
  private async runTools(
    run: Run,
    toolUses: ToolUseBlock[],
    signal: AbortSignal,
    pins: Record<string, string>,
    agentSkills: string[],
  ): Promise<ToolResultBlock[]> {
    const known = new Map((await this.runs.toolCalls(run.id)).map((record) => [record.id, record]));
    const results: ToolResultBlock[] = [];
    const waits: RunWait[] = [];
    for (const use of toolUses) {
      const record = known.get(use.id);
      const context = {
        runId: run.id,
        callId: use.id,
        conversationId: run.conversationId,
        groupId: run.groupId,
        origin: run.origin,
        signal,
        pins,
        agentSkills,
      };
      if (record?.status === 'waiting') {
        // It passed the gates when it first ran; it answers from what it stored.
        const result = await this.executor.run({ id: use.id, name: use.name, input: use.input }, context);
        if (signal.aborted) throw new Error('aborted');
        if (result.wait) waits.push(result.wait);
        else results.push(await this.finishToolCall(use, result));
        continue;
      }
      if (record?.status === 'done') {
        results.push(toolResult(use.id, record.output ?? '', record.isError));
        continue;
      }
      if (record?.status === 'running') {
        const content = `Tool "${use.name}" was interrupted by a gateway restart; it was not run again to avoid doing it twice.`;
        await this.runs.finishToolCall(use.id, { output: content, isError: true, finishedAt: this.clock.now() });
        results.push(toolResult(use.id, content, true));
        continue;
      }
      const call = { id: use.id, name: use.name, input: use.input };
      const verdict = await this.executor.check(call, context);
      if (verdict.kind === 'hold') {
        if (!record) await this.saveToolCall(run, use, 'awaiting_approval', null);
        throw new RunPaused(combineWaits([...waits, verdict.wait]));
      }
      // Marked running before it runs: after a crash this call is reported, not run a second time.
      await this.saveToolCall(run, use, 'running', record ?? null);
      const result = verdict.kind === 'deny' ? verdict.result : await this.executor.run(call, context);
      if (signal.aborted) throw new Error('aborted');
      if (result.wait) {
        await this.runs.updateToolCall(use.id, { status: 'waiting', startedAt: this.clock.now() });
        waits.push(result.wait);
      } else results.push(await this.finishToolCall(use, result));
    }
    if (waits.length > 0) throw new RunPaused(combineWaits(waits));
    return results;
  }

  private async finishToolCall(use: ToolUseBlock, result: ToolResult): Promise<ToolResultBlock> {
    await this.runs.finishToolCall(use.id, {
      output: result.content,
      isError: result.isError ?? false,
      finishedAt: this.clock.now(),
      toolVersion: result.toolVersion ?? null,
    });
    return toolResult(use.id, result.content, result.isError ?? false);
  }

  private async saveToolCall(
    run: Run,
    use: ToolUseBlock,
    status: ToolCallRecord['status'],
    existing: ToolCallRecord | null,
  ): Promise<void> {
    const now = this.clock.now();
    const startedAt = status === 'running' ? now : null;
    if (existing) return this.runs.updateToolCall(use.id, { status, startedAt });
    await this.runs.insertToolCall({
      id: use.id,
      runId: run.id,
      name: use.name,
      input: use.input,
      status,
      output: null,
      isError: false,
      toolVersion: null,
      createdAt: now,
      startedAt,
      finishedAt: null,
    });
  }

  private async finish(run: Run, outcome: Pick<Run, 'status' | 'reply' | 'error'>): Promise<void> {
    // The container ends first, so a run seen finished already says how its container ended.
    await this.closeContainer(run, null);
    const ended = this.ended(run, outcome);
    // From queued too: a run can fail before it has started (its group could not be read).
    if (await this.runs.transition(run.id, ['queued', 'running'], ended)) this.announceEnd(run, ended);
  }

  /** How a run ends: the outcome, when, and how long it took. */
  private ended(run: Run, outcome: Pick<Run, 'status' | 'reply' | 'error'>): RunEnd {
    const finishedAt = this.clock.now();
    return { ...outcome, finishedAt, durationMs: finishedAt.getTime() - (run.startedAt ?? run.createdAt).getTime() };
  }

  /** Once the end is stored: the run's event, and its lifecycle signal (continuations). */
  private announceEnd(run: Run, ended: RunEnd): void {
    const { durationMs } = ended;
    Object.assign(run, ended);
    if (ended.status === 'completed') {
      this.bus.emit('agent:run:complete', {
        runId: run.id,
        conversationId: run.conversationId,
        inputTokens: run.inputTokens,
        outputTokens: run.outputTokens,
        durationMs,
      });
    } else {
      this.bus.emit('agent:run:error', {
        runId: run.id,
        conversationId: run.conversationId,
        error: ended.error ?? '',
        durationMs,
      });
    }
    this.lifecycle.ended(run);
  }

  private async groupFor(run: Run): Promise<AgentGroup> {
    return (
      (run.groupId && (await this.groups.findById(run.groupId))) ||
      this.groups.resolveForChannel(run.origin.channelId ?? null)
    );
  }

  private message(
    run: Run,
    history: ConversationMessage[],
    role: 'user' | 'assistant',
    content: ContentBlock[],
  ): ConversationMessage {
    return {
      id: timeOrderedId(),
      conversationId: run.conversationId,
      runId: run.id,
      seq: (history.at(-1)?.seq ?? 0) + 1,
      role,
      content,
      createdAt: this.clock.now(),
    };
  }

  private async append(
    run: Run,
    history: ConversationMessage[],
    role: 'user' | 'assistant',
    content: ContentBlock[],
  ): Promise<void> {
    const message = this.message(run, history, role, content);
    await this.runs.appendMessage(message);
    history.push(message);
  }
}

function toolResult(toolUseId: string, content: string, isError: boolean): ToolResultBlock {
  return { type: 'tool_result', tool_use_id: toolUseId, content, is_error: isError };
}

/** The tool_use ids of the history's last message when it is an answer whose tool calls got no results. */
function unansweredToolUses(history: ConversationMessage[]): string[] {
  const last = history.at(-1);
  if (last?.role !== 'assistant') return [];
  return last.content.filter((block): block is ToolUseBlock => block.type === 'tool_use').map((block) => block.id);
}

/** The tool calls of the conversation's last message (the run's answer being acted on). */
function lastToolUses(history: ConversationMessage[]): ToolUseBlock[] {
  return (history.at(-1)?.content ?? []).filter((block): block is ToolUseBlock => block.type === 'tool_use');
}

/** The runner asked for exactly this step (the same kind and, for tools, the same calls in order). */
function isStep(step: LoopStep, message: RunnerMessage): boolean {
  if (message['call'] !== step.kind) return false;
  if (step.kind !== 'tools') return true;
  const asked = message['toolUseIds'];
  return (
    Array.isArray(asked) && asked.length === step.toolUseIds.length && asked.every((id, i) => id === step.toolUseIds[i])
  );
}

function describeStep(kind: unknown): string {
  switch (kind) {
    case 'model':
      return 'a model call';
    case 'tools':
      return 'its tool calls';
    case 'finish':
      return "the run's end";
    case 'limit':
      return 'the iteration limit';
    default:
      return JSON.stringify(String(kind).slice(0, 40));
  }
}

/** The text of the run's last answer. */
function lastText(history: ConversationMessage[], runId: string): string | null {
  const answer = history.findLast((message) => message.runId === runId && message.role === 'assistant');
  const text = answer?.content
    .filter((block) => block.type === 'text')
    .map((block) => block.text)
    .join('\n')
    .trim();
  return text || null;
}

/** A generous estimate of a request's input tokens (about four characters a token). */
function estimateTokens(system: string, messages: unknown[]): number {
  return Math.ceil((system.length + JSON.stringify(messages).length) / 4);
}
