/** The commands a person can send in any channel instead of a message for the agent. */
export const CHAT_COMMANDS = ['new', 'reset', 'status', 'help', 'approve', 'reject'] as const;
export type ChatCommandName = (typeof CHAT_COMMANDS)[number];

export interface ChatCommand {
  name: ChatCommandName;
  /** What follows the command on its line (`/reject 1a2b3c4d too risky` → `1a2b3c4d too risky`). */
  args: string;
}

/**
 * `/cmd` or `!cmd` (Mattermost's own clients take a leading `/` for a server slash command), optionally
 * addressed to a bot (`/new@MyBot`, as Telegram groups send it), then its arguments.
 */
const COMMAND = new RegExp(`^[/!](${CHAT_COMMANDS.join('|')})(?:@[\\w.-]+)?(?:\\s+(.*))?$`, 'i');
/** Commands that take no arguments: `/new idea: cats` is a message for the agent, not a command. */
const NO_ARGS: ChatCommandName[] = ['new', 'reset', 'status', 'help'];

export const START_OVER_REPLY =
  'Started a new conversation: I will not remember what we said before. (The earlier messages are kept in the gateway.)';

export const HELP_REPLY = [
  'Commands (start a message with / or !):',
  '/new — start a new conversation (also /reset)',
  '/status — what I am doing for this chat: running, waiting for an approval, or queued',
  '/approve <id> — approve a held tool call (approvers only)',
  '/reject <id> [reason] — reject a held tool call (approvers only)',
  '/help — this list',
  'Anything else is a message for the agent.',
].join('\n');

/**
 * The command a channel message carries, or null for a message meant for the agent. The command is
 * the message's first line; an email arrives as "Subject: …" and its body, so there the command may
 * be the subject or the body's first line.
 */
export function parseChatCommand(text: string): ChatCommand | null {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const first = lines[0] ?? '';
  if (!/^subject:/i.test(first)) return parseLine(first);
  return parseLine(first.replace(/^subject:\s*((re|aw|fwd?):\s*)*/i, '')) ?? parseLine(lines[1] ?? '');
}

/** Whether a channel message asks to start a fresh conversation (`/new` or `/reset`). */
export function isStartOverCommand(text: string): boolean {
  const command = parseChatCommand(text);
  return command?.name === 'new' || command?.name === 'reset';
}

function parseLine(line: string): ChatCommand | null {
  const match = COMMAND.exec(line);
  if (!match) return null;
  const name = match[1]!.toLowerCase() as ChatCommandName;
  const args = (match[2] ?? '').trim();
  if (args && NO_ARGS.includes(name)) return null;
  return { name, args };
}

/** The short id people type in a chat: the approval id's first 8 characters. */
export function shortApprovalId(id: string): string {
  return id.slice(0, 8);
}
