import { TestBed } from '@angular/core/testing';
import type { ConversationDetailResponseDto } from '@loop-gateway/api-client';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, fakeGateway, loginResponse } from '../../testing/fake-gateway';
import { SESSION_STORAGE_KEY } from '../core/session/session.store';
import { ConversationPage } from './conversation.page';

const message = (seq: number, role: 'user' | 'assistant', text: string, minute: number) => ({
  seq,
  role,
  content: [{ type: 'text', text }],
  runId: `run-${Math.ceil(seq / 2)}`,
  createdAt: `2026-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`,
});

function conversation(overrides: Partial<ConversationDetailResponseDto> = {}): ConversationDetailResponseDto {
  return {
    id: 'c1',
    groupId: null,
    createdAt: '2026-01-01T10:00:00.000Z',
    closedAt: null,
    origin: { kind: 'channel', channelType: 'telegram', channelId: 'ch1' },
    untrustedSource: 'a message from a telegram user',
    messages: [
      message(1, 'user', 'First question', 0),
      message(2, 'assistant', 'First answer', 1),
      message(3, 'user', 'Second question', 2),
      message(4, 'assistant', 'Second answer', 4),
    ],
    compactions: [
      {
        coversSeq: 2,
        summarizedMessages: 2,
        tokensBefore: 7000,
        tokensAfter: 900,
        summary: 'They asked a first question.',
        createdAt: '2026-01-01T10:03:00.000Z',
        runId: 'run-2',
      },
    ],
    runs: [],
    ...overrides,
  };
}

describe('ConversationPage', () => {
  let gateway: FakeGateway;

  beforeEach(() => {
    gateway = fakeGateway();
    // An admin: viewers see no Start over.
    gateway.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(loginResponse()));
    TestBed.configureTestingModule({ providers: gateway.providers });
  });

  async function render() {
    const fixture = TestBed.createComponent(ConversationPage);
    fixture.componentRef.setInput('id', 'c1');
    const root = fixture.nativeElement as HTMLElement;
    const settle = async (check: () => void) =>
      vi.waitFor(() => {
        TestBed.tick();
        check();
      });
    return { root, settle };
  }

  it('shows the whole history with the compaction before the answer it made room for', async () => {
    gateway.http.on('GET /api/conversations/c1', { status: 200, body: conversation() });
    const { root, settle } = await render();
    await settle(() => expect(root.querySelectorAll('[data-testid=conversation-message]').length).toBe(4));
    const entries = [...root.querySelectorAll<HTMLElement>('[data-testid=conversation-history] > *')].map(
      (el) =>
        el.getAttribute('data-testid') + ':' + (el.getAttribute('data-seq') ?? el.getAttribute('data-covers-seq')),
    );
    expect(entries).toEqual([
      'conversation-message:1',
      'conversation-message:2',
      'conversation-message:3',
      'conversation-compaction:2',
      'conversation-message:4',
    ]);
    const marker = root.querySelector('[data-testid=conversation-compaction]')!.textContent!.replace(/\s+/g, ' ');
    expect(marker).toContain('the 2 messages up to #2 are sent to the model as a summary (7000 → 900 tokens)');
    expect(marker).toContain('They asked a first question.');
  });

  it('starts over: closes the conversation as /new does and says so', async () => {
    let closed = false;
    gateway.http
      .on('GET /api/conversations/c1', () => ({
        status: 200,
        body: conversation(closed ? { closedAt: '2026-01-01T11:00:00.000Z' } : {}),
      }))
      .on('POST /api/conversations/c1/close', () => {
        closed = true;
        return {
          status: 200,
          body: {
            id: 'c1',
            groupId: null,
            createdAt: '2026-01-01T10:00:00.000Z',
            closedAt: '2026-01-01T11:00:00.000Z',
          },
        };
      });
    const { root, settle } = await render();
    await settle(() => expect(root.querySelector('[data-testid=conversation-start-over]')).not.toBeNull());
    root.querySelector<HTMLElement>('[data-testid=conversation-start-over]')!.click();
    await settle(() => expect(root.querySelector('[data-testid=conversation-closed]')).not.toBeNull());
    expect(root.querySelector('[data-testid=conversation-start-over]')).toBeNull();
    expect(gateway.http.last('POST /api/conversations/c1/close')).toBeDefined();
  });

  it('offers a viewer no Start over (the gateway would refuse it)', async () => {
    gateway.storage.setItem(
      SESSION_STORAGE_KEY,
      JSON.stringify(loginResponse({ user: { id: 'u2', username: 'watcher', role: 'viewer' } })),
    );
    gateway.http.on('GET /api/conversations/c1', { status: 200, body: conversation() });
    const { root, settle } = await render();
    await settle(() => expect(root.querySelectorAll('[data-testid=conversation-message]').length).toBe(4));
    expect(root.querySelector('[data-testid=conversation-start-over]')).toBeNull();
  });
});
