import type { AdapterContext, ChannelAdapter, ChatButton, ReplyTarget, SentButtons } from './channel-adapter.js';

/**
 * An adapter whose module (and the library behind it: Baileys, the mail stack) loads when its channel
 * first runs or sends, so a gateway without such a channel never loads it (start time, idle memory).
 */
export class LazyAdapter implements ChannelAdapter {
  private adapter: Promise<ChannelAdapter> | null = null;

  constructor(private readonly load: () => Promise<ChannelAdapter>) {}

  async run(context: AdapterContext, signal: AbortSignal): Promise<void> {
    return (await this.loaded()).run(context, signal);
  }

  async send(target: ReplyTarget, text: string, buttons?: ChatButton[]): Promise<SentButtons | void> {
    return (await this.loaded()).send(target, text, buttons);
  }

  async closeButtons(sent: SentButtons, note: string): Promise<void> {
    await (await this.loaded()).closeButtons?.(sent, note);
  }

  async typing(target: ReplyTarget): Promise<void> {
    return (await this.loaded()).typing(target);
  }

  async test(signal: AbortSignal): Promise<string> {
    const adapter = await this.loaded();
    if (!adapter.test) throw new Error('This kind of channel has no connection test');
    return adapter.test(signal);
  }

  private loaded(): Promise<ChannelAdapter> {
    // A failed import is tried again next time rather than remembered.
    this.adapter ??= this.load().catch((error: unknown) => {
      this.adapter = null;
      throw error;
    });
    return this.adapter;
  }
}
