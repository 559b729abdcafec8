import { TestBed } from '@angular/core/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, fakeGateway } from '../../testing/fake-gateway';
import { GatewayHealth } from './gateway-health';

describe('GatewayHealth', () => {
  let gateway: FakeGateway;

  beforeEach(() => {
    gateway = fakeGateway();
    TestBed.configureTestingModule({ providers: gateway.providers });
  });

  async function render() {
    const fixture = TestBed.createComponent(GatewayHealth);
    await fixture.whenStable();
    await vi.waitFor(() => expect(gateway.http.requests.length).toBeGreaterThan(0));
    await fixture.whenStable();
    const root = fixture.nativeElement as HTMLElement;
    return (testId: string) => root.querySelector(`[data-testid=${testId}]`)?.textContent?.trim();
  }

  it('shows status, version, uptime and database from GET /api/health', async () => {
    gateway.http.on('GET /api/health', {
      status: 200,
      body: { status: 'ok', version: '1.4.2', uptimeSeconds: 7500, database: 'postgres' },
    });
    const text = await render();
    expect(text('health-status')).toBe('OK');
    expect(text('health-version')).toBe('1.4.2');
    expect(text('health-uptime')).toBe('2 h 5 min');
    expect(text('health-database')).toBe('PostgreSQL');
  });

  it('says when the database does not answer', async () => {
    gateway.http.on('GET /api/health', {
      status: 200,
      body: { status: 'degraded', version: '1.4.2', uptimeSeconds: 5, database: 'sqlite' },
    });
    expect((await render())('health-status')).toBe('Degraded');
  });

  it('says when the gateway cannot be reached', async () => {
    gateway.http.on('GET /api/health', new TypeError('fetch failed'));
    const text = await render();
    expect(text('health-error')).toMatch(/cannot reach the gateway/i);
    expect(text('health-status')).toBeUndefined();
  });
});
