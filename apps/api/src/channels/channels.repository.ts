import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, Not } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { Conversation } from '../agents/entities/conversation.entity.js';
import { Channel } from './entities/channel.entity.js';
import { ChannelMessage } from './entities/channel-message.entity.js';

/** All SQL for channels and their inbound messages. */
@Injectable()
export class ChannelsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get channels() {
    return this.dataSource.getRepository(Channel);
  }

  private get messages() {
    return this.dataSource.getRepository(ChannelMessage);
  }

  list(): Promise<Channel[]> {
    return this.channels.find({ order: { createdAt: 'ASC' } });
  }

  find(id: string): Promise<Channel | null> {
    return this.channels.findOneBy({ id });
  }

  async exists(id: string): Promise<boolean> {
    return (await this.channels.countBy({ id })) > 0;
  }

  findByName(name: string): Promise<Channel | null> {
    return this.channels.findOneBy({ name });
  }

  async insert(channel: Channel): Promise<void> {
    await this.channels.insert(channel as QueryDeepPartialEntity<Channel>);
  }

  async update(id: string, patch: Partial<Channel>): Promise<void> {
    await this.channels.update({ id }, patch as QueryDeepPartialEntity<Channel>);
  }

  async remove(id: string): Promise<void> {
    await this.channels.delete({ id });
  }

  /**
   * Stores an inbound message unless the channel already has one with its external id. Returns
   * false for such a redelivery. One INSERT on the hot path; the unique index decides.
   */
  async insertMessage(message: ChannelMessage): Promise<boolean> {
    try {
      await this.messages.insert(message as QueryDeepPartialEntity<ChannelMessage>);
      return true;
    } catch (error) {
      const known = await this.messages.countBy({ channelId: message.channelId, externalId: message.externalId });
      if (known > 0) return false;
      throw error;
    }
  }

  findMessage(id: string): Promise<ChannelMessage | null> {
    return this.messages.findOneBy({ id });
  }

  async updateMessage(id: string, patch: Partial<ChannelMessage>): Promise<void> {
    await this.messages.update({ id }, patch as QueryDeepPartialEntity<ChannelMessage>);
  }

  recentMessages(channelId: string, limit: number): Promise<ChannelMessage[]> {
    return this.messages.find({ where: { channelId }, order: { receivedAt: 'DESC' }, take: limit });
  }

  /** The conversation the chat's latest answered message belongs to, so a chat keeps its context. */
  async conversationOf(channelId: string, chatId: string, threadId: string | null): Promise<string | null> {
    const latest = await this.messages
      .createQueryBuilder('m')
      .innerJoin(Conversation, 'c', 'c.id = m.conversation_id')
      .select('m.conversation_id', 'conversationId')
      .addSelect('c.closed_at', 'closedAt')
      .where('m.channel_id = :channelId AND m.chat_id = :chatId', { channelId, chatId })
      .andWhere(threadId === null ? 'm.thread_id IS NULL' : 'm.thread_id = :threadId', { threadId })
      .orderBy('m.received_at', 'DESC')
      .limit(1)
      .getRawOne<{ conversationId: string; closedAt: unknown }>();
    // A closed conversation (`/new`) is not continued: the next message starts a fresh one.
    return latest && !latest.closedAt ? latest.conversationId : null;
  }

  /** The chat's messages whose run is under way (submitted, not yet answered), oldest first. */
  inProgress(channelId: string, chatId: string): Promise<ChannelMessage[]> {
    return this.messages.find({
      where: { channelId, chatId, status: 'received', runId: Not(IsNull()) },
      order: { receivedAt: 'ASC' },
      take: 20,
    });
  }

  /** The message a run answers, if a channel message started it. */
  messageOfRun(runId: string): Promise<ChannelMessage | null> {
    return this.messages.findOneBy({ runId });
  }

  /** Channels marked as the approvals chat. */
  approvalsChats(): Promise<Channel[]> {
    return this.channels.findBy({ approvalsChat: true, enabled: true });
  }

  /** Messages stored whose run was never submitted (a restart interrupted them). */
  withoutRun(channelIds: string[]): Promise<ChannelMessage[]> {
    if (channelIds.length === 0) return Promise.resolve([]);
    return this.messages.find({
      where: { channelId: In(channelIds), status: 'received', runId: IsNull() },
      order: { receivedAt: 'ASC' },
    });
  }
}
