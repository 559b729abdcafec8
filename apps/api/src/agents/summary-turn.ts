import type { ConversationMessage } from './entities/conversation-message.entity.js';
import type { ConversationSummary } from './entities/conversation-summary.entity.js';

const HEADER = '[Summary of the earlier conversation';

/**
 * A compacted conversation's summary as the first (user) turn of its history: what the model is sent
 * instead of the messages it covers. It is never stored as a message; its seq is the last one it covers.
 */
export function summaryTurn(summary: ConversationSummary): ConversationMessage {
  return {
    id: summary.id,
    conversationId: summary.conversationId,
    runId: summary.runId,
    seq: summary.coversSeq,
    role: 'user',
    content: [
      {
        type: 'text',
        text: `${HEADER} (up to message ${summary.coversSeq}), written when it grew too long for the context window]\n\n${summary.text}`,
      },
    ],
    createdAt: summary.createdAt,
    contextTokens: null,
  };
}

export function isSummaryTurn(message: ConversationMessage): boolean {
  const first = message.content[0];
  return message.role === 'user' && first?.type === 'text' && first.text.startsWith(HEADER);
}
