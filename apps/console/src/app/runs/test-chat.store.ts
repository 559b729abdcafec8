import { DestroyRef, Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import { createRun, getRun, type RunDetailResponseDto } from '@loop-gateway/api-client';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { GatewaySocket } from '../core/realtime/gateway-socket';
import { SessionStore } from '../core/session/session.store';
import {
  type ApprovalEvent,
  type RunEvent,
  type RunStatus,
  isApprovalEvent,
  isFinished,
  isRunEvent,
  statusAfterApproval,
} from './run-format';

/** One exchange of the test chat: what the operator sent and what the agent answers. */
export interface ChatTurn {
  /** Local key (the run id is only known once the gateway accepted the message). */
  key: number;
  message: string;
  runId: string | null;
  /** 'sending' until POST /api/runs answers. */
  status: RunStatus | 'sending';
  /** The streamed text so far; the run's final reply once it has finished. */
  reply: string;
  error: string | null;
  /** The tool whose call waits for a person's approval (while the run is awaiting approval). */
  heldTool: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  durationMs: number | null;
}

/** A live event the chat follows: about a run, or a call of it held for approval. */
type ChatEvent = RunEvent | ApprovalEvent;

/** Events kept for runs whose id is not known yet (bounded). */
const EARLY_EVENT_LIMIT = 1000;

/**
 * Applies a live run event to the turn of that run. Returns null when no turn has that run id (the
 * event belongs to another run, or arrived before POST /api/runs answered with the id).
 */
export function applyChatEvent(turns: readonly ChatTurn[], event: RunEvent): readonly ChatTurn[] | null {
  const index = turns.findIndex((turn) => turn.runId === event.payload.runId);
  if (index < 0) return null;
  const turn = turns[index]!;
  let next: ChatTurn = turn;
  switch (event.event) {
    case 'agent:run:start':
      if (!isFinished(turn.status)) next = { ...turn, status: 'running' };
      break;
    case 'agent:run:text':
      next = {
        ...turn,
        reply: turn.reply + event.payload.delta,
        status: isFinished(turn.status) ? turn.status : 'running',
      };
      break;
    case 'agent:run:complete':
      next = {
        ...turn,
        status: 'completed',
        inputTokens: event.payload.inputTokens,
        outputTokens: event.payload.outputTokens,
        durationMs: event.payload.durationMs,
      };
      break;
    case 'agent:run:error':
      next = { ...turn, status: 'failed', error: event.payload.error, durationMs: event.payload.durationMs };
      break;
    case 'agent:run:cancelled':
      next = {
        ...turn,
        status: 'cancelled',
        error: `Cancelled by ${event.payload.cancelledBy}`,
        durationMs: event.payload.durationMs,
      };
      break;
  }
  return turns.map((t, i) => (i === index ? next : t));
}

/**
 * A call of the turn's run held for approval (the run waits), or decided (it goes on). Returns null
 * when no turn has that run id.
 */
export function applyChatApproval(turns: readonly ChatTurn[], event: ApprovalEvent): readonly ChatTurn[] | null {
  const index = turns.findIndex((turn) => turn.runId === event.payload.runId);
  if (index < 0) return null;
  const turn = turns[index]!;
  if (isFinished(turn.status)) return turns;
  const next: ChatTurn = {
    ...turn,
    status: statusAfterApproval(turn.status, event),
    heldTool: event.event === 'approval:required' ? event.payload.toolName : null,
  };
  return turns.map((t, i) => (i === index ? next : t));
}

/**
 * The finished run as stored: final reply, status (refused vs failed), error and usage. A refusal
 * (a used-up budget) is its reply too: it is shown once, as the reply.
 */
export function applyRunDetail(turns: readonly ChatTurn[], run: RunDetailResponseDto): readonly ChatTurn[] {
  return turns.map((turn) =>
    turn.runId === run.id
      ? {
          ...turn,
          status: run.status,
          reply: run.reply ?? turn.reply,
          error: run.error !== null && run.error === (run.reply ?? turn.reply) ? null : run.error,
          heldTool: null,
          inputTokens: run.inputTokens,
          outputTokens: run.outputTokens,
          durationMs: run.durationMs,
        }
      : turn,
  );
}

/**
 * The test chat on the runs page: sends messages as runs (POST /api/runs), continues the same
 * conversation for follow-ups, and assembles each reply from the live `agent:run:text` deltas of its
 * run. When the run ends, the stored run is fetched for the final reply and usage. The conversation
 * survives page changes and ends with the session.
 */
@Injectable({ providedIn: 'root' })
export class TestChatStore {
  private readonly api = inject(API_CLIENT);
  private readonly socket = inject(GatewaySocket);

  private readonly list = signal<readonly ChatTurn[]>([]);
  private readonly conversation = signal<string | null>(null);
  private readonly group = signal<string | null>(null);
  private readonly earlyEvents: ChatEvent[] = [];
  private sending = 0;
  private nextKey = 1;
  /** The text streams this chat watches: every run's while a message is sent, then each unfinished run's. */
  private readonly watching = new Map<string, () => void>();

  readonly turns = this.list.asReadonly();
  /** The conversation follow-ups continue (null: the next message starts a new one). */
  readonly conversationId = this.conversation.asReadonly();
  /** The agent group the conversation was started with (null: the default group). */
  readonly groupId = this.group.asReadonly();
  /** A message is on its way or its run has not finished. */
  readonly busy = computed(() => this.list().some((turn) => turn.status === 'sending' || !isFinished(turn.status)));

  constructor() {
    const subscription = this.socket.events.subscribe((event) => {
      if (isRunEvent(event) || isApprovalEvent(event)) this.receive(event);
    });
    const stopListening = inject(SessionStore).onEnd(() => this.reset());
    // Events are lost while the live connection is down: ask the gateway about unfinished runs again.
    effect(() => {
      if (this.socket.state() === 'connected') untracked(() => void this.refreshUnfinished());
    });
    inject(DestroyRef).onDestroy(() => {
      subscription.unsubscribe();
      stopListening();
    });
  }

  /** Sends a message; the first one of a conversation may pick the agent group. */
  async send(text: string, groupId: string | null = null): Promise<void> {
    const message = text.trim();
    if (!message) return;
    const conversationId = this.conversation();
    const key = this.nextKey++;
    this.list.update((turns) => [
      ...turns,
      {
        key,
        message,
        runId: null,
        status: 'sending',
        reply: '',
        error: null,
        heldTool: null,
        inputTokens: null,
        outputTokens: null,
        durationMs: null,
      },
    ]);
    const body = conversationId ? { message, conversationId } : groupId ? { message, groupId } : { message };
    this.sending++;
    // The run's id comes with the answer, and its text may stream before that.
    const watchingAll = this.socket.watchText('*');
    const { data, error } = await createRun({ client: this.api, body }).finally(() => this.sending--);
    if (data && !isFinished(data.status)) this.watch(data.runId);
    watchingAll();
    if (!data) {
      this.patch(key, { status: 'failed', error: apiErrorMessage(error, 'The gateway did not accept the message.') });
    } else {
      if (!conversationId) {
        this.conversation.set(data.conversationId);
        this.group.set(groupId);
      }
      this.patch(key, { runId: data.runId, status: data.status });
      // Events the gateway pushed before its answer to POST /api/runs arrived.
      for (const event of this.earlyEvents.filter((e) => e.payload.runId === data.runId)) this.apply(event);
    }
    if (this.sending === 0) this.earlyEvents.length = 0;
  }

  /** Starts over: the next message opens a new conversation. */
  reset(): void {
    this.watching.forEach((stop) => stop());
    this.watching.clear();
    this.list.set([]);
    this.conversation.set(null);
    this.group.set(null);
    this.earlyEvents.length = 0;
  }

  private receive(event: ChatEvent): void {
    if (this.apply(event)) return;
    if (this.sending > 0) {
      this.earlyEvents.push(event);
      if (this.earlyEvents.length > EARLY_EVENT_LIMIT) this.earlyEvents.shift();
    }
  }

  /** false when the event is not for a run of this chat. */
  private apply(event: ChatEvent): boolean {
    const next = isApprovalEvent(event) ? applyChatApproval(this.list(), event) : applyChatEvent(this.list(), event);
    if (!next) return false;
    this.list.set(next);
    if (isRunEvent(event) && event.event !== 'agent:run:start' && event.event !== 'agent:run:text') {
      this.unwatch(event.payload.runId); // it has ended
    }
    if (event.event === 'agent:run:complete' || event.event === 'agent:run:error') {
      void this.fetchFinal(event.payload.runId);
    }
    return true;
  }

  private async fetchFinal(runId: string): Promise<void> {
    const { data } = await getRun({ client: this.api, path: { id: runId } });
    if (data && isFinished(data.status)) {
      this.list.update((turns) => applyRunDetail(turns, data));
      this.unwatch(runId); // it ended while the connection was down
    }
  }

  private watch(runId: string): void {
    if (!this.watching.has(runId)) this.watching.set(runId, this.socket.watchText(runId));
  }

  private unwatch(runId: string): void {
    this.watching.get(runId)?.();
    this.watching.delete(runId);
  }

  private async refreshUnfinished(): Promise<void> {
    const open = this.list().filter((turn) => turn.runId && turn.status !== 'sending' && !isFinished(turn.status));
    await Promise.all(open.map((turn) => this.fetchFinal(turn.runId!)));
  }

  private patch(key: number, changes: Partial<ChatTurn>): void {
    this.list.update((turns) => turns.map((turn) => (turn.key === key ? { ...turn, ...changes } : turn)));
  }
}
