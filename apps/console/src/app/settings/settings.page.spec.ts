import { TestBed } from '@angular/core/testing';
import type { SettingsResponseDto } from '@loop-gateway/api-client';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, fakeGateway } from '../../testing/fake-gateway';
import { SettingsPage, shownValue } from './settings.page';

type Entry = SettingsResponseDto['variables'][number];
const entry = (overrides: Partial<Entry> & Pick<Entry, 'name'>): Entry => ({
  description: `What ${overrides.name} does.`,
  value: '',
  source: 'default',
  secret: false,
  set: false,
  ...overrides,
});

const SETTINGS: SettingsResponseDto = {
  version: '0.1.0',
  database: 'sqlite',
  dataDir: '/var/lib/loop-gateway',
  containerMode: {
    enabled: true,
    state: 'unavailable',
    problem: 'The image loop-gateway-agent:latest is missing: build it first',
    image: 'loop-gateway-agent:latest',
    dockerHost: 'unix:///var/run/docker.sock',
  },
  variables: [
    entry({ name: 'PORT', value: '8080', source: 'environment', set: true }),
    entry({ name: 'ANTHROPIC_API_KEY', value: null, secret: true, set: true, source: 'environment' }),
    entry({ name: 'SETUP_TOKEN', value: null, secret: true }),
    entry({ name: 'RUN_QUEUE_LIMIT', value: '20000', set: true, description: 'Runs in flight before 503.' }),
  ],
};

describe('SettingsPage', () => {
  let gateway: FakeGateway;

  beforeEach(() => {
    gateway = fakeGateway();
    TestBed.configureTestingModule({ providers: gateway.providers });
  });

  async function render() {
    const fixture = TestBed.createComponent(SettingsPage);
    const root = fixture.nativeElement as HTMLElement;
    const until = (check: () => void) =>
      vi.waitFor(() => {
        TestBed.tick();
        check();
      });
    const text = (testId: string, scope: ParentNode = root) =>
      scope.querySelector(`[data-testid=${testId}]`)?.textContent?.replace(/\s+/g, ' ').trim();
    const rows = () => [...root.querySelectorAll<HTMLElement>('[data-testid=setting]')];
    return { root, until, text, rows };
  }

  it('shows the version, database, data folder, container mode and every variable, secrets as set or not', async () => {
    gateway.http.on('GET /api/settings', { status: 200, body: SETTINGS });
    const { until, text, rows } = await render();
    await until(() => expect(rows()).toHaveLength(4));
    expect(text('settings-version')).toBe('0.1.0');
    expect(text('settings-database')).toBe('SQLite (in the data folder)');
    expect(text('settings-data-dir')).toBe('/var/lib/loop-gateway');
    expect(text('settings-container-mode')).toContain('On, unavailable');
    expect(text('settings-container-mode')).toContain('The image loop-gateway-agent:latest is missing');
    const values = rows().map((row) => [row.dataset['name'], text('setting-value', row)]);
    expect(values).toEqual([
      ['PORT', '8080'],
      ['ANTHROPIC_API_KEY', 'Set (hidden)'],
      ['SETUP_TOKEN', 'Not set default'],
      ['RUN_QUEUE_LIMIT', '20000 default'],
    ]);
  });

  it('filters the variables by name or description', async () => {
    gateway.http.on('GET /api/settings', { status: 200, body: SETTINGS });
    const { root, until, rows } = await render();
    await until(() => expect(rows()).toHaveLength(4));
    const filter = root.querySelector<HTMLInputElement>('[data-testid=settings-filter]')!;
    filter.value = '503';
    filter.dispatchEvent(new Event('input'));
    await until(() => expect(rows().map((row) => row.dataset['name'])).toEqual(['RUN_QUEUE_LIMIT']));
    filter.value = 'nothing like this';
    filter.dispatchEvent(new Event('input'));
    await until(() => expect(root.textContent).toContain('No variable matches “nothing like this”.'));
  });

  it('says why when the gateway refuses (a viewer)', async () => {
    gateway.http.on('GET /api/settings', {
      status: 403,
      body: { statusCode: 403, message: 'Your account is a viewer: the settings are for admins' },
    });
    const { until, text } = await render();
    await until(() => expect(text('settings-error')).toBe('Your account is a viewer: the settings are for admins'));
  });

  it('never shows a secret value, even if one came along', () => {
    expect(shownValue(entry({ name: 'SECRET_KEY', secret: true, set: true, value: 'leaked' }))).toBe('Set (hidden)');
    expect(shownValue(entry({ name: 'HOST', value: '' }))).toBe('(empty)');
  });
});
