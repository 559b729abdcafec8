import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
  type OnModuleInit,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock.js';
import { SecretBox } from '../crypto/secret-box.js';
import { ChannelDirectory } from '../groups/channel-directory.js';
import { GroupsService } from '../groups/groups.service.js';
import { ChannelAdapterFactories, type ChannelAdapterFactory } from './adapters/channel-adapter.js';
import { ChannelManager } from './channel-manager.js';
import { ChannelsRepository } from './channels.repository.js';
import type {
  ChannelCreateDto,
  ChannelMessageResponseDto,
  ChannelResponseDto,
  ChannelTestResponseDto,
  ChannelUpdateDto,
  CreatableChannelType,
} from './dto/channel.dto.js';
import type { Channel } from './entities/channel.entity.js';
import type { ChannelMessage } from './entities/channel-message.entity.js';

@Injectable()
export class ChannelsService implements OnModuleInit {
  constructor(
    private readonly repository: ChannelsRepository,
    private readonly manager: ChannelManager,
    private readonly factories: ChannelAdapterFactories,
    private readonly groups: GroupsService,
    private readonly directory: ChannelDirectory,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
  ) {}

  /** Assigning a channel to a group now checks that the channel exists. */
  onModuleInit(): void {
    this.directory.register((id) => this.repository.exists(id));
  }

  async list(): Promise<ChannelResponseDto[]> {
    const [channels, assignments] = await Promise.all([this.repository.list(), this.groups.assignments()]);
    return channels.map((channel) => this.toResponse(channel, assignments.get(channel.id) ?? null));
  }

  async get(id: string): Promise<ChannelResponseDto> {
    const channel = await this.require(id);
    return this.toResponse(channel, await this.groups.groupOfChannel(id));
  }

