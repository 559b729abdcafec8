import { Injectable, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentsModule } from '../agents/agents.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { HitlModule } from '../hitl/hitl.module.js';
import { ChannelAdapterFactories, type ChannelAdapterFactory } from './adapters/channel-adapter.js';
import { AdapterStateStore } from './adapter-state.store.js';
import { ChannelApprovalNotices } from './channel-approval-notices.js';
import { ChannelInbox } from './channel-inbox.js';
import { ChatCommandHandler } from './chat-command-handler.js';
import { ChannelManager } from './channel-manager.js';
import { ChannelsController } from './channels.controller.js';
import { ChannelsRepository } from './channels.repository.js';
import { ChannelsService } from './channels.service.js';
import { ChannelAdapterStateEntry } from './entities/channel-adapter-state.entity.js';
import { ChannelMessage } from './entities/channel-message.entity.js';
import { Channel } from './entities/channel.entity.js';
import { EmailAdapterFactory } from './email/email.factory.js';
import { MattermostCallbacksController } from './mattermost/mattermost-callbacks.controller.js';
import { MattermostAdapterFactory } from './mattermost/mattermost.factory.js';
import { TelegramAdapterFactory } from './telegram/telegram.factory.js';
import { WhatsAppAdapterFactory } from './whatsapp/whatsapp.factory.js';

/** The adapters this gateway has: Telegram (telegraf), email (imapflow + nodemailer), WhatsApp (Baileys), Mattermost (REST v4 + WebSocket). */
@Injectable()
export class InstalledAdapters extends ChannelAdapterFactories {
  constructor(
    private readonly telegram: TelegramAdapterFactory,
    private readonly email: EmailAdapterFactory,
    private readonly whatsapp: WhatsAppAdapterFactory,
    private readonly mattermost: MattermostAdapterFactory,
  ) {
    super();
  }

  all(): ChannelAdapterFactory[] {
    return [
      this.telegram as ChannelAdapterFactory,
      this.email as ChannelAdapterFactory,
      this.whatsapp as ChannelAdapterFactory,
      this.mattermost as ChannelAdapterFactory,
    ];
  }
}

/** Channels: Telegram, email, WhatsApp and Mattermost; every inbound message becomes a run whose reply goes back to the chat. */
@Module({
  imports: [
    TypeOrmModule.forFeature([Channel, ChannelMessage, ChannelAdapterStateEntry]),
    AgentsModule,
    GroupsModule,
    HitlModule,
  ],
  controllers: [ChannelsController, MattermostCallbacksController],
  providers: [
    ChannelsService,
    ChannelsRepository,
    ChannelManager,
    ChannelInbox,
    ChatCommandHandler,
    ChannelApprovalNotices,
    AdapterStateStore,
    TelegramAdapterFactory,
    EmailAdapterFactory,
    WhatsAppAdapterFactory,
    MattermostAdapterFactory,
    { provide: ChannelAdapterFactories, useClass: InstalledAdapters },
  ],
  exports: [ChannelManager],
})
export class ChannelsModule {}
