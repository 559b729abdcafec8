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
      if (p.state !== 'error' && p.state !== 'logged_out' && p.state !== 'retrying') return null;
      const name = CHANNEL_NAMES[p.channelType];
      const titles = {
        error: `${name} channel failed`,
        retrying: `${name} channel cannot connect; retrying`,
        logged_out: `${name} channel was logged out`,
      };
      return {
        key: `channel:${p.channelId}`,
        kind: 'channel',
        tone: p.state === 'retrying' ? 'warning' : 'error',
        title: titles[p.state],
        detail: p.state === 'logged_out' ? 'Pair it again on the Channels page.' : (p.error ?? 'No reason given.'),
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
