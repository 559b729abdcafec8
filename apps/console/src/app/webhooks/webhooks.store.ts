import { Injectable, inject, signal } from '@angular/core';
import {
  type WebhookEventDto,
  type WebhookResponseDto,
  type WebhookTokenResponseDto,
  deleteWebhook,
  listWebhookEvents,
  listWebhooks,
  rotateWebhookToken,
  updateWebhook,
} from '@loop-gateway/api-client';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { LocalEdits } from '../core/state/local-edits';

const byName = (a: WebhookResponseDto, b: WebhookResponseDto) => a.name.localeCompare(b.name);

/** The webhooks page's state: the webhooks, the event catalog, and the operator's changes. */
@Injectable()
export class WebhooksStore {
  private readonly api = inject(API_CLIENT);

  private readonly list = signal<readonly WebhookResponseDto[]>([]);
  private readonly catalog = signal<readonly WebhookEventDto[]>([]);
  private readonly problem = signal<string | null>(null);
  private readonly busy = signal(false);
  private readonly edits = new LocalEdits();

  readonly webhooks = this.list.asReadonly();
  readonly events = this.catalog.asReadonly();
  readonly error = this.problem.asReadonly();
  readonly loading = this.busy.asReadonly();

  async load(): Promise<void> {
    this.busy.set(true);
    const [webhooks, events] = await this.edits.latest(() =>
      Promise.all([listWebhooks({ client: this.api }), listWebhookEvents({ client: this.api })]),
    );
    this.busy.set(false);
    if (!webhooks.data || !events.data) {
      this.problem.set(apiErrorMessage(webhooks.error ?? events.error, 'The webhooks could not be loaded.'));
      return;
    }
    this.problem.set(null);
    this.list.set([...webhooks.data].sort(byName));
    this.catalog.set(events.data);
  }

  /** A created or edited webhook. */
  saved(webhook: WebhookResponseDto): void {
    this.edits.note();
    this.list.update((all) => [...all.filter((w) => w.id !== webhook.id), withoutSecrets(webhook)].sort(byName));
  }

  /** null when done, else the gateway's reason. */
  async setEnabled(webhook: WebhookResponseDto, enabled: boolean): Promise<string | null> {
    const { data, error } = await updateWebhook({ client: this.api, path: { id: webhook.id }, body: { enabled } });
    if (!data) return apiErrorMessage(error, 'The webhook could not be changed.');
    this.saved(data);
    return null;
  }

  /** The new token, or the gateway's reason as a string. */
  async rotate(webhook: WebhookResponseDto): Promise<WebhookTokenResponseDto | string> {
    const { data, error } = await rotateWebhookToken({ client: this.api, path: { id: webhook.id } });
    if (!data) return apiErrorMessage(error, 'The token could not be rotated.');
    this.saved(data);
    return data;
  }

  async remove(webhook: WebhookResponseDto): Promise<string | null> {
    const { error, response } = await deleteWebhook({ client: this.api, path: { id: webhook.id } });
    if (!response?.ok) return apiErrorMessage(error, 'The webhook could not be deleted.');
    this.edits.note();
    this.list.update((all) => all.filter((w) => w.id !== webhook.id));
    return null;
  }
}

/** Never keep a token or secret in page state once it has been shown. */
function withoutSecrets(webhook: WebhookResponseDto & { token?: string; secret?: string }): WebhookResponseDto {
  const { token: _token, secret: _secret, ...rest } = webhook;
  return rest;
}
