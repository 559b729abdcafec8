import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { timeOrderedId } from '../common/time-ordered-id.js';
import { AppConfig } from '../config/app-config.js';
import { EventBus } from '../events/event-bus.js';
import type { AgentGroup } from '../groups/entities/agent-group.entity.js';
import { GroupsService } from '../groups/groups.service.js';
import type { ModelCall } from '../usage/entities/model-call.entity.js';
import { fixedTokens, messageTokens, requestTokens } from './context-window.js';
import type { ConversationMessage } from './entities/conversation-message.entity.js';
import type { ConversationSummary } from './entities/conversation-summary.entity.js';
import type { Run } from './entities/run.entity.js';
import {
  type ChatMessage,
  type ContentBlock,
  ModelCallError,
  ModelProvider,
  type ModelRequest,
} from './model/model-provider.js';
import { RunsRepository } from './runs.repository.js';
import { describeBlock } from './transcript.js';
import { isSummaryTurn, summaryTurn } from './summary-turn.js';

/** A model request without its messages: what `fit` sizes the messages for. */
export type PromptParts = Omit<ModelRequest, 'messages'>;

const SUMMARY_PROMPT = [
  'You summarize a conversation between a user and an AI assistant, so that the assistant can go on',
  'with it without the full history. Write in the language of the conversation. Keep what the',
  'assistant will need: who the user is and what they want, facts and figures, decisions, open',
  'questions and tasks, and anything the assistant promised; keep names, numbers, dates, links and',
  'identifiers exactly. If the transcript starts with an earlier summary, fold it in. Add nothing',
  'that is not in the transcript. Answer with the summary only.',
].join(' ');

/** Characters of one content block in the summary request's transcript. */
const TRANSCRIPT_BLOCK_CHARS = 2000;

/** Whether a model error is the API's 400 for a request longer than the window. */
export function isPromptTooLong(error: unknown): boolean {
  return error instanceof ModelCallError && error.status === 400 && /prompt is too long/i.test(error.message);
}

/**
 * Where to split a history for compaction: the index of the first message kept verbatim. Only a user
 * turn that carries no tool results can start the kept part (the Messages API wants a user turn
 * first, and a tool_result must follow its tool_use), and something besides an earlier summary must
 * be left to summarize. Keeps as much as fits `keepTokens`, else only the last such turn; -1 when
 * there is no such split.
 */
export function splitIndex(history: ConversationMessage[], tokens: number[], keepTokens: number): number {
  let suffix = tokens.reduce((sum, value) => sum + value, 0);
  let last = -1;
  let olderHasMessages = false;
  for (let i = 0; i < history.length; i++) {
    if (i > 0) {
      suffix -= tokens[i - 1]!;
      olderHasMessages ||= !isSummaryTurn(history[i - 1]!);
    }
    const message = history[i]!;
    const freshUserTurn = message.role === 'user' && message.content.every((block) => block.type !== 'tool_result');
    if (i === 0 || !freshUserTurn || !olderHasMessages) continue;
    if (suffix <= keepTokens) return i;
    last = i;
  }
  return last;
}

/**
 * A message as sent, at most `maxTokens` (about four characters a token): text and tool results
 * past the limit are cut, with a note saying so; the stored message is not changed.
 */
export function cutMessage({ role, content }: ChatMessage, maxTokens: number): ChatMessage {
  if (typeof content === 'string' || messageTokens({ role, content }) <= maxTokens) return { role, content };
  // Room for the text itself: each block's JSON and a possible note take about 300 characters.
  let room = Math.max(0, maxTokens * 4 - 300 * content.length - 50);
  const cutContent = content.map((block): ContentBlock => {
    const text = block.type === 'text' ? block.text : block.type === 'tool_result' ? block.content : null;
    if (text === null) {
      room -= JSON.stringify(block).length;
      return block;
    }
    const keep = Math.max(0, Math.min(text.length, room));
    room -= keep;
    if (keep === text.length) return block;
    const note =
      `${keep > 0 ? '\n\n' : ''}[Cut by the gateway: this ${block.type === 'text' ? 'message' : 'tool result'} ` +
      `was ${text.length} characters, too long for the model's context window; only the first ${keep} were sent.]`;
    const cut = text.slice(0, keep) + note;
    if (block.type === 'text') return { ...block, text: cut };
    return block.type === 'tool_result' ? { ...block, content: cut } : block;
  });
  return { role, content: cutContent };
}

/**
 * Keeps what a run sends inside the model's context window. Before each model call it sizes the
 * request; past the threshold (CONTEXT_COMPACT_PERCENT of the window, counting max_tokens) it has the
 * model summarize the older part of the conversation (a model call of its own, recorded in usage),
 * stores the summary with the last message it covers and sends the summary plus the recent turns.
 * The stored history is never changed.
 */
@Injectable()
export class ConversationCompactor {
  private readonly logger = new Logger(ConversationCompactor.name);

