import { Injectable, inject, signal } from '@angular/core';
import {
  type ApiKeyCreateDto,
  type ApiKeyCreatedResponseDto,
  type ApiKeyResponseDto,
  createApiKey,
  deleteApiKey,
  listApiKeys,
} from '@loop-gateway/api-client';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { LocalEdits } from '../core/state/local-edits';

/** The API keys page's state: the keys (never the keys themselves) and the operator's changes. */
@Injectable()
export class ApiKeysStore {
  private readonly api = inject(API_CLIENT);

  private readonly list = signal<readonly ApiKeyResponseDto[]>([]);
  private readonly problem = signal<string | null>(null);
  private readonly busy = signal(false);
  private readonly edits = new LocalEdits();

  readonly keys = this.list.asReadonly();
  readonly error = this.problem.asReadonly();
  readonly loading = this.busy.asReadonly();

  async load(): Promise<void> {
    this.busy.set(true);
    const { data, error } = await this.edits.latest(() => listApiKeys({ client: this.api }));
    this.busy.set(false);
    if (!data) {
      this.problem.set(apiErrorMessage(error, 'The API keys could not be loaded.'));
      return;
    }
    this.problem.set(null);
    this.list.set(data);
  }

  /** The created key (with the key itself, to show once), or the gateway's reason as a string. */
  async create(body: ApiKeyCreateDto): Promise<ApiKeyCreatedResponseDto | string> {
    const { data, error } = await createApiKey({ client: this.api, body });
    if (!data) return apiErrorMessage(error, 'The API key could not be created.');
    const { key: _key, ...listed } = data;
    this.edits.note();
    this.list.update((all) => [listed, ...all]);
    return data;
  }

  async revoke(key: ApiKeyResponseDto): Promise<string | null> {
    const { error, response } = await deleteApiKey({ client: this.api, path: { id: key.id } });
    if (!response?.ok) return apiErrorMessage(error, 'The API key could not be revoked.');
    this.edits.note();
    this.list.update((all) => all.filter((k) => k.id !== key.id));
    return null;
  }
}
