import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChannelType } from '@loop-gateway/contracts';

/** apps/api/prompts: the default system prompt and the per-channel style blocks, edited as files. */
export const PROMPTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../prompts');

export function readDefaultSystemPrompt(dir = PROMPTS_DIR): string {
  return readFileSync(join(dir, 'system-prompt.md'), 'utf8').trim();
}

/** Parses `## <channel>` sections of channel-styles.md (HTML comments are ignored). */
export function readChannelStyles(dir = PROMPTS_DIR): Partial<Record<ChannelType, string>> {
  return parseChannelStyles(readFileSync(join(dir, 'channel-styles.md'), 'utf8'));
}

export function parseChannelStyles(markdown: string): Partial<Record<ChannelType, string>> {
  const styles: Partial<Record<ChannelType, string>> = {};
  const sections = markdown
    .replace(/<!--[\s\S]*?-->/g, '')
    .split(/^## +/m)
    .slice(1);
  for (const section of sections) {
    const newline = section.indexOf('\n');
    const channel = section
      .slice(0, newline === -1 ? undefined : newline)
      .trim()
      .toLowerCase() as ChannelType;
    const text = newline === -1 ? '' : section.slice(newline + 1).trim();
    if (channel && text) styles[channel] = text;
  }
  return styles;
}
