import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EventName } from '@loop-gateway/contracts';
import { SecretBox } from '../crypto/secret-box.js';
import { WILDCARD } from './dto/webhook.dto.js';
import type { Webhook } from './entities/webhook.entity.js';
import { WebhooksRepository } from './webhooks.repository.js';

/** Events a `*` subscription leaves out: the text stream sends one event per streamed chunk. */
export const WILDCARD_EXCLUDED: readonly EventName[] = ['agent:run:text'];

export function subscribes(events: readonly string[], event: EventName): boolean {
  return events.includes(event) || (events.includes(WILDCARD) && !WILDCARD_EXCLUDED.includes(event));
}

/**
 * Every webhook in memory, loaded at start and updated by each change this process makes. Inbound
 * token checks and the outbound dispatcher read it, so neither a bad token nor an emitted event costs
 * a database query. The gateway is one process; the database stays the source of truth.
 */
@Injectable()
export class WebhookRegistry implements OnModuleInit {
  private readonly byId = new Map<string, Webhook>();
  private readonly idByHash = new Map<string, string>();
  private readonly secrets = new Map<string, string>();

  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly box: SecretBox,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const webhook of await this.webhooks.all()) this.set(webhook);
  }

  get(id: string): Webhook | undefined {
    return this.byId.get(id);
  }

  byTokenHash(hash: string): Webhook | undefined {
    const id = this.idByHash.get(hash);
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** Enabled webhooks with a target that subscribe to `event`. */
  subscribersOf(event: EventName): Webhook[] {
    const found: Webhook[] = [];
    for (const webhook of this.byId.values()) {
      if (webhook.enabled && webhook.targetUrl && subscribes(webhook.events, event)) found.push(webhook);
    }
    return found;
  }

  /** The webhook that sends to `url` (an enabled one first), if any. */
  byTargetUrl(url: string): Webhook | undefined {
    let found: Webhook | undefined;
    for (const webhook of this.byId.values()) {
      if (webhook.targetUrl !== url) continue;
      if (webhook.enabled) return webhook;
      found ??= webhook;
    }
    return found;
  }

  /** The signing secret in the clear (decrypted once, kept in memory). */
  secretOf(webhook: Webhook): string {
    let secret = this.secrets.get(webhook.id);
    if (secret === undefined) {
      secret = this.box.decrypt(webhook.secretSealed);
      this.secrets.set(webhook.id, secret);
    }
    return secret;
  }

  set(webhook: Webhook): void {
    this.delete(webhook.id);
    this.byId.set(webhook.id, webhook);
    this.idByHash.set(webhook.tokenHash, webhook.id);
  }

  delete(id: string): void {
    const previous = this.byId.get(id);
    if (previous) this.idByHash.delete(previous.tokenHash);
    this.byId.delete(id);
    this.secrets.delete(id);
  }
}
