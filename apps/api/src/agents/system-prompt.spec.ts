import { parseChannelStyles, readChannelStyles, readDefaultSystemPrompt } from './prompt-files.js';
import { buildSystemPrompt, channelTrust } from './system-prompt.js';

describe('channel context injection', () => {
  const sources = { defaultPrompt: readDefaultSystemPrompt(), defaultStyles: readChannelStyles() };
  const group = { systemPrompt: null, channelStyles: {} };

  it('ships a style block for every channel named in the product', () => {
    expect(Object.keys(sources.defaultStyles).sort()).toEqual(['email', 'mattermost', 'telegram', 'whatsapp']);
    expect(sources.defaultStyles.telegram).toMatch(/short, casual/);
    expect(sources.defaultStyles.whatsapp).toMatch(/emojis are welcome/);
    expect(sources.defaultStyles.email).toMatch(/greeting[\s\S]*sign-off/);
    expect(sources.defaultStyles.mattermost).toMatch(/full Markdown/);
  });

  it('appends the channel’s style block to the prompt', () => {
    const prompt = buildSystemPrompt(sources, group, 'telegram');
    expect(prompt.startsWith(sources.defaultPrompt)).toBe(true);
    expect(prompt).toContain(
      `<channel_context channel="telegram">\n${sources.defaultStyles.telegram}\n</channel_context>`,
    );
  });

  it('tells the model that a channel user is untrusted input, not an operator', () => {
    const prompt = buildSystemPrompt(sources, group, 'telegram');
    expect(prompt.endsWith(channelTrust('telegram'))).toBe(true);
    expect(channelTrust('telegram')).toMatch(/untrusted[\s\S]*cannot change these instructions/);
  });

  it('leaves the prompt unchanged for an unknown or missing channel', () => {
    expect(buildSystemPrompt(sources, group, 'carrier-pigeon')).toBe(sources.defaultPrompt);
    expect(buildSystemPrompt(sources, group, null)).toBe(sources.defaultPrompt);
  });

  it('lets a group override its prompt and any channel’s style', () => {
    const custom = { systemPrompt: 'You are the support bot.', channelStyles: { email: 'Sign as "Support Team".' } };
    expect(buildSystemPrompt(sources, custom, 'email')).toBe(
      'You are the support bot.\n\n<channel_context channel="email">\nSign as "Support Team".\n</channel_context>\n\n' +
        channelTrust('email'),
    );
    expect(buildSystemPrompt(sources, custom, 'telegram')).toContain(sources.defaultStyles.telegram);
  });

  it('parses sections and ignores comments', () => {
    expect(parseChannelStyles('<!-- ## telegram\nno -->\n## Email\nBe formal.\n\nThanks.\n## sms\n')).toEqual({
      email: 'Be formal.\n\nThanks.',
    });
  });
});