  async create(body: ChannelCreateDto): Promise<ChannelResponseDto> {
    const factory = this.factoryFor(body.type);
    const config = this.validConfig(factory, body.config);
    const allowedSenders = this.validSenders(factory, body.allowedSenders ?? []);
    await this.requireGroup(body.groupId);
    await this.requireFreeName(body.name);
    const now = this.clock.now();
    const channel: Channel = {
      id: randomUUID(),
      type: body.type,
      name: body.name,
      configSealed: this.secrets.encrypt(JSON.stringify(config)),
      allowedSenders,
      approvers: this.validSenders(factory, body.approvers ?? [], 'approvers'),
      approvalsChat: body.approvalsChat ?? false,
      enabled: body.enabled ?? true,
      state: 'stopped',
      error: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.repository.insert(channel);
    if (body.groupId) await this.groups.setChannelGroup(channel.id, body.groupId);
    await this.manager.apply(channel);
    return this.toResponse(channel, body.groupId ?? null);
  }

  async update(id: string, body: ChannelUpdateDto): Promise<ChannelResponseDto> {
    const channel = await this.require(id);
    const factory = this.factoryFor(channel.type as CreatableChannelType);
    if (body.name !== undefined && body.name !== channel.name) await this.requireFreeName(body.name);
    if (body.groupId) await this.requireGroup(body.groupId);
    const stored = JSON.parse(this.secrets.decrypt(channel.configSealed)) as Record<string, unknown>;
    const config = body.config ? this.validConfig(factory, { ...stored, ...body.config }) : stored;
    const updated: Channel = {
      ...channel,
      name: body.name ?? channel.name,
      configSealed: body.config ? this.secrets.encrypt(JSON.stringify(config)) : channel.configSealed,
      allowedSenders:
        body.allowedSenders !== undefined ? this.validSenders(factory, body.allowedSenders) : channel.allowedSenders,
      approvers:
        body.approvers !== undefined ? this.validSenders(factory, body.approvers, 'approvers') : channel.approvers,
      approvalsChat: body.approvalsChat ?? channel.approvalsChat,
      enabled: body.enabled ?? channel.enabled,
      updatedAt: this.clock.now(),
    };
    await this.repository.update(id, {
      name: updated.name,
      configSealed: updated.configSealed,
      allowedSenders: updated.allowedSenders,
      approvers: updated.approvers,
      approvalsChat: updated.approvalsChat,
      enabled: updated.enabled,
      updatedAt: updated.updatedAt,
    });
    if (body.groupId !== undefined) await this.groups.setChannelGroup(id, body.groupId);
    await this.manager.apply(updated);
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    const channel = await this.require(id);
    await this.manager.remove(channel);
    await this.groups.setChannelGroup(id, null);
    await this.repository.remove(id);
  }

  /**
   * Pairs a QR-linked channel (WhatsApp) again: the stored session is forgotten and the channel
   * restarts, so a new QR code appears. 409 for a channel that is not paired by QR or is disabled.
   */
  async pair(id: string): Promise<ChannelResponseDto> {
    const channel = await this.require(id);
    const factory = this.factories.all().find((f) => f.type === channel.type);
    if (factory?.pairing !== 'qr') {
      throw new ConflictException(
        `Channel "${channel.name}" is not a WhatsApp channel (it is ${channel.type}): only WhatsApp channels are paired by QR code`,
      );
    }
    if (!channel.enabled) throw new ConflictException(`Channel "${channel.name}" is disabled: enable it to pair it`);
    await this.manager.pair(channel);
    return this.get(id);
  }

  /** Checks the connection and credentials without receiving or sending (running or not). */
  async test(id: string): Promise<ChannelTestResponseDto> {
    return this.manager.test(await this.require(id));
  }

  async messages(id: string, limit: number): Promise<ChannelMessageResponseDto[]> {
    await this.require(id);
    return (await this.repository.recentMessages(id, limit)).map(toMessageResponse);
  }

  private factoryFor(type: CreatableChannelType): ChannelAdapterFactory {
    const factory = this.factories.all().find((f) => f.type === type);
    if (!factory) {
      throw new BadRequestException(
        `type: ${type} channels are not supported yet (supported: ${this.factories
          .all()
          .map((f) => f.type)
          .join(', ')})`,
      );
    }
    return factory;
  }

  private validConfig(factory: ChannelAdapterFactory, raw: Record<string, unknown>): object {
    const result = factory.validateConfig(raw);
    if ('error' in result) throw new BadRequestException(result.error);
    return result.config;
  }

  private validSenders(factory: ChannelAdapterFactory, senders: string[], field = 'allowedSenders'): string[] {
    const cleaned = senders.map((s) => s.trim()).filter(Boolean);
    for (const [index, sender] of cleaned.entries()) {
      const problem = factory.validateSender(sender);
      if (problem) throw new BadRequestException(`${field}.${index} ${problem} (got "${sender}")`);
    }
    return [...new Set(cleaned.map((sender) => factory.normalizeSender?.(sender) ?? sender))];
  }

  private async requireGroup(groupId: string | null | undefined): Promise<void> {
    if (groupId && !(await this.groups.findById(groupId))) {
      throw new BadRequestException(`groupId: there is no agent group ${groupId}`);
    }
  }

  private async requireFreeName(name: string): Promise<void> {
    if (await this.repository.findByName(name)) throw new ConflictException(`A channel named "${name}" already exists`);
  }

  private async require(id: string): Promise<Channel> {
    const channel = await this.repository.find(id);
    if (!channel) throw new NotFoundException(`Channel ${id} not found`);
    return channel;
  }

  private toResponse(channel: Channel, groupId: string | null): ChannelResponseDto {
    const factory = this.factories.all().find((f) => f.type === channel.type);
    let config: Record<string, unknown> = {};
    if (factory) {
      try {
        config = factory.describeConfig(JSON.parse(this.secrets.decrypt(channel.configSealed)) as object);
      } catch {
        config = {};
      }
    }
    const status = this.manager.status(channel);
    return {
      id: channel.id,
      type: channel.type as CreatableChannelType,
      name: channel.name,
      config,
      allowedSenders: channel.allowedSenders,
      approvers: channel.approvers,
      approvalsChat: channel.approvalsChat,
      groupId,
      enabled: channel.enabled,
      state: status.state,
      error: status.error,
      account: status.account,
      qr: status.qr,
      retryAt: status.retryAt?.toISOString() ?? null,
      createdAt: channel.createdAt.toISOString(),
      updatedAt: channel.updatedAt.toISOString(),
    };
  }
}

function toMessageResponse(message: ChannelMessage): ChannelMessageResponseDto {
  return {
    id: message.id,
    channelId: message.channelId,
    externalId: message.externalId,
    chatId: message.chatId,
    threadId: message.threadId,
    sender: message.sender,
    senderName: message.senderName,
    text: message.text,
    status: message.status,
    reason: message.reason,
    runId: message.runId,
    reply: message.reply,
    receivedAt: message.receivedAt.toISOString(),
    answeredAt: message.answeredAt?.toISOString() ?? null,
  };
}
