import { TestBed } from '@angular/core/testing';
import type { ApiKeyResponseDto } from '@loop-gateway/api-client';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, fakeGateway, loginResponse } from '../../testing/fake-gateway';
import { SESSION_STORAGE_KEY } from '../core/session/session.store';
import { ApiKeysPage } from './api-keys.page';

function apiKey(overrides: Partial<ApiKeyResponseDto> = {}): ApiKeyResponseDto {
  return {
    id: 'k1',
    name: 'n8n prod',
    scope: 'runs',
    tokenHint: 'lgk_AbCd',
    rateLimitPerMinute: null,
    createdAt: '2026-01-01T10:00:00.000Z',
    expiresAt: null,
    lastUsedAt: '2026-01-02T10:00:00.000Z',
    lastUsedIp: '10.0.0.7',
    ...overrides,
  };
}

const KEY = 'lgk_' + 'K'.repeat(43);

describe('ApiKeysPage', () => {
  let gateway: FakeGateway;

  beforeEach(() => {
    gateway = fakeGateway();
    // An admin: viewers see no change buttons.
    gateway.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(loginResponse()));
    TestBed.configureTestingModule({ providers: gateway.providers });
    gateway.http.on('GET /api/api-keys', {
      status: 200,
      body: [apiKey(), apiKey({ id: 'k2', name: 'Backup script', scope: 'read', lastUsedAt: null, lastUsedIp: null })],
    });
  });

  async function render() {
    const fixture = TestBed.createComponent(ApiKeysPage);
    const root = fixture.nativeElement as HTMLElement;
    const settle = async (check: () => void) =>
      vi.waitFor(() => {
        TestBed.tick();
        check();
      });
    await settle(() => expect(root.querySelectorAll('[data-testid=api-key]').length).toBe(2));
    const row = (name: string) => root.querySelector<HTMLElement>(`[data-testid=api-key][data-key="${name}"]`)!;
    const text = (name: string, testId: string) =>
      row(name).querySelector(`[data-testid=${testId}]`)?.textContent?.replace(/\s+/g, ' ').trim();
    const click = (scope: ParentNode, testId: string) => {
      scope.querySelector<HTMLElement>(`[data-testid=${testId}]`)!.click();
      TestBed.tick();
    };
    return { root, row, text, click, settle };
  }

  it('lists keys with hint, scope, expiry and when and from where each was last used', async () => {
    const { text } = await render();
    expect(text('n8n prod', 'api-key-hint')).toBe('lgk_AbCd…');
    expect(text('n8n prod', 'api-key-scope-label')).toBe('Runs only');
    expect(text('n8n prod', 'api-key-last-used')).toContain('from 10.0.0.7');
    expect(text('Backup script', 'api-key-last-used')).toBe('never used');
    expect(text('Backup script', 'api-key-expiry')).toBe('never');
  });

  it('creates a key and shows it once', async () => {
    gateway.http.on('POST /api/api-keys', {
      status: 201,
      body: { ...apiKey({ id: 'k3', name: 'Make.com', scope: 'full', lastUsedAt: null, lastUsedIp: null }), key: KEY },
    });
    const { root, click, settle } = await render();
    const name = root.querySelector<HTMLInputElement>('[data-testid=api-key-name]')!;
    name.value = 'Make.com';
    name.dispatchEvent(new Event('input'));
    const rate = root.querySelector<HTMLInputElement>('[data-testid=api-key-rate]')!;
    rate.value = '30';
    rate.dispatchEvent(new Event('input'));
    click(root, 'api-key-create');
    await settle(() => expect(root.querySelector('[data-testid=api-key-value]')?.textContent?.trim()).toBe(KEY));
    expect(gateway.http.last('POST /api/api-keys')?.body).toEqual({
      name: 'Make.com',
      scope: 'full',
      rateLimitPerMinute: 30,
    });
    await settle(() => expect(root.querySelectorAll('[data-testid=api-key]').length).toBe(3));
    click(root, 'api-key-done');
    await settle(() => expect(root.querySelector('[data-testid=api-key-created]')).toBeNull());
    expect(root.textContent).not.toContain(KEY);
  });

  it('revokes a key after confirmation', async () => {
    gateway.http.on('DELETE /api/api-keys/k2', { status: 204 });
    const { root, row, click, settle } = await render();
    click(row('Backup script'), 'api-key-revoke');
    click(document, 'confirm');
    await settle(() => expect(root.querySelectorAll('[data-testid=api-key]').length).toBe(1));
    expect(gateway.http.last('DELETE /api/api-keys/k2')).toBeDefined();
  });
});
