import type { ChannelType } from '@loop-gateway/contracts';

export interface PromptSources {
  /** The built-in prompt (prompts/system-prompt.md). */
  defaultPrompt: string;
  /** The built-in style blocks (prompts/channel-styles.md). */
  defaultStyles: Partial<Record<ChannelType, string>>;
}

export interface GroupPrompt {
  systemPrompt: string | null;
  channelStyles: Partial<Record<ChannelType, string>>;
}

/**
 * Channel context injection: the group's prompt (or the default) plus the style block for the channel
 * the message came from — the group's override, else the default. Unknown or no channel: the prompt
 * stays unchanged.
 */
export function buildSystemPrompt(sources: PromptSources, group: GroupPrompt, channelType: string | null): string {
  const base = group.systemPrompt?.trim() || sources.defaultPrompt;
  if (!channelType) return base;
  const style =
    group.channelStyles[channelType as ChannelType]?.trim() || sources.defaultStyles[channelType as ChannelType];
  return style ? `${base}\n\n<channel_context channel="${channelType}">\n${style}\n</channel_context>` : base;
}
