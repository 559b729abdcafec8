import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ChannelState } from '@loop-gateway/contracts';
import { RunContinuations } from '../agents/run-continuation.js';
import { EventBus } from '../events/event-bus.js';
import { SecretBox } from '../crypto/secret-box.js';
import {
  type AdapterContext,
  type ChannelAdapter,
  ChannelAdapterFactories,
  type ChatButton,
  ChannelAuthError,
  ChannelLoggedOutError,
  ChannelRestartError,
  type LiveStatus,
  type SentButtons,
} from './adapters/channel-adapter.js';
import { AdapterStateStore } from './adapter-state.store.js';
import { ChannelInbox } from './channel-inbox.js';
import { ChannelsRepository } from './channels.repository.js';
import type { Channel } from './entities/channel.entity.js';
import { sleep } from '../common/sleep.js';

const BACKOFF_FIRST_MS = 1_000;
const BACKOFF_MAX_MS = 60_000;
/** How long "Test connection" waits for the far side. */
const TEST_TIMEOUT_MS = 20_000;

interface Running {
  channel: Channel;
  adapter: ChannelAdapter;
  controller: AbortController;
  loop: Promise<void>;
}

/**
 * Runs one adapter per enabled channel: started at boot and whenever a channel is created, changed
 * or enabled; stopped when it is disabled or deleted. A connection that drops is reconnected with
 * exponential backoff (1 s doubling to 60 s, with jitter), the channel `retrying` with the reason and
 * the time of the next attempt meanwhile; credentials the far side rejects leave the channel in
 * `error` with the reason until it is changed; a session the platform ended leaves it
 * `logged_out` until it is paired again. State changes (and each new QR code while waiting for a scan)
 * go out as `channel:status`.
 */
