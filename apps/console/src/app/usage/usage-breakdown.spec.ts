import { TestBed } from '@angular/core/testing';
import type { UsageBreakdownResponseDto } from '@loop-gateway/api-client';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, fakeGateway, loginResponse } from '../../testing/fake-gateway';
import { SESSION_STORAGE_KEY } from '../core/session/session.store';
import { UsageBreakdown } from './usage-breakdown';

function row(key: string, label: string, calls: number, costUsd: number) {
  return {
    key,
    label,
    calls,
    inputTokens: calls * 1000,
    outputTokens: calls * 100,
    cacheCreationTokens: 0,
    cacheReadTokens: 0,
    costUsd,
    cacheSavedUsd: 0,
  };
}

function breakdown(by: UsageBreakdownResponseDto['by'], rows: ReturnType<typeof row>[]): UsageBreakdownResponseDto {
  return { by, from: '2026-11-01', to: '2026-11-30', timezone: 'UTC', rows };
}

describe('UsageBreakdown', () => {
  let gateway: FakeGateway;

  beforeEach(() => {
    gateway = fakeGateway();
    gateway.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(loginResponse()));
    TestBed.configureTestingModule({ providers: gateway.providers });
  });

  it('breaks usage down by agent role: sub-agents by their role, the rest as the top-level agent', async () => {
    gateway.http.on('GET /api/usage/breakdown', (request) =>
      request.query.get('by') === 'role'
        ? {
            status: 200,
            body: breakdown('role', [
              row('(top-level)', 'Top-level agent', 2, 0.02),
              row('researcher', 'researcher', 3, 0.01),
              row('writer', 'writer', 1, 0.005),
            ]),
          }
        : { status: 200, body: breakdown('origin', [row('api', 'API', 6, 0.035)]) },
    );
    const fixture = TestBed.createComponent(UsageBreakdown);
    const root = fixture.nativeElement as HTMLElement;
    const labels = () => [...root.querySelectorAll('[data-testid=breakdown-label]')].map((cell) => cell.textContent);
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(labels()).toEqual(['API']);
    });

    const toggle = [...root.querySelectorAll('[data-testid=breakdown-by] button')].find(
      (button) => button.textContent?.trim() === 'By agent role',
    ) as HTMLButtonElement;
    toggle.click();
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(labels()).toEqual(['Top-level agent', 'researcher', 'writer']);
    });
    expect(gateway.http.last('GET /api/usage/breakdown')?.query.get('by')).toBe('role');
    expect(root.querySelector('[data-testid=breakdown-table] th')?.textContent).toBe('Agent role');
    const researcher = root.querySelector('[data-testid=breakdown-row][data-key=researcher]')!;
    expect(researcher.querySelector('[data-testid=breakdown-calls]')?.textContent).toBe('3');
  });
});