  constructor(
    private readonly runs: RunsRepository,
    private readonly model: ModelProvider,
    private readonly groups: GroupsService,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /**
   * The messages to send for `history`, compacting it first (in place: the summary replaces the
   * older turns) when the request would pass the threshold. `harder` is for a retry after the API
   * said "prompt is too long" (the window is smaller than the estimate thought): it compacts
   * whatever the estimate says, aiming at half of the messages just sent.
   */
  async fit(
    run: Run,
    group: AgentGroup,
    prompt: PromptParts,
    history: ConversationMessage[],
    signal: AbortSignal,
    harder = false,
  ): Promise<ChatMessage[]> {
    const window = this.groups.contextWindowFor(group, prompt.model);
    const threshold = Math.floor(window * this.config.contextCompactAt);
    const fixed = fixedTokens(prompt.system, prompt.tools);
    // Room for messages under the threshold; never so little that a turn cannot be sent at all.
    const room = Math.max(threshold - fixed - prompt.maxTokens, Math.floor(window * 0.1));
    const send = (cap: number) => history.map((message) => cutMessage(message, Math.floor(cap / 2)));
    let sent = send(room);
    const before = requestTokens(prompt.system, prompt.tools, history, sent);
    if (!harder && before + prompt.maxTokens <= threshold) return sent;

    const target = harder ? Math.min(room, Math.floor(Math.max(0, before - fixed) / 2)) : room;
    if (harder) sent = send(target);
    const summaryMaxTokens = Math.min(4096, Math.max(128, Math.floor(target / 8)));
    // The summary request must fit too: the transcript gets at most 60 % of the window (or the target).
    const transcriptTokens = harder ? target : Math.floor((window - summaryMaxTokens) * 0.6);
    const keepTokens = Math.floor(Math.max(0, target - summaryMaxTokens) / 2);
    const split = splitIndex(history, sent.map(messageTokens), keepTokens);
    if (split <= 0) return sent; // one turn and its tool rounds: only cutting helps
    const older = history.slice(0, split);
    const { text, call } = await this.summarize(run, group, prompt, older, transcriptTokens, summaryMaxTokens, signal);
    const lastSeq = history.at(-1)!.seq;
    const summary: ConversationSummary = {
      id: timeOrderedId(),
      conversationId: run.conversationId,
      runId: run.id,
      coversSeq: older.at(-1)!.seq,
      text,
      summarizedMessages: older.filter((message) => !isSummaryTurn(message)).length,
      tokensBefore: before,
      tokensAfter: 0,
      createdAt: this.clock.now(),
    };
    history.splice(0, split, summaryTurn(summary));
    for (const message of history) message.contextTokens = null;
    sent = send(target);
    summary.tokensAfter = requestTokens(prompt.system, prompt.tools, history, sent);
    await this.runs.recordSummary(call, summary, lastSeq, {
      inputTokens: run.inputTokens,
      outputTokens: run.outputTokens,
    });
    this.bus.emit('conversation:compacted', {
      conversationId: run.conversationId,
      runId: run.id,
      summarizedMessages: summary.summarizedMessages,
      tokensBefore: summary.tokensBefore,
      tokensAfter: summary.tokensAfter,
    });
    this.logger.debug(
      `Conversation ${run.conversationId}: ${summary.summarizedMessages} messages summarized, ${before} → ${summary.tokensAfter} tokens`,
    );
    return sent;
  }

  /** The summary call: the older turns as a transcript (the newest that fit), recorded in usage. */
  private async summarize(
    run: Run,
    group: AgentGroup,
    prompt: PromptParts,
    older: ConversationMessage[],
    transcriptTokens: number,
    maxTokens: number,
    signal: AbortSignal,
  ): Promise<{ text: string; call: ModelCall }> {
    const request: ModelRequest = {
      model: prompt.model,
      system: SUMMARY_PROMPT,
      messages: [{ role: 'user', content: [{ type: 'text', text: transcript(older, transcriptTokens) }] }],
      tools: [],
      maxTokens,
      apiKey: prompt.apiKey,
      promptCache: false,
    };
    const startedAt = Date.now();
    const call: ModelCall = {
      id: timeOrderedId(),
      runId: run.id,
      groupId: group.id,
      channelType: run.origin.channelType ?? null,
      model: prompt.model,
      createdAt: this.clock.now(),
      status: 'ok',
      error: null,
      inputTokens: 0,
      outputTokens: 0,
      cacheCreationTokens: 0,
      cacheReadTokens: 0,
      durationMs: 0,
    };
    try {
      const response = await this.model.call(request, { signal });
      const text = response.content
        .map((block) => (block.type === 'text' ? block.text : ''))
        .join('\n')
        .trim();
      Object.assign(call, response.usage, { durationMs: Date.now() - startedAt });
      run.inputTokens += response.usage.inputTokens;
      run.outputTokens += response.usage.outputTokens;
      if (!text) throw new ModelCallError('The conversation summary came back empty', null);
      return { text, call };
    } catch (error) {
      if (!signal.aborted) {
        const message = error instanceof Error ? error.message : String(error);
        await this.runs.recordSummary(
          { ...call, status: 'error', error: `Summary: ${message}`, durationMs: Date.now() - startedAt },
          null,
          0,
          { inputTokens: run.inputTokens, outputTokens: run.outputTokens },
        );
      }
      throw error;
    }
  }
}

/**
 * The older turns as lines for the summary request, within `tokens`: an earlier summary first, then
 * the newest messages that fit, with a note of how many older ones were left out.
 */
function transcript(older: ConversationMessage[], tokens: number): string {
  let room = Math.max(0, tokens - fixedTokens(SUMMARY_PROMPT, [])) * 4;
  const earlier = older[0] && isSummaryTurn(older[0]) ? older[0] : null;
  const messages = earlier ? older.slice(1) : older;
  const head = earlier ? [describeBlock(earlier.content[0]!, Math.floor(room / 2))] : [];
  room -= head[0]?.length ?? 0;
  const lines: string[] = [];
  let i = messages.length - 1;
  for (; i >= 0; i--) {
    const message = messages[i]!;
    const text = message.content.map((block) => describeBlock(block, TRANSCRIPT_BLOCK_CHARS)).join('\n');
    const line = `${message.role}: ${text}`;
    if (line.length + 1 > room) break;
    room -= line.length + 1;
    lines.unshift(line);
  }
  const note = i >= 0 ? [`(${i + 1} older messages left out: too long to summarize at once)`] : [];
  return ['Summarize this conversation:', '', ...head, ...note, ...lines].join('\n');
}