@Injectable()
export class ChannelManager implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ChannelManager.name);
  private readonly running = new Map<string, Running>();
  private readonly statuses = new Map<string, LiveStatus>();
  private stopped = false;
  /** Runs work in the context the manager was made in (at boot, outside any HTTP request). */
  private readonly outsideRequests = AsyncLocalStorage.snapshot();

  constructor(
    private readonly repository: ChannelsRepository,
    private readonly factories: ChannelAdapterFactories,
    private readonly secrets: SecretBox,
    private readonly inbox: ChannelInbox,
    private readonly bus: EventBus,
    private readonly adapterState: AdapterStateStore,
    private readonly continuations: RunContinuations,
  ) {}

  /**
   * A channel message's run has ended: its reply goes out through the channel's adapter. While the
   * channel does not run (disabled, logged out, restarting), the reply waits and goes out when it starts.
   */
  onModuleInit(): void {
    this.continuations.register({
      kind: 'channel-reply',
      durable: true,
      handle: async (run, { channelId, messageId }) => {
        if (!(await this.repository.exists(channelId))) return 'done';
        const running = this.running.get(channelId);
        if (!running) return 'later';
        await this.inbox.reply(running.channel, running.adapter, messageId, run);
        return 'done';
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const channels = (await this.repository.list()).filter((channel) => channel.enabled);
    // A logged-out channel stays so until someone pairs it again (or changes it).
    for (const channel of channels) if (channel.state !== 'logged_out') this.start(channel);
    // Messages a restart interrupted before their run was submitted; the others' runs resumed by
    // themselves, and their replies come from the runs' continuations.
    for (const message of await this.repository.withoutRun(channels.map((c) => c.id))) {
      const running = this.running.get(message.channelId);
      if (running) this.inbox.resume(running.channel, running.adapter, message);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    // A logged-out channel stays logged out across the restart (it is not started at boot).
    const finalState = (id: string) => (this.statuses.get(id)?.state === 'logged_out' ? null : 'stopped');
    await Promise.all([...this.running.keys()].map((id) => this.stop(id, finalState(id))));
    await this.inbox.close();
  }

  /** The live status of a channel (stopped when it does not run). */
  status(channel: Channel): LiveStatus {
    return (
      this.statuses.get(channel.id) ?? {
        state: channel.enabled ? channel.state : 'stopped',
        error: channel.error,
        account: null,
        qr: null,
        retryAt: null,
      }
    );
  }

  /**
   * Pairs the channel again: stops its adapter, forgets what the adapter kept (the WhatsApp session)
   * and starts it afresh, so it shows a new QR code.
   */
  async pair(channel: Channel): Promise<void> {
    await this.stop(channel.id, null);
    await this.adapterState.clear(channel.id);
    if (!this.stopped) this.start(channel);
  }

  /** (Re)starts the channel's adapter with its current settings, or stops it when disabled. */
  async apply(channel: Channel): Promise<void> {
    await this.stop(channel.id, channel.enabled ? null : 'stopped');
    if (channel.enabled && !this.stopped) this.start(channel);
  }

  /** Stops the adapter; `finalState` null leaves the state to whoever starts it next. */
  async stop(channelId: string, finalState: ChannelState | null = 'stopped'): Promise<void> {
    const running = this.running.get(channelId);
    if (!running) return;
    this.running.delete(channelId);
    running.controller.abort();
    await running.loop;
    if (finalState) this.setState(running.channel, finalState, null);
  }

  /**
   * Sends a message the gateway starts (a scheduled job's result) to the channel's allowed senders:
   * the people who may talk to it. null when sent, else why not.
   */
  async announce(channelId: string, text: string): Promise<string | null> {
    const running = this.running.get(channelId);
    if (!running) return `Channel ${channelId} is not running`;
    const recipients = running.channel.allowedSenders;
    if (recipients.length === 0) return `Channel "${running.channel.name}" has no allowed senders to send to`;
    return (await this.notify(channelId, recipients, text)).failure;
  }

  /**
   * Writes to each of these senders of the channel in their direct chat (approvers told of a held
   * call). `failure`: null when every message went out, else why not; `sent`: the messages that carry
   * the buttons, for `closeButtons`.
   */
  async notify(
    channelId: string,
    senders: string[],
    text: string,
    buttons?: ChatButton[],
  ): Promise<{ failure: string | null; sent: SentButtons[] }> {
    const running = this.running.get(channelId);
    if (!running) return { failure: `Channel ${channelId} is not running`, sent: [] };
    const failures: string[] = [];
    const sent: SentButtons[] = [];
    for (const sender of senders) {
      try {
        const chatId = (await running.adapter.directChat?.(sender)) ?? sender;
        const message = await running.adapter.send({ chatId, threadId: null, inReplyTo: null }, text, buttons);
        if (message) sent.push(message);
      } catch (error) {
        failures.push(`${sender}: ${describe(error)}`);
      }
    }
    return { failure: failures.length > 0 ? `Not delivered to ${failures.join('; ')}` : null, sent };
  }

  /** Takes the buttons off messages `notify` sent (their question was answered); best effort, logged. */
  async closeButtons(channelId: string, sent: SentButtons[], note: string): Promise<void> {
    const adapter = this.running.get(channelId)?.adapter;
    if (!adapter?.closeButtons) return;
    for (const message of sent) {
      await adapter.closeButtons(message, note).catch((error: unknown) => {
        this.logger.warn(`Channel ${channelId}: the buttons of message ${message.messageId} stay: ${describe(error)}`);
      });
    }
  }

  /** The running channel and its adapter, or null when it does not run. */
  live(channelId: string): { channel: Channel; adapter: ChannelAdapter } | null {
    const running = this.running.get(channelId);
    return running ? { channel: running.channel, adapter: running.adapter } : null;
  }

  /**
   * Checks the channel's connection without receiving: with its running adapter, or (disabled,
   * stopped) a fresh one made from its settings. What answered, or what failed, as a sentence.
   */
  async test(channel: Channel): Promise<{ ok: boolean; message: string; durationMs: number }> {
    const started = Date.now();
    const timeout = AbortSignal.timeout(TEST_TIMEOUT_MS);
    try {
      const adapter = this.adapterFor(channel);
      if (!adapter.test) throw new Error('This kind of channel has no connection test');
      const message = await Promise.race([
        adapter.test(timeout),
        new Promise<never>((_, reject) =>
          timeout.addEventListener('abort', () => reject(new Error(`No answer within ${TEST_TIMEOUT_MS / 1000} s`))),
        ),
      ]);
      return { ok: true, message, durationMs: Date.now() - started };
    } catch (error) {
      return { ok: false, message: describe(error), durationMs: Date.now() - started };
    }
  }

  /**
   * Forgets a deleted channel, after its adapter undid what it set up on the far side (Mattermost's
   * slash commands). That is best effort: the server may be unreachable, and the channel goes anyway.
   */
  async remove(channel: Channel): Promise<void> {
    try {
      const adapter = this.adapterFor(channel);
      await adapter.forget?.(AbortSignal.timeout(TEST_TIMEOUT_MS));
    } catch (error) {
      this.logger.warn(`Channel "${channel.name}": what it set up on the far side stays: ${describe(error)}`);
    }
    await this.stop(channel.id, null);
    this.statuses.delete(channel.id);
  }

  /** The channel's running adapter, or (disabled, stopped) a fresh one made from its settings. */
  private adapterFor(channel: Channel): ChannelAdapter {
    const running = this.running.get(channel.id);
    if (running) return running.adapter;
    const factory = this.factories.all().find((f) => f.type === channel.type);
    if (!factory) throw new Error(`${channel.type} channels are not supported by this gateway yet`);
    return factory.create(JSON.parse(this.secrets.decrypt(channel.configSealed)) as object, channel);
  }

  private start(channel: Channel): void {
    const factory = this.factories.all().find((f) => f.type === channel.type);
    if (!factory) {
      this.setState(channel, 'error', `${channel.type} channels are not supported by this gateway yet`);
      return;
    }
    let adapter: ChannelAdapter;
    try {
      adapter = factory.create(JSON.parse(this.secrets.decrypt(channel.configSealed)) as object, channel);
    } catch (error) {
      this.setState(channel, 'error', `The channel's settings could not be read: ${describe(error)}`);
      return;
    }
    const controller = new AbortController();
    const running: Running = { channel, adapter, controller, loop: Promise.resolve() };
    // An adapter outlives the request that started it: its logs must not carry that request's id.
    running.loop = this.outsideRequests(() => this.keepRunning(running));
    this.running.set(channel.id, running);
    // Replies that waited for the channel to run go out now.
    void this.outsideRequests(() =>
      this.continuations.dispatchPending('channel-reply').catch((error: unknown) => {
        this.logger.error({ err: error, channelId: channel.id }, 'Waiting channel replies could not be sent');
      }),
    );
  }

  private async keepRunning({ channel, adapter, controller }: Running): Promise<void> {
    const signal = controller.signal;
    let attempt = 0;
    const context: AdapterContext = {
      store: this.adapterState.forChannel(channel.id),
      connected: (account) => {
        attempt = 0;
        this.setState(channel, 'connected', null, { account });
      },
      waitingForQr: (qr) => {
        attempt = 0; // the platform answered: a restart after the scan must not wait out an old backoff
        this.setState(channel, 'waiting_for_qr', null, { qr });
      },
      receive: (message) => this.inbox.receive(channel, adapter, message),
    };
    while (!signal.aborted) {
      this.setState(channel, 'connecting', this.statuses.get(channel.id)?.error ?? null);
      try {
        await adapter.run(context, signal);
        if (signal.aborted) return;
        throw new Error('The connection ended');
      } catch (error) {
        if (signal.aborted) return;
        const reason = describe(error);
        if (error instanceof ChannelLoggedOutError) {
          this.setState(channel, 'logged_out', reason, { account: null });
          this.logger.warn(`Channel ${channel.name} (${channel.id}) logged out: ${reason}`);
          return; // nothing to retry until someone pairs it again
        }
        if (error instanceof ChannelRestartError && attempt === 0) {
          attempt++; // at once, but only once in a row: a platform that keeps asking gets the backoff
          this.logger.log(`Channel ${channel.name} (${channel.id}): ${reason}; reconnecting now`);
          continue;
        }
        if (error instanceof ChannelAuthError) {
          this.setState(channel, 'error', reason);
          this.logger.warn(`Channel ${channel.name} (${channel.id}) stopped: ${reason}`);
          return; // nothing to retry until someone changes the credentials
        }
        const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** attempt) * (0.8 + Math.random() * 0.4);
        attempt++;
        this.setState(channel, 'retrying', reason, { retryAt: new Date(Date.now() + delay) });
        this.logger.warn(`Channel ${channel.name} (${channel.id}): ${reason}; reconnecting in ${Math.round(delay)} ms`);
        await sleep(delay, signal);
      }
    }
  }

  /**
   * Records the live state and tells the console when it changed. The account is kept unless given;
   * the QR code only lives while waiting for a scan, and each new one is news even in the same state.
   * Only the state and error are stored (the QR code is short-lived and stays in memory).
   */
  private setState(
    channel: Channel,
    state: ChannelState,
    error: string | null,
    changes: { account?: string | null; qr?: string; retryAt?: Date } = {},
  ): void {
    const previous = this.statuses.get(channel.id);
    const status: LiveStatus = {
      state,
      error,
      account: changes.account !== undefined ? changes.account : (previous?.account ?? null),
      qr: state === 'waiting_for_qr' ? (changes.qr ?? previous?.qr ?? null) : null,
      retryAt: state === 'retrying' ? (changes.retryAt ?? null) : null,
    };
    this.statuses.set(channel.id, status);
    const stateChanged = !previous || previous.state !== state || previous.error !== error;
    const retryMoved = previous?.retryAt?.getTime() !== status.retryAt?.getTime();
    if (!stateChanged && previous.qr === status.qr && !retryMoved) return;
    this.bus.emit('channel:status', {
      channelId: channel.id,
      channelType: channel.type,
      state,
      error,
      retryAt: status.retryAt?.toISOString() ?? null,
      qr: status.qr,
    });
    if (!stateChanged) return;
    this.repository.update(channel.id, { state, error }).catch((failure: unknown) => {
      this.logger.debug(`Channel ${channel.id}: state not stored: ${describe(failure)}`);
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
