import type { GatewayEvent } from '@loop-gateway/contracts';
import { CHANNEL_NAMES } from '../activity/event-summary';
import type { AttentionToast } from './attention.store';

const count = (n: number) => n.toLocaleString('en-US');

/** The toast an event raises, or null when the event needs no one. */
export function attentionFor(event: GatewayEvent): AttentionToast | null {
  switch (event.event) {
    case 'approval:required': {
      const p = event.payload;
      return {
        key: `approval:${p.approvalId}`,
        kind: 'approval',
        tone: 'warning',
        title: `Approval needed: ${p.toolName}`,
        detail: p.reason,
        link: '/approvals',
        approvalId: p.approvalId,
      };
    }
    case 'channel:status': {
      const p = event.payload;
      if (p.state !== 'error' && p.state !== 'logged_out') return null;
      const name = CHANNEL_NAMES[p.channelType];
      return {
        key: `channel:${p.channelId}`,
        kind: 'channel',
        tone: 'error',
        title: p.state === 'error' ? `${name} channel failed` : `${name} channel was logged out`,
        detail: p.state === 'error' ? (p.error ?? 'No reason given.') : 'Pair it again on the Channels page.',
        link: '/channels',
      };
    }
    case 'budget:threshold': {
      const p = event.payload;
      const window = p.period === 'day' ? 'daily' : 'monthly';
      const used = `${count(p.usedTokens)} of ${count(p.budgetTokens)} tokens`;
      return {
        key: `budget:${p.groupId}:${p.period}`,
        kind: 'budget',
        tone: p.percent >= 100 ? 'error' : 'warning',
        title: `"${p.groupName}" ${p.percent >= 100 ? 'used up' : `used ${p.percent} % of`} its ${window} budget`,
        detail:
          p.percent >= 100
            ? `${used}: its runs are refused until the ${p.period === 'day' ? 'day' : 'month'} ends.`
            : `${used} so far.`,
        link: '/usage',
      };
    }
    default:
      return null;
  }
}
