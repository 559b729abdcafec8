import { Auth1763700000000 } from './1763700000000-auth.js';
import { AgentGroups1763800000000 } from './1763800000000-agent-groups.js';
import { Runs1763900000000 } from './1763900000000-runs.js';
import { BudgetUsageIndex1764000000000 } from './1764000000000-budget-usage-index.js';
import { Approvals1764100000000 } from './1764100000000-approvals.js';
import { Webhooks1764200000000 } from './1764200000000-webhooks.js';
import { Tasks1764300000000 } from './1764300000000-tasks.js';
import { Scheduler1764400000000 } from './1764400000000-scheduler.js';
import { Channels1764500000000 } from './1764500000000-channels.js';
import { Calendars1764600000000 } from './1764600000000-calendars.js';
import { ChannelAdapterState1764700000000 } from './1764700000000-channel-adapter-state.js';
import { ChannelMessageReplyContext1764800000000 } from './1764800000000-channel-message-reply-context.js';
import { sealCalendarPasswords } from './1764900000000-seal-calendar-passwords.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import { ConversationContext1764950000000 } from './1764950000000-conversation-context.js';
import { ExfiltrationGuard1764960000000 } from './1764960000000-exfiltration-guard.js';
import { RunControl1764970000000 } from './1764970000000-run-control.js';
import { ApiKeys1765000000000 } from './1765000000000-api-keys.js';
import { SkillVersions1765100000000 } from './1765100000000-skill-versions.js';
import { McpServers1765200000000 } from './1765200000000-mcp-servers.js';
import { RunContainers1765300000000 } from './1765300000000-run-containers.js';
import { Agents1765400000000 } from './1765400000000-agents.js';
import { ActivityEvents1765500000000 } from './1765500000000-activity-events.js';
import { ChatApprovals1765600000000 } from './1765600000000-chat-approvals.js';
import { SkillTriesAndPins1765700000000 } from './1765700000000-skill-tries-and-pins.js';
import { RunsExplorer1766100000000 } from './1766100000000-runs-explorer.js';
import { JobRunDelivery1766200000000 } from './1766200000000-job-run-delivery.js';
import { RunsStatusIndex1766500000000 } from './1766500000000-runs-status-index.js';
import { PartialRunIndexes1766600000000 } from './1766600000000-partial-run-indexes.js';

/**
 * Every migration, in order. A feature adds its own file here; never edit one that has shipped.
 * Some seal stored secrets, so the list is built with the SecretBox.
 */
export const migrations = (secrets: SecretBox) => [
  Auth1763700000000,
  AgentGroups1763800000000,
  Runs1763900000000,
  BudgetUsageIndex1764000000000,
  Approvals1764100000000,
  Webhooks1764200000000,
  Tasks1764300000000,
  Scheduler1764400000000,
  Channels1764500000000,
  Calendars1764600000000,
  ChannelAdapterState1764700000000,
  ChannelMessageReplyContext1764800000000,
  sealCalendarPasswords(secrets),
  ConversationContext1764950000000,
  ExfiltrationGuard1764960000000,
  RunControl1764970000000,
  ApiKeys1765000000000,
  SkillVersions1765100000000,
  McpServers1765200000000,
  RunContainers1765300000000,
  Agents1765400000000,
  ActivityEvents1765500000000,
  ChatApprovals1765600000000,
  SkillTriesAndPins1765700000000,
  RunsExplorer1766100000000,
  JobRunDelivery1766200000000,
  RunsStatusIndex1766500000000,
  PartialRunIndexes1766600000000,
];
